/**
 * PostgreSQL's binary COPY format: a decoder for `COPY … TO STDOUT (FORMAT binary)` and an encoder
 * for `COPY … FROM STDIN (FORMAT binary)`, one small function per type, writing straight into one
 * growing Buffer per batch (no per-value Buffers, no Date objects).
 *
 * Values read come in the connector's value representation (see README): int2/int4/oid/float →
 * number, int8/numeric → string (exact), bool → boolean, date → `YYYY-MM-DD`, timestamp →
 * `YYYY-MM-DD HH:MM:SS[.ffffff]`, timestamptz → `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, time → `HH:MM:SS[.f]`,
 * json/jsonb → the JSON text, bytea → Buffer, uuid/text/… → string. The encoders accept those and the
 * looser forms other drivers produce (numbers for booleans, Date, bigint, objects for JSON, …).
 */
import {
  INFINITY_DATE,
  NEG_INFINITY_DATE,
  US_PER_DAY,
  formatPgDate,
  formatPgTimestamp,
  formatTimeOfDay,
  formatTimestampFast,
  fastParsed,
  parseTimeText,
  parseTimestampFast,
  parseTimestampText,
} from './datetime.js';

export const OID = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  float4: 700,
  float8: 701,
  unknown: 705,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

// Inline big-endian reads and writes: Buffer's methods validate their arguments on every call, which
// shows in a loop over millions of fields.
function wi32(b: Buffer, v: number, p: number): void {
  b[p] = v >>> 24;
  b[p + 1] = v >>> 16;
  b[p + 2] = v >>> 8;
  b[p + 3] = v;
}
function wi16(b: Buffer, v: number, p: number): void {
  b[p] = v >>> 8;
  b[p + 1] = v;
}
function ri32(b: Buffer, p: number): number {
  return (
    ((b[p] as number) << 24) |
    ((b[p + 1] as number) << 16) |
    ((b[p + 2] as number) << 8) |
    (b[p + 3] as number)
  );
}
function ru32(b: Buffer, p: number): number {
  return ri32(b, p) >>> 0;
}
function ri16(b: Buffer, p: number): number {
  const v = ((b[p] as number) << 8) | (b[p + 1] as number);
  return v & 0x8000 ? v - 0x10000 : v;
}
function ru16(b: Buffer, p: number): number {
  return ((b[p] as number) << 8) | (b[p + 1] as number);
}

export const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

export type FieldDecoder = (buf: Buffer, start: number, len: number) => unknown;

const TWO_32 = 4294967296;

function readInt64(buf: Buffer, p: number): number | bigint {
  const hi = ri32(buf, p);
  const lo = ru32(buf, p + 4);
  if (hi >= -0x200000 && hi < 0x200000) return hi * TWO_32 + lo;
  return buf.readBigInt64BE(p);
}

const decodeText: FieldDecoder = (buf, s, len) => buf.toString('utf8', s, s + len);

const numScratch = Buffer.allocUnsafe(4096);

