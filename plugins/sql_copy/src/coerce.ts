/**
 * Per-column value coercion for sql_copy: explicit `coerce` entries and the `jde` preset (JD Edwards:
 * padded CHAR codes, Julian CYYDDD dates, implied decimals). Pure functions, unit-tested.
 */

export type ColumnKind =
  | 'integer'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'char'
  | 'text'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'time'
  | 'json'
  | 'binary'
  | 'uuid'
  | 'other';

export interface ColumnType {
  kind: ColumnKind;
  /** Decimal scale when the type declares one (`numeric(12,2)` → 2; `numeric` → undefined). */
  scale?: number;
}

/** Classifies a PostgreSQL `format_type` or MySQL `COLUMN_TYPE` text. */
export function classifyType(dataType: string): ColumnType {
  const t = dataType.trim().toLowerCase();
  const base = t
    .replace(/\(.*$/, '')
    .replace(/\s+unsigned|\s+zerofill/g, '')
    .trim();
  const args = /\(([^)]*)\)/
    .exec(t)?.[1]
    ?.split(',')
    .map((a) => Number(a.trim()));
  if (t.endsWith('[]')) return { kind: 'other' };
  if (
    /^(smallint|integer|int|bigint|tinyint|mediumint|int2|int4|int8|serial|bigserial|smallserial|year)$/.test(
      base,
    )
  )
    return { kind: 'integer' };
  if (/^(numeric|decimal|dec|fixed)$/.test(base)) {
    if (args === undefined) return { kind: 'decimal' };
    return { kind: 'decimal', scale: args.length > 1 ? (args[1] as number) : 0 };
  }
  if (/^(real|double precision|double|float|float4|float8)$/.test(base)) return { kind: 'float' };
  if (/^(boolean|bool)$/.test(base)) return { kind: 'boolean' };
  if (/^(character|char|bpchar|nchar)$/.test(base)) return { kind: 'char' };
  if (
    /^(character varying|varchar|nvarchar|text|tinytext|mediumtext|longtext|name|citext|enum|set)$/.test(base)
  )
    return { kind: 'text' };
  if (base === 'date') return { kind: 'date' };
  if (t.startsWith('timestamp')) return { kind: timestampKind(t) };
  if (base === 'datetime') return { kind: 'timestamp' };
  if (/^time/.test(base)) return { kind: 'time' };
  if (/^(json|jsonb)$/.test(base)) return { kind: 'json' };
  if (/^(bytea|blob|tinyblob|mediumblob|longblob|binary|varbinary|bit)$/.test(base))
    return { kind: 'binary' };
  if (base === 'uuid') return { kind: 'uuid' };
  return { kind: 'other' };
}

/**
 * `timestamp …` texts: PostgreSQL says `timestamp without time zone` / `… with time zone`; MySQL's
 * `timestamp` / `timestamp(6)` is stored in UTC, so it is zone-aware.
 */
function timestampKind(t: string): ColumnKind {
  if (t.includes('without time zone')) return 'timestamp';
  if (t.includes('with time zone')) return 'timestamptz';
  return 'timestamptz';
}

export const COERCE_TYPES = [
  'none',
  'text',
  'trim',
  'rtrim',
  'ltrim',
  'null_if_blank',
  'integer',
  'decimal',
  'implied_decimal',
  'float',
  'boolean',
  'date',
  'julian_date',
  'timestamp',
  'json',
] as const;
export type CoerceType = (typeof COERCE_TYPES)[number];

export type DecimalMode = 'preserve' | 'truncate';

export interface CoerceSpec {
  type: CoerceType;
  /** Decimal places: for `decimal` the scale to keep, for `implied_decimal` the implied decimals. */
  scale?: number;
  decimal_mode?: DecimalMode;
}

export type Transform = (value: unknown) => unknown;

export class CoerceError extends Error {
  override name = 'CoerceError';
}

function fail(what: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new CoerceError(`cannot coerce ${shown} to ${what}`);
}

// ---------------------------------------------------------------------------------------------
// Decimal text arithmetic (exact: no floating point)
// ---------------------------------------------------------------------------------------------

const DECIMAL = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

interface Decimal {
  negative: boolean;
  int: string;
  frac: string;
}

