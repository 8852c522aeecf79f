import type { ConnectorView } from '../../../core/api-types';
import {
  connectorInput,
  controlOfPath,
  emptyConnectorForm,
  errorsByControl,
  formFromConnector,
} from './connector-form';

const saved: ConnectorView = {
  name: 'reporting',
  driver: 'postgres',
  host: 'db.local',
  port: 5432,
  database: 'rep',
  user: 'etl',
  options: { ssl: true, pool_max: 4 },
  has_password: true,
  builtin: false,
};

describe('connector form', () => {
  it('never pre-fills the password and keeps the stored one when left blank', () => {
    const form = formFromConnector(saved);
    expect(form.password).toBe('');
    const input = connectorInput(form);
    expect('password' in input).toBe(false);
    expect(input).toEqual({
      name: 'reporting',
      driver: 'postgres',
      host: 'db.local',
      port: 5432,
      database: 'rep',
      user: 'etl',
      options: { ssl: true, pool_max: 4 },
    });
  });

  it('sends a typed password, and only the URL in URL mode', () => {
    const input = connectorInput({
      ...emptyConnectorForm(),
      name: ' x ',
      mode: 'url',
      host: 'ignored',
      url: 'postgres://u@h/db',
      password: 's3cret',
    });
    expect(input).toEqual({
      name: 'x',
      driver: 'postgres',
      url: 'postgres://u@h/db',
      password: 's3cret',
      options: { ssl: false },
    });
  });

  it('opens a URL connector in URL mode', () => {
    const form = formFromConnector({ ...saved, host: undefined, url: 'mysql://u@h/db', options: {} });
    expect(form.mode).toBe('url');
    expect(form.ssl).toBe(false);
    expect(form.pool_max).toBeNull();
  });

  it('places server errors on their field', () => {
    expect(controlOfPath('/host')).toBe('host');
    expect(controlOfPath('/options/pool_max')).toBe('pool_max');
    expect(controlOfPath('')).toBe('');
    expect(controlOfPath('/nope')).toBe('');
    const byControl = errorsByControl([
      { path: '/host', message: 'give either url or host' },
      { path: '/port', message: 'must be <= 65535' },
      { path: '', message: 'a connector must be a JSON object' },
    ]);
    expect(byControl.get('host')).toEqual(['give either url or host']);
    expect(byControl.get('port')).toEqual(['must be <= 65535']);
    expect(byControl.get('')).toEqual(['a connector must be a JSON object']);
  });
});