function decodeNumeric(buf: Buffer, s: number): string {
  const ndigits = ri16(buf, s);
  const weight = ri16(buf, s + 2);
  const sign = ru16(buf, s + 4);
  const dscale = ri16(buf, s + 6);
  if (sign === 0xc000) return 'NaN';
  if (sign === 0xd000) return 'Infinity';
  if (sign === 0xf000) return '-Infinity';
  // Worst case: sign, 4 digits per group on each side of the point, the point.
  const size = 2 + (Math.max(weight + 1, 1) + Math.max(ndigits - weight - 1, 0)) * 4 + dscale + 4;
  const out = size <= numScratch.length ? numScratch : Buffer.allocUnsafe(size);
  let p = 0;
  if (sign === 0x4000) out[p++] = 45;
  // Integer part: groups 0..weight (a group past ndigits is 0000).
  if (weight < 0) {
    out[p++] = 48;
  } else {
    for (let i = 0; i <= weight; i++) {
      const d = i < ndigits ? ri16(buf, s + 8 + i * 2) : 0;
      if (i === 0) {
        if (d >= 1000) out[p++] = 48 + ((d / 1000) | 0);
        if (d >= 100) out[p++] = 48 + (((d / 100) | 0) % 10);
        if (d >= 10) out[p++] = 48 + (((d / 10) | 0) % 10);
        out[p++] = 48 + (d % 10);
      } else {
        out[p++] = 48 + ((d / 1000) | 0);
        out[p++] = 48 + (((d / 100) | 0) % 10);
        out[p++] = 48 + (((d / 10) | 0) % 10);
        out[p++] = 48 + (d % 10);
      }
    }
  }
  if (dscale > 0) {
    out[p++] = 46;
    let written = 0;
    for (let i = weight + 1; written < dscale; i++) {
      const d = i >= 0 && i < ndigits ? ri16(buf, s + 8 + i * 2) : 0;
      let div = 1000;
      for (let k = 0; k < 4 && written < dscale; k++, written++) {
        out[p++] = 48 + (((d / div) | 0) % 10);
        div = (div / 10) | 0;
      }
    }
  }
  // "-0.00" is printed "0.00" by PostgreSQL.
  if (sign === 0x4000 && ndigits === 0) return out.toString('latin1', 1, p);
  return out.toString('latin1', 0, p);
}