function parseDecimal(value: unknown): Decimal | undefined {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
  } else if (typeof value === 'bigint') text = value.toString();
  else return undefined;
  const m = DECIMAL.exec(text);
  if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) return undefined;
  let int = m[2] ?? '';
  let frac = m[3] ?? '';
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (exp > 0) {
    int += frac.slice(0, exp).padEnd(exp, '0');
    frac = frac.slice(exp);
  } else if (exp < 0) {
    const padded = int.padStart(-exp, '0');
    frac = padded.slice(padded.length + exp) + frac;
    int = padded.slice(0, padded.length + exp);
  }
  return { negative: m[1] === '-', int: int.replace(/^0+/, ''), frac };
}

function formatDecimal(d: Decimal): string {
  const int = d.int === '' ? '0' : d.int;
  const text = d.frac === '' ? int : `${int}.${d.frac}`;
  return d.negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** Adds one unit in the last place of the magnitude `digits` (a string of digits). */
function incrementDigits(digits: string): string {
  const a = digits.split('');
  let i = a.length - 1;
  while (i >= 0) {
    if (a[i] === '9') {
      a[i] = '0';
      i -= 1;
    } else {
      a[i] = String(Number(a[i]) + 1);
      return a.join('');
    }
  }
  return `1${a.join('')}`;
}

/**
 * `value` with at most `scale` decimals: cut (`truncate`, toward zero) or rounded half away from
 * zero (`round`, what PostgreSQL and MySQL do when they store into a scaled column).
 */
export function scaleDecimal(value: unknown, scale: number, mode: 'truncate' | 'round'): string {
  const d = parseDecimal(value);
  if (!d) return fail(`decimal`, value);
  if (d.frac.length <= scale) return formatDecimal(d);
  const kept = d.frac.slice(0, scale);
  if (mode === 'truncate' || Number(d.frac[scale]) < 5) return formatDecimal({ ...d, frac: kept });
  const bumped = incrementDigits((d.int === '' ? '0' : d.int) + kept);
  const int = bumped.slice(0, bumped.length - scale);
  return formatDecimal({
    negative: d.negative,
    int,
    frac: scale > 0 ? bumped.slice(bumped.length - scale) : '',
  });
}

/** `value` / 10^scale, exactly (JD Edwards stores amounts as integers with implied decimals). */
export function impliedDecimal(value: unknown, scale: number): string {
  const d = parseDecimal(value);
  if (!d) return fail(`implied decimal`, value);
  if (scale <= 0) return formatDecimal(d);
  const int = d.int.padStart(scale, '0');
  return formatDecimal({
    negative: d.negative,
    int: int.slice(0, int.length - scale),
    frac: int.slice(int.length - scale) + d.frac,
  });
}

function hasFraction(value: unknown): boolean {
  const d = parseDecimal(value);
  return d !== undefined && /[1-9]/.test(d.frac);
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * A JD Edwards Julian date CYYDDD (C = centuries after 1900, YY year, DDD day of the year) as
 * `YYYY-MM-DD`: 124001 → 2024-01-01, 99365 → 1999-12-31. 0, blank and null mean "no date" → null.
 */
export function julianToIsoDate(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text =
    typeof value === 'string'
      ? value.trim()
      : typeof value === 'number' || typeof value === 'bigint'
        ? String(value)
        : undefined;
  if (text === undefined) return fail('a Julian CYYDDD date', value);
  if (text === '') return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 9_999_999) {
    // "124001.0" from a float column is still a Julian date.
    return fail('a Julian CYYDDD date', value);
  }
  if (n === 0) return null;
  const year = 1900 + Math.floor(n / 1000);
  const day = n % 1000;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day < 1 || day > (leap ? 366 : 365)) return fail('a Julian CYYDDD date', value);
  const date = new Date(Date.UTC(year, 0, day));
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

// ---------------------------------------------------------------------------------------------
// Coercions
// ---------------------------------------------------------------------------------------------

function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const TRUE_TEXT = new Set(['1', 't', 'true', 'y', 'yes', 'on']);
const FALSE_TEXT = new Set(['0', 'f', 'false', 'n', 'no', 'off', '']);

function strings(fn: (s: string) => unknown): Transform {
  return (v) => (typeof v === 'string' ? fn(v) : v);
}

/** The function of one coercion type (null/undefined always pass through as null). */
export function coercion(spec: CoerceSpec, decimalMode: DecimalMode): Transform | undefined {
  const mode = spec.decimal_mode ?? decimalMode;
  let fn: Transform | undefined;
  switch (spec.type) {
    case 'none':
      return undefined;
    case 'text':
      fn = toText;
      break;
    case 'trim':
      fn = strings((s) => s.trim());
      break;
    case 'rtrim':
      fn = strings((s) => s.trimEnd());
      break;
    case 'ltrim':
      fn = strings((s) => s.trimStart());
      break;
    case 'null_if_blank':
      fn = (v) => (typeof v === 'string' && v.trim() === '' ? null : v);
      break;
    case 'integer':
      fn = (v) => {
        if (typeof v === 'boolean') return v ? 1 : 0;
        const text = scaleDecimal(typeof v === 'string' ? v.trim() : v, 0, 'round');
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : text;
      };
      break;
    case 'decimal': {
      const scale = spec.scale;
      fn = (v) => {
        if (typeof v === 'boolean') return v ? '1' : '0';
        if (scale === undefined) return scaleDecimal(v, Number.MAX_SAFE_INTEGER, 'truncate');
        return mode === 'truncate' ? scaleDecimal(v, scale, 'truncate') : scaleDecimal(v, scale, 'round');
      };
      break;
    }
    case 'implied_decimal': {
      const scale = spec.scale ?? 0;
      fn = (v) => impliedDecimal(v, scale);
      break;
    }
    case 'float':
      fn = (v) => {
        const n = typeof v === 'number' ? v : Number(typeof v === 'string' ? v.trim() : v);
        if (Number.isNaN(n) && !(typeof v === 'string' && /nan/i.test(v))) return fail('float', v);
        return n;
      };
      break;
    case 'boolean':
      fn = (v) => {
        if (typeof v === 'boolean') return v;
        if (typeof v === 'number' || typeof v === 'bigint') return v != 0;
        const text = toText(v).trim().toLowerCase();
        if (TRUE_TEXT.has(text)) return true;
        if (FALSE_TEXT.has(text)) return false;
        return fail('boolean', v);
      };
      break;
    case 'date':
      fn = (v) => {
        if (v instanceof Date) return v.toISOString().slice(0, 10);
        if (typeof v === 'number' || (typeof v === 'string' && /^\s*\d{1,7}\s*$/.test(v)))
          return julianToIsoDate(v);
        if (typeof v === 'string') {
          const m = /^\s*(\d{4}-\d{2}-\d{2})/.exec(v);
          if (m) return m[1];
          if (v.trim() === '') return null;
        }
        return fail('date', v);
      };
      break;
    case 'julian_date':
      fn = julianToIsoDate;
      break;
    case 'timestamp':
      fn = (v) => (v instanceof Date ? v.toISOString() : toText(v));
      break;
    case 'json':
      fn = (v) => {
        if (typeof v === 'string') {
          try {
            JSON.parse(v);
            return v;
          } catch {
            return JSON.stringify(v);
          }
        }
        return JSON.stringify(Buffer.isBuffer(v) ? v.toString('utf8') : v);
      };
      break;
  }
  const f = fn;
  return (v) => (v === null || v === undefined ? null : f(v));
}

/**
 * The JD Edwards preset for one column, from the source and target column types:
 * - text from CHAR/VARCHAR columns loses its trailing padding;
 * - a number going into a date (or timestamp) column is a Julian CYYDDD date;
 * - an integer going into a decimal column with a scale gets that many implied decimals (the data
 *   dictionary's display decimals, carried by the target column); with `decimal_mode: truncate`
 *   digits beyond the target's scale are cut instead of left for the database to round.
 */
export function jdeTransform(
  source: ColumnType,
  target: ColumnType,
  decimalMode: DecimalMode,
): Transform | undefined {
  if (source.kind === 'char' || source.kind === 'text') {
    if (target.kind === 'date' || target.kind === 'timestamp' || target.kind === 'timestamptz') {
      return (v) => {
        if (typeof v !== 'string') return v ?? null;
        const t = v.trim();
        return /^\d{1,7}$/.test(t) ? julianToIsoDate(t) : t === '' ? null : t;
      };
    }
    return coercion({ type: 'rtrim' }, decimalMode);
  }
  const numeric = source.kind === 'integer' || source.kind === 'decimal' || source.kind === 'float';
  if (!numeric) return undefined;
  if (target.kind === 'date' || target.kind === 'timestamp' || target.kind === 'timestamptz')
    return julianToIsoDate;
  if (target.kind === 'decimal' && target.scale !== undefined) {
    const scale = target.scale;
    const implied = scale > 0 && (source.kind === 'integer' || (source.kind === 'decimal' && !source.scale));
    return (v) => {
      if (v === null || v === undefined) return null;
      let out: unknown = v;
      if (implied && !hasFraction(v)) out = impliedDecimal(v, scale);
      if (decimalMode === 'truncate') out = scaleDecimal(out, scale, 'truncate');
      return out;
    };
  }
  return undefined;
}
