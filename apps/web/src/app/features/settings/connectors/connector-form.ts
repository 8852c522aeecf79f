import type { FieldError } from '@nomaflow/contracts';
import type { ConnectorInput, ConnectorView } from '../../../core/api-types';

export const DRIVERS = ['postgres', 'mysql'] as const;

/** The connector form's values; strings as typed, empty = not given. */
export interface ConnectorFormValue {
  name: string;
  driver: string;
  /** Connect with host fields or with one URL. */
  mode: 'fields' | 'url';
  host: string;
  port: number | null;
  database: string;
  user: string;
  url: string;
  /** Never pre-filled; blank keeps the stored password. */
  password: string;
  ssl: boolean;
  pool_max: number | null;
}

export function emptyConnectorForm(): ConnectorFormValue {
  return {
    name: '',
    driver: 'postgres',
    mode: 'fields',
    host: '',
    port: 5432,
    database: '',
    user: '',
    url: '',
    password: '',
    ssl: false,
    pool_max: null,
  };
}

export function formFromConnector(c: ConnectorView): ConnectorFormValue {
  const poolMax = c.options['pool_max'];
  return {
    ...emptyConnectorForm(),
    name: c.name,
    driver: c.driver,
    mode: c.url ? 'url' : 'fields',
    host: c.host ?? '',
    port: c.port ?? null,
    database: c.database ?? '',
    user: c.user ?? '',
    url: c.url ?? '',
    ssl: c.options['ssl'] === true,
    pool_max: typeof poolMax === 'number' ? poolMax : null,
  };
}

/** What the API takes: only the fields given, the password only when one was typed. */
export function connectorInput(v: ConnectorFormValue): ConnectorInput {
  const input: ConnectorInput = { name: v.name.trim(), driver: v.driver };
  if (v.mode === 'url') {
    if (v.url.trim()) input.url = v.url.trim();
  } else {
    if (v.host.trim()) input.host = v.host.trim();
    if (v.port !== null && Number.isFinite(v.port)) input.port = v.port;
    if (v.database.trim()) input.database = v.database.trim();
    if (v.user.trim()) input.user = v.user.trim();
  }
  if (v.password !== '') input.password = v.password;
  const options: NonNullable<ConnectorInput['options']> = { ssl: v.ssl };
  if (v.pool_max !== null && Number.isFinite(v.pool_max)) options.pool_max = v.pool_max;
  input.options = options;
  return input;
}

/** Which form control a server error belongs to (`/options/pool_max` → `pool_max`); '' = the form. */
export function controlOfPath(path: string): keyof ConnectorFormValue | '' {
  const last = path.split('/').filter(Boolean).pop() ?? '';
  const known: readonly string[] = [
    'name',
    'driver',
    'host',
    'port',
    'database',
    'user',
    'url',
    'password',
    'ssl',
    'pool_max',
  ];
  return known.includes(last) ? (last as keyof ConnectorFormValue) : '';
}

/** Server errors grouped by control; unplaced ones under ''. */
export function errorsByControl(errors: readonly FieldError[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of errors) {
    const key = controlOfPath(e.path);
    map.set(key, [...(map.get(key) ?? []), e.message]);
  }
  return map;
}