/** The shortest decimal that reads back as the same float4, as PostgreSQL prints it (1.1, not 1.100000023841858). */
function shortestFloat4(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(v.toPrecision(p));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

function hex(buf: Buffer, s: number, e: number): string {
  return buf.toString('hex', s, e);
}

/** The decoder of a type's binary form, or undefined when the type must be read as text. */
export function binaryDecoder(oid: number): FieldDecoder | undefined {
  switch (oid) {
    case OID.bool:
      return (buf, s) => buf[s] !== 0;
    case OID.int2:
      return (buf, s) => ri16(buf, s);
    case OID.int4:
      return (buf, s) => ri32(buf, s);
    case OID.oid:
      return (buf, s) => ru32(buf, s);
    case OID.int8:
      return (buf, s) => String(readInt64(buf, s));
    case OID.float4:
      return (buf, s) => shortestFloat4(buf.readFloatBE(s));
    case OID.float8:
      return (buf, s) => buf.readDoubleBE(s);
    case OID.numeric:
      return (buf, s) => decodeNumeric(buf, s);
    case OID.text:
    case OID.varchar:
    case OID.bpchar:
    case OID.name:
    case OID.char:
    case OID.json:
    case OID.xml:
    case OID.unknown:
      return decodeText;
    case OID.jsonb:
      return (buf, s, len) => buf.toString('utf8', s + 1, s + len);
    case OID.bytea:
      return (buf, s, len) => {
        const out = Buffer.allocUnsafe(len);
        buf.copy(out, 0, s, s + len);
        return out;
      };
    case OID.date:
      return (buf, s) => formatPgDate(ri32(buf, s));
    case OID.time:
      return (buf, s) => formatTimeOfDay(Number(readInt64(buf, s)));
    case OID.timestamp:
      return (buf, s) => {
        const us = readInt64(buf, s);
        return (
          (typeof us === 'number' ? formatTimestampFast(us, false) : undefined) ??
          formatPgTimestamp(us, false)
        );
      };
    case OID.timestamptz:
      return (buf, s) => {
        const us = readInt64(buf, s);
        return (
          (typeof us === 'number' ? formatTimestampFast(us, true) : undefined) ?? formatPgTimestamp(us, true)
        );
      };
    case OID.uuid:
      return (buf, s) =>
        `${hex(buf, s, s + 4)}-${hex(buf, s + 4, s + 6)}-${hex(buf, s + 6, s + 8)}-${hex(buf, s + 8, s + 10)}-${hex(buf, s + 10, s + 16)}`;
    default:
      return undefined;
  }
}

/** Builds row objects of one shape in one allocation each (an object literal with every column). */
export type RowFactory = (values: readonly unknown[]) => Record<string, unknown>;

const SAFE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function rowFactory(names: readonly string[]): RowFactory {
  // Column names become object keys through JSON string literals, never as code; `__proto__` (and
  // duplicate names) take the slow, safe path.
  if (new Set(names).size === names.length && !names.includes('__proto__') && names.length <= 1000) {
    const body = names.map((n, i) => `${SAFE_KEY.test(n) ? n : JSON.stringify(n)}: v[${i}]`).join(', ');
    return new Function('v', `return { ${body} };`) as RowFactory;
  }
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      Object.defineProperty(row, names[i] as string, {
        value: values[i],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return row;
  };
}

/**
 * Incremental decoder of a binary COPY stream into row objects. Feed it chunks; it returns the rows
 * completed by each chunk. A row split across chunks is kept (only its bytes) until the next one.
 */
export class CopyBinaryDecoder {
  private pending: Buffer | undefined;
  private headerDone = false;
  private done = false;
  private readonly width: number;
  private readonly values: unknown[];
  private readonly make: RowFactory;

  constructor(
    names: readonly string[],
    private readonly decoders: readonly FieldDecoder[],
  ) {
    this.width = names.length;
    this.values = new Array<unknown>(names.length).fill(null);
    this.make = rowFactory(names);
  }

  /** Decodes the complete rows of `chunk` (plus what was pending) into `out`. */
  push(chunk: Buffer, out: Record<string, unknown>[]): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let p = 0;
    if (!this.headerDone) {
      if (buf.length < 19) {
        this.pending = buf;
        return;
      }
      if (!buf.subarray(0, 11).equals(COPY_SIGNATURE)) throw new Error('not a binary COPY stream');
      const extension = ri32(buf, 15);
      if (buf.length < 19 + extension) {
        this.pending = buf;
        return;
      }
      p = 19 + extension;
      this.headerDone = true;
    }
    const decoders = this.decoders;
    const width = this.width;
    const values = this.values;
    const make = this.make;
    const end = buf.length;
    while (p + 2 <= end) {
      const count = ri16(buf, p);
      if (count === -1) {
        this.done = true;
        return;
      }
      if (count !== width) throw new Error(`COPY row has ${count} fields, expected ${width}`);
      // Check the row is complete before decoding it.
      let q = p + 2;
      let complete = true;
      for (let i = 0; i < width; i++) {
        if (q + 4 > end) {
          complete = false;
          break;
        }
        const len = ri32(buf, q);
        q += 4 + (len > 0 ? len : 0);
        if (q > end) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      q = p + 2;
      for (let i = 0; i < width; i++) {
        const len = ri32(buf, q);
        q += 4;
        if (len < 0) {
          values[i] = null;
        } else {
          values[i] = (decoders[i] as FieldDecoder)(buf, q, len);
          q += len;
        }
      }
      out.push(make(values));
      p = q;
    }
    if (p < end) {
      // Keep only the partial row; copy it so the big chunk can be collected.
      buf = buf.subarray(p);
      this.pending = Buffer.from(buf);
    }
  }

  get finished(): boolean {
    return this.done;
  }
}

/** Whole tuples of a binary COPY stream, cut into batches of `batchSize` rows without decoding them. */
export interface TupleBatch {
  data: Buffer;
  rows: number;
}

/**
 * Splits a binary COPY stream into batches of whole tuples (header and trailer dropped): only the
 * field lengths are read, the values are never decoded. A tuple split across chunks is carried over.
 */
export class CopyBinarySplitter {
  private carry: Buffer | undefined;
  private headerDone = false;
  private done = false;
  private parts: Buffer[] = [];
  private rows = 0;

  constructor(
    private readonly width: number,
    private readonly batchSize: number,
  ) {}

  push(chunk: Buffer, out: TupleBatch[]): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    const end = buf.length;
    let p = 0;
    if (!this.headerDone) {
      if (end < 19) {
        this.carry = Buffer.from(buf);
        return;
      }
      if (!buf.subarray(0, 11).equals(COPY_SIGNATURE)) throw new Error('not a binary COPY stream');
      const extension = ri32(buf, 15);
      if (end < 19 + extension) {
        this.carry = Buffer.from(buf);
        return;
      }
      p = 19 + extension;
      this.headerDone = true;
    }
    let start = p;
    const width = this.width;
    while (p + 2 <= end) {
      const count = ri16(buf, p);
      if (count === -1) {
        if (p > start) this.parts.push(buf.subarray(start, p));
        this.done = true;
        this.finish(out);
        return;
      }
      if (count !== width) throw new Error(`COPY row has ${count} fields, expected ${width}`);
      let q = p + 2;
      let complete = true;
      for (let i = 0; i < width; i++) {
        if (q + 4 > end) {
          complete = false;
          break;
        }
        const len = ri32(buf, q);
        q += 4 + (len > 0 ? len : 0);
        if (q > end) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      p = q;
      this.rows += 1;
      if (this.rows === this.batchSize) {
        this.parts.push(buf.subarray(start, p));
        this.finish(out);
        start = p;
      }
    }
    if (p > start) this.parts.push(buf.subarray(start, p));
    if (p < end) this.carry = Buffer.from(buf.subarray(p));
  }

  /** Emits the rows gathered so far as one batch. */
  finish(out: TupleBatch[]): void {
    if (this.rows === 0) return;
    const data = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
    out.push({ data, rows: this.rows });
    this.parts = [];
    this.rows = 0;
  }

  get finished(): boolean {
    return this.done;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/** A growing output buffer for one batch. */
export class ByteWriter {
  buf: Buffer;
  pos = 0;
  constructor(size = 1 << 16) {
    this.buf = Buffer.allocUnsafe(size);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  /** The bytes written so far, as a new Buffer the writer no longer touches. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(1 << 16, Math.min(this.buf.length, 1 << 24)));
    this.pos = 0;
    return out;
  }
}

/** Writes one non-null value, its int32 length included. Throws a TypeError naming the problem. */
export type FieldEncoder = (w: ByteWriter, value: unknown) => void;

export class EncodeError extends TypeError {
  override name = 'EncodeError';
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (Buffer.isBuffer(v)) return `a ${v.length}-byte buffer`;
  if (v instanceof Date) return `Date ${String(v)}`;
  if (typeof v === 'object') return typeof v;
  return String(v);
}

function bad(type: string, v: unknown): never {
  throw new EncodeError(`cannot write ${describe(v)} as ${type}`);
}

function writeText(w: ByteWriter, s: string): void {
  w.ensure(4 + s.length * 3);
  const n = w.buf.write(s, w.pos + 4, 'utf8');
  wi32(w.buf, n, w.pos);
  w.pos += 4 + n;
}

function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return JSON.stringify(v);
}

function toJsonText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return JSON.stringify(v);
}

function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'bigint') {
    if (v == 0) return false;
    if (v == 1) return true;
    return bad('bool', v);
  }
  if (typeof v === 'string') {
    switch (v.trim().toLowerCase()) {
      case 't':
      case 'true':
      case 'y':
      case 'yes':
      case 'on':
      case '1':
        return true;
      case 'f':
      case 'false':
      case 'n':
      case 'no':
      case 'off':
      case '0':
        return false;
    }
  }
  if (Buffer.isBuffer(v) && v.length === 1) return v[0] !== 0; // MySQL BIT(1)
  return bad('bool', v);
}

const INT_TEXT = /^\s*[+-]?\d+\s*$/;

function toSafeInteger(v: unknown, type: string, min: number, max: number): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && INT_TEXT.test(v)) n = Number(v);
  else if (typeof v === 'string' && /^\s*[+-]?\d+\.0*\s*$/.test(v)) n = Number(v);
  else if (typeof v === 'bigint') n = Number(v);
  else if (typeof v === 'boolean') n = v ? 1 : 0;
  else return bad(type, v);
  if (!Number.isInteger(n) || n < min || n > max) return bad(type, v);
  return n;
}

