/**
 * Values bound to MySQL/MariaDB statements. Reads return exact text for DECIMAL, BIGINT, dates and
 * times (see README); writes accept those, and the forms other connectors produce: ISO timestamps
 * with a zone (converted to UTC, the session zone), booleans, bigint, Date, objects for JSON.
 */

export type ValueKind = 'datetime' | 'date' | 'time' | 'json' | 'integer' | 'number' | 'binary' | 'text';

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

function utcText(d: Date): string {
  const ms = d.getUTCMilliseconds();
  return (
    `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}` +
    (ms ? `.${String(ms).padStart(3, '0')}` : '')
  );
}

const TIMESTAMP =
  /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC for a timestamp text with or without a zone (without one it
 * is taken as UTC already); other text is returned unchanged for the server to judge.
 */
export function toMysqlDatetime(text: string): string {
  const m = TIMESTAMP.exec(text);
  if (!m) return text;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, zone] = m;
  const fraction = frac ? `.${frac.slice(0, 6)}` : '';
  if (!zone || /^(z|utc|[+-]00(:?00)?)$/i.test(zone)) return `${y}-${mo}-${d} ${h}:${mi}:${s}${fraction}`;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.replace(/[^0-9]/g, '');
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
  const utc = new Date(
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000,
  );
  if (Number.isNaN(utc.getTime())) return text;
  return `${utcText(utc).slice(0, 19)}${fraction}`;
}

/** A parameter as mysql2 binds it: no undefined, no bigint, no plain objects. */
export function paramValue(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  switch (typeof v) {
    case 'boolean':
      return v ? 1 : 0;
    case 'bigint':
      return v.toString();
    case 'object':
      if (Buffer.isBuffer(v) || v instanceof Date) return v;
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      return JSON.stringify(v);
    default:
      return v;
  }
}

/** A value bound into a column of the given kind. */
export function mysqlValue(v: unknown, kind: ValueKind): unknown {
  if (v === undefined || v === null) return null;
  switch (kind) {
    case 'datetime':
      if (typeof v === 'string') return toMysqlDatetime(v);
      if (v instanceof Date) return utcText(v);
      return paramValue(v);
    case 'date':
      if (typeof v === 'string') {
        const m = /^\s*(\d{4}-\d{2}-\d{2})/.exec(v);
        return m ? toMysqlDatetime(v).slice(0, 10) : v;
      }
      if (v instanceof Date) return utcText(v).slice(0, 10);
      return paramValue(v);
    case 'text':
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      if (v instanceof Date) return v.toISOString();
      return paramValue(v);
    case 'json':
      if (typeof v === 'string') return v;
      if (Buffer.isBuffer(v)) return v.toString('utf8');
      return JSON.stringify(v);
    default:
      return paramValue(v);
  }
}
