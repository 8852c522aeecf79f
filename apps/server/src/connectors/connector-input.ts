import { ValidationError } from '@nomaflow/contracts';
import type { ConnectorConfig } from '@nomaflow/contracts';
import { ajvErrorsToFieldErrors, createAjv } from '@nomaflow/kernel';

const ajv = createAjv();

/** A connector document as the API takes it (SPEC §3); `password` is write-only. */
const validate = ajv.compile({
  type: 'object',
  required: ['name', 'driver'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' },
    driver: { type: 'string', minLength: 1, maxLength: 64 },
    host: { type: 'string', minLength: 1, maxLength: 255 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    database: { type: 'string', minLength: 1, maxLength: 255 },
    user: { type: 'string', minLength: 1, maxLength: 255 },
    password: { type: ['string', 'null'], maxLength: 1000 },
    url: { type: 'string', minLength: 1, maxLength: 2000 },
    options: {
      type: 'object',
      properties: { ssl: { type: 'boolean' }, pool_max: { type: 'integer', minimum: 1, maximum: 100 } },
    },
  },
});

export type ConnectorInput = ConnectorConfig & { password?: string | null };

export function parseConnector(body: unknown): ConnectorInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ path: '', message: 'a connector must be a JSON object' }]);
  }
  if (!validate(body)) throw new ValidationError(ajvErrorsToFieldErrors(validate.errors ?? []));
  const c = body as ConnectorInput;
  if (c.url === undefined && c.host === undefined) {
    throw new ValidationError([
      { path: '/host', message: 'give either url or host (with port, database, user)' },
    ]);
  }
  if (c.url !== undefined) {
    try {
      new URL(c.url);
    } catch {
      throw new ValidationError([{ path: '/url', message: 'not a valid connection URL' }]);
    }
  }
  return c;
}

/** The URL without its password, for display. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}

export function urlHasPassword(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}