function writeInt64(w: ByteWriter, v: unknown): void {
  w.ensure(12);
  const b = w.buf;
  wi32(b, 8, w.pos);
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    wi32(b, Math.floor(v / TWO_32), w.pos + 4);
    wi32(b, v >>> 0, w.pos + 8);
  } else if (typeof v === 'string' && v.length < 16 && INT_TEXT.test(v)) {
    const n = Number(v);
    wi32(b, Math.floor(n / TWO_32), w.pos + 4);
    wi32(b, n >>> 0, w.pos + 8);
  } else {
    let big: bigint;
    try {
      if (typeof v === 'bigint') big = v;
      else if (typeof v === 'string' && INT_TEXT.test(v)) big = BigInt(v.trim());
      else if (typeof v === 'number' && Number.isInteger(v)) big = BigInt(v);
      else if (typeof v === 'boolean') big = v ? 1n : 0n;
      else return bad('int8', v);
    } catch {
      return bad('int8', v);
    }
    if (big < -0x8000000000000000n || big > 0x7fffffffffffffffn) bad('int8', v);
    b.writeBigInt64BE(big, w.pos + 4);
  }
  w.pos += 12;
}

function writeTimestampUs(w: ByteWriter, days: number, us: number): void {
  w.ensure(12);
  wi32(w.buf, 8, w.pos);
  const total = days * US_PER_DAY + us;
  if (Number.isSafeInteger(total)) {
    wi32(w.buf, Math.floor(total / TWO_32), w.pos + 4);
    wi32(w.buf, total >>> 0, w.pos + 8);
  } else {
    w.buf.writeBigInt64BE(BigInt(days) * BigInt(US_PER_DAY) + BigInt(us), w.pos + 4);
  }
  w.pos += 12;
}

function writeInfinity(w: ByteWriter, positive: boolean): void {
  w.ensure(12);
  wi32(w.buf, 8, w.pos);
  w.buf.writeBigInt64BE(positive ? 0x7fffffffffffffffn : -0x8000000000000000n, w.pos + 4);
  w.pos += 12;
}

const MS_TO_PG_US = 946_684_800_000; // ms between 1970-01-01 and 2000-01-01

function writeTimestamp(w: ByteWriter, v: unknown, withZone: boolean): void {
  const type = withZone ? 'timestamptz' : 'timestamp';
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) bad(type, v);
    const us = (ms - MS_TO_PG_US) * 1000;
    const days = Math.floor(us / US_PER_DAY);
    return writeTimestampUs(w, days, us - days * US_PER_DAY);
  }
  if (typeof v !== 'string') return bad(type, v);
  if (parseTimestampFast(v, false)) return writeTimestampUs(w, fastParsed.days, fastParsed.us);
  const t = parseTimestampText(v);
  if (!t) return bad(type, v);
  if (t.special) return writeInfinity(w, t.special === 'infinity');
  let us = t.us;
  let days = t.days;
  if (withZone && t.offsetSeconds) {
    us -= t.offsetSeconds * 1_000_000;
    const shift = Math.floor(us / US_PER_DAY);
    days += shift;
    us -= shift * US_PER_DAY;
  }
  writeTimestampUs(w, days, us);
}

function writeDate(w: ByteWriter, v: unknown): void {
  let days: number;
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) bad('date', v);
    days = Math.floor((ms - MS_TO_PG_US) / 86_400_000);
  } else if (typeof v === 'string') {
    const t = parseTimestampFast(v, true) ? fastParsed : parseTimestampText(v);
    if (!t) return bad('date', v);
    const special = 'special' in t ? t.special : undefined;
    days = special === 'infinity' ? INFINITY_DATE : special === '-infinity' ? NEG_INFINITY_DATE : t.days;
  } else {
    return bad('date', v);
  }
  w.ensure(8);
  wi32(w.buf, 4, w.pos);
  wi32(w.buf, days, w.pos + 4);
  w.pos += 8;
}

const NUMERIC_TEXT = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

/** Writes a decimal (string, number or bigint) in PostgreSQL's base-10000 binary numeric form. */
export function writeNumeric(w: ByteWriter, v: unknown): void {
  if (typeof v === 'string' && writeNumericFast(w, v)) return;
  let text: string;
  if (typeof v === 'string') text = v;
  else if (typeof v === 'number')
    text = Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
  else if (typeof v === 'bigint') text = v.toString();
  else if (typeof v === 'boolean') text = v ? '1' : '0';
  else return bad('numeric', v);
  const special = text.trim().toLowerCase();
  if (special === 'nan' || special === 'infinity' || special === '+infinity' || special === '-infinity') {
    w.ensure(12);
    wi32(w.buf, 8, w.pos);
    wi16(w.buf, 0, w.pos + 4);
    wi16(w.buf, 0, w.pos + 6);
    wi16(w.buf, special === 'nan' ? 0xc000 : special === '-infinity' ? 0xf000 : 0xd000, w.pos + 8);
    wi16(w.buf, 0, w.pos + 10);
    w.pos += 12;
    return;
  }
  const m = NUMERIC_TEXT.exec(text);
  if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) return bad('numeric', v);
  const negative = m[1] === '-';
  let intPart = m[2] ?? '';
  let fracPart = m[3] ?? '';
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (exp > 0) {
    const moved = fracPart.slice(0, exp).padEnd(exp, '0');
    intPart += moved;
    fracPart = fracPart.slice(exp);
  } else if (exp < 0) {
    const k = -exp;
    const padded = intPart.padStart(k, '0');
    fracPart = padded.slice(padded.length - k) + fracPart;
    intPart = padded.slice(0, padded.length - k);
  }
  intPart = intPart.replace(/^0+/, '');
  const dscale = fracPart.length;
  if (dscale > 0x3fff) return bad('numeric', v);
  // Base-10000 groups aligned on the decimal point.
  const intPadded = intPart.padStart(Math.ceil(intPart.length / 4) * 4, '0');
  const fracPadded = fracPart.padEnd(Math.ceil(fracPart.length / 4) * 4, '0');
  const groups: number[] = [];
  for (let i = 0; i < intPadded.length; i += 4) groups.push(Number(intPadded.slice(i, i + 4)));
  for (let i = 0; i < fracPadded.length; i += 4) groups.push(Number(fracPadded.slice(i, i + 4)));
  let weight = intPadded.length / 4 - 1;
  let first = 0;
  while (first < groups.length && groups[first] === 0) {
    first += 1;
    weight -= 1;
  }
  let last = groups.length;
  while (last > first && groups[last - 1] === 0) last -= 1;
  const digits = groups.slice(first, last);
  if (digits.length === 0) weight = 0;
  const size = 8 + digits.length * 2;
  w.ensure(4 + size);
  const b = w.buf;
  let p = w.pos;
  wi32(b, size, p);
  wi16(b, digits.length, p + 4);
  wi16(b, weight, p + 6);
  wi16(b, negative && digits.length > 0 ? 0x4000 : 0, p + 8);
  wi16(b, dscale, p + 10);
  p += 12;
  for (const d of digits) {
    wi16(b, d, p);
    p += 2;
  }
  w.pos = p;
}

const groups = new Int16Array(1024);

/** Plain `[-]digits[.digits]` text straight to base-10000 groups; false for anything else. */
function writeNumericFast(w: ByteWriter, s: string): boolean {
  const len = s.length;
  let i = 0;
  let negative = false;
  const first = s.charCodeAt(0);
  if (first === 45) {
    negative = true;
    i = 1;
  } else if (first === 43) {
    i = 1;
  }
  let dot = -1;
  for (let j = i; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c === 46) {
      if (dot >= 0) return false;
      dot = j;
    } else if (c < 48 || c > 57) {
      return false;
    }
  }
  const intEnd = dot < 0 ? len : dot;
  const fracStart = dot < 0 ? len : dot + 1;
  if (intEnd === i && fracStart === len) return false;
  let is = i;
  while (is < intEnd && s.charCodeAt(is) === 48) is += 1;
  const intLen = intEnd - is;
  const fracLen = len - fracStart;
  if (fracLen > 0x3fff) return false;
  const intGroups = (intLen + 3) >> 2;
  const fracGroups = (fracLen + 3) >> 2;
  const total = intGroups + fracGroups;
  if (total > groups.length) return false;
  groups.fill(0, 0, total);
  const pad = intGroups * 4 - intLen;
  for (let k = 0; k < intLen; k++) {
    const g = (k + pad) >> 2;
    groups[g] = (groups[g] as number) * 10 + (s.charCodeAt(is + k) - 48);
  }
  for (let k = 0; k < fracLen; k++) {
    const g = intGroups + (k >> 2);
    groups[g] = (groups[g] as number) * 10 + (s.charCodeAt(fracStart + k) - 48);
  }
  const rem = fracLen & 3;
  if (rem !== 0)
    groups[total - 1] = (groups[total - 1] as number) * (rem === 1 ? 1000 : rem === 2 ? 100 : 10);
  let start = 0;
  let weight = intGroups - 1;
  while (start < total && groups[start] === 0) {
    start += 1;
    weight -= 1;
  }
  let end = total;
  while (end > start && groups[end - 1] === 0) end -= 1;
  const ndigits = end - start;
  if (ndigits === 0) weight = 0;
  const size = 8 + ndigits * 2;
  w.ensure(4 + size);
  const b = w.buf;
  let p = w.pos;
  wi32(b, size, p);
  wi16(b, ndigits, p + 4);
  wi16(b, weight, p + 6);
  wi16(b, negative && ndigits > 0 ? 0x4000 : 0, p + 8);
  wi16(b, fracLen, p + 10);
  p += 12;
  for (let k = start; k < end; k++) {
    wi16(b, groups[k] as number, p);
    p += 2;
  }
  w.pos = p;
  return true;
}

function writeBytes(w: ByteWriter, bytes: Uint8Array): void {
  w.ensure(4 + bytes.length);
  wi32(w.buf, bytes.length, w.pos);
  w.buf.set(bytes, w.pos + 4);
  w.pos += 4 + bytes.length;
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') {
    if (/^\\x[0-9a-fA-F]*$/.test(v) && v.length % 2 === 0) return Buffer.from(v.slice(2), 'hex');
    return Buffer.from(v, 'utf8');
  }
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return bad('bytea', v);
}

const UUID_TEXT =
  /^\{?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})\}?$/;

/** The encoder of a type's binary form, or undefined when the type has to be written as text. */
export function binaryEncoder(oid: number): FieldEncoder | undefined {
  switch (oid) {
    case OID.bool:
      return (w, v) => {
        w.ensure(5);
        wi32(w.buf, 1, w.pos);
        w.buf[w.pos + 4] = toBool(v) ? 1 : 0;
        w.pos += 5;
      };
    case OID.int2:
      return (w, v) => {
        const n = toSafeInteger(v, 'int2', -32768, 32767);
        w.ensure(6);
        wi32(w.buf, 2, w.pos);
        wi16(w.buf, n, w.pos + 4);
        w.pos += 6;
      };
    case OID.int4:
      return (w, v) => {
        const n =
          typeof v === 'number' && (v | 0) === v ? v : toSafeInteger(v, 'int4', -2147483648, 2147483647);
        w.ensure(8);
        wi32(w.buf, 4, w.pos);
        wi32(w.buf, n, w.pos + 4);
        w.pos += 8;
      };
    case OID.oid:
      return (w, v) => {
        const n = toSafeInteger(v, 'oid', 0, 4294967295);
        w.ensure(8);
        wi32(w.buf, 4, w.pos);
        wi32(w.buf, n, w.pos + 4);
        w.pos += 8;
      };
    case OID.int8:
      return writeInt64;
    case OID.float4:
    case OID.float8:
      return (w, v) => {
        let n: number;
        if (typeof v === 'number') n = v;
        else if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v.trim()) as number))
          n = Number(v);
        else if (typeof v === 'string' && /^\s*nan\s*$/i.test(v)) n = NaN;
        else if (typeof v === 'string' && /^\s*[+-]?inf(inity)?\s*$/i.test(v))
          n = v.includes('-') ? -Infinity : Infinity;
        else if (typeof v === 'bigint') n = Number(v);
        else return bad(oid === OID.float4 ? 'float4' : 'float8', v);
        if (oid === OID.float4) {
          w.ensure(8);
          wi32(w.buf, 4, w.pos);
          w.buf.writeFloatBE(n, w.pos + 4);
          w.pos += 8;
        } else {
          w.ensure(12);
          wi32(w.buf, 8, w.pos);
          w.buf.writeDoubleBE(n, w.pos + 4);
          w.pos += 12;
        }
      };
    case OID.numeric:
      return writeNumeric;
    case OID.text:
    case OID.varchar:
    case OID.bpchar:
    case OID.name:
    case OID.xml:
      return (w, v) => writeText(w, toText(v));
    case OID.json:
      return (w, v) => writeText(w, toJsonText(v));
    case OID.jsonb:
      return (w, v) => {
        const s = toJsonText(v);
        w.ensure(5 + s.length * 3);
        const n = w.buf.write(s, w.pos + 5, 'utf8');
        wi32(w.buf, n + 1, w.pos);
        w.buf[w.pos + 4] = 1;
        w.pos += 5 + n;
      };
    case OID.bytea:
      return (w, v) => writeBytes(w, toBytes(v));
    case OID.date:
      return writeDate;
    case OID.timestamp:
      return (w, v) => writeTimestamp(w, v, false);
    case OID.timestamptz:
      return (w, v) => writeTimestamp(w, v, true);
    case OID.time:
      return (w, v) => {
        const us = typeof v === 'string' ? parseTimeText(v) : undefined;
        if (us === undefined) return bad('time', v);
        writeTimestampUs(w, 0, us);
      };
    case OID.uuid:
      return (w, v) => {
        const m = typeof v === 'string' ? UUID_TEXT.exec(v.trim()) : null;
        if (!m) {
          if (v instanceof Uint8Array && v.length === 16) return writeBytes(w, v);
          return bad('uuid', v);
        }
        writeBytes(w, Buffer.from(m.slice(1).join(''), 'hex'));
      };
    default:
      return undefined;
  }
}

/** Writes the 19-byte header of a binary COPY stream. */
export function writeCopyHeader(w: ByteWriter): void {
  w.ensure(19);
  COPY_SIGNATURE.copy(w.buf, w.pos);
  wi32(w.buf, 0, w.pos + 11);
  wi32(w.buf, 0, w.pos + 15);
  w.pos += 19;
}

export function writeCopyTrailer(w: ByteWriter): void {
  w.ensure(2);
  wi16(w.buf, -1, w.pos);
  w.pos += 2;
}

/**
 * Appends rows (value arrays in column order) to `w`. A failing value is reported with its row
 * (1-based within the batch) and column.
 */
export function encodeBinaryRows(
  w: ByteWriter,
  rows: readonly (readonly unknown[])[],
  encoders: readonly FieldEncoder[],
  columns: readonly string[],
): void {
  const width = encoders.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as readonly unknown[];
    w.ensure(2);
    wi16(w.buf, width, w.pos);
    w.pos += 2;
    for (let i = 0; i < width; i++) {
      const v = row[i];
      if (v === null || v === undefined) {
        w.ensure(4);
        wi32(w.buf, -1, w.pos);
        w.pos += 4;
        continue;
      }
      try {
        (encoders[i] as FieldEncoder)(w, v);
      } catch (e) {
        if (e instanceof EncodeError) {
          throw new EncodeError(`row ${r + 1} of the batch, column ${columns[i]}: ${e.message}`);
        }
        throw e;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Text COPY (for column types without a binary encoder here)
// ---------------------------------------------------------------------------------------------

function escapeCopyText(s: string): string {
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s;
}

/** One value in COPY's text format (`\N` for NULL). */
export function copyTextValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string') return escapeCopyText(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array)
    return `\\\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  return escapeCopyText(JSON.stringify(v));
}

export function encodeTextRows(rows: readonly (readonly unknown[])[]): string {
  let out = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < row.length; i++) line += (i ? '\t' : '') + copyTextValue(row[i]);
    out += `${line}\n`;
  }
  return out;
}
