/**
 * Calendar maths for PostgreSQL's binary date/time formats, without Date objects (microseconds and
 * years outside JavaScript's range round-trip exactly). PostgreSQL counts from 2000-01-01.
 */

export const PG_EPOCH_DAYS = 10957; // 2000-01-01 in days since 1970-01-01
export const US_PER_DAY = 86_400_000_000;
export const INFINITY_DATE = 0x7fffffff;
export const NEG_INFINITY_DATE = -0x80000000;

/** Days since 1970-01-01 of a proleptic Gregorian date (astronomical years: 1 BC = 0). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of days since 1970-01-01. */
export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad4 = (n: number) => (n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`);

// Dates repeat a lot in real tables: remember the text of recent days (bounded).
const dateCache = new Map<number, string>();

/** `YYYY-MM-DD` of days since 2000-01-01, without the era. */
function dateText(pgDays: number): string {
  let text = dateCache.get(pgDays);
  if (text === undefined) {
    const [y, m, d] = civilFromDays(pgDays + PG_EPOCH_DAYS);
    text = `${pad4(y > 0 ? y : 1 - y)}-${pad2(m)}-${pad2(d)}`;
    if (dateCache.size >= 50_000) dateCache.clear();
    dateCache.set(pgDays, text);
  }
  return text;
}

/** Days since 2000-01-01 of the first day of year 1 (dates before are BC). */
const FIRST_AD_DAY = daysFromCivil(1, 1, 1) - PG_EPOCH_DAYS;

/** `YYYY-MM-DD` (PostgreSQL's ISO output; ` BC` for years before 1). */
export function formatPgDate(pgDays: number): string {
  if (pgDays === INFINITY_DATE) return 'infinity';
  if (pgDays === NEG_INFINITY_DATE) return '-infinity';
  return pgDays >= FIRST_AD_DAY ? dateText(pgDays) : `${dateText(pgDays)} BC`;
}

/** `HH:MM:SS[.ffffff]` with trailing zeros of the fraction dropped, as PostgreSQL prints it. */
export function formatTimeOfDay(us: number): string {
  const secs = Math.floor(us / 1_000_000);
  let frac = us - secs * 1_000_000;
  const h = Math.floor(secs / 3600);
  const mi = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  const out = `${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
  if (frac === 0) return out;
  let digits = 6;
  while (frac % 10 === 0) {
    frac /= 10;
    digits -= 1;
  }
  return `${out}.${String(frac).padStart(digits, '0')}`;
}

/**
 * A timestamp in microseconds since 2000-01-01 as text: `YYYY-MM-DD HH:MM:SS[.ffffff]`, or with
 * `utc` the ISO form `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (for timestamptz).
 */
export function formatPgTimestamp(us: number | bigint, utc: boolean): string {
  let days: number;
  let rest: number;
  if (typeof us === 'bigint') {
    if (us === 0x7fffffffffffffffn) return 'infinity';
    if (us === -0x8000000000000000n) return '-infinity';
    const perDay = BigInt(US_PER_DAY);
    let d = us / perDay;
    let r = us % perDay;
    if (r < 0n) {
      r += perDay;
      d -= 1n;
    }
    days = Number(d);
    rest = Number(r);
  } else {
    days = Math.floor(us / US_PER_DAY);
    rest = us - days * US_PER_DAY;
  }
  const date = dateText(days);
  const time = formatTimeOfDay(rest);
  const bc = days >= FIRST_AD_DAY ? '' : ' BC';
  return utc ? `${date}T${time}Z${bc}` : `${date} ${time}${bc}`;
}

const DATE_RE = /^\s*(\d{1,7})-(\d{1,2})-(\d{1,2})/;
const TIME_RE = /^[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?/;
const ZONE_RE = /^\s*(?:(Z|UTC|GMT)|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)/i;

export interface ParsedTimestamp {
  /** Days since 2000-01-01. */
  days: number;
  /** Microseconds into the day (0 for a date). */
  us: number;
  /** Offset east of UTC in seconds when the text carried one. */
  offsetSeconds?: number;
  special?: 'infinity' | '-infinity';
}

/**
 * Parses PostgreSQL/MySQL/ISO text dates and timestamps: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.f]]`,
 * a `T` separator, a `Z`/`±HH[:MM]` zone, ` BC`, `infinity`. Returns undefined for anything else.
 */
export function parseTimestampText(text: string): ParsedTimestamp | undefined {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (lower === 'infinity' || lower === '+infinity') return { days: 0, us: 0, special: 'infinity' };
  if (lower === '-infinity') return { days: 0, us: 0, special: '-infinity' };
  const dm = DATE_RE.exec(t);
  if (!dm) return undefined;
  let y = Number(dm[1]);
  const mo = Number(dm[2]);
  const d = Number(dm[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  let rest = t.slice(dm[0].length);
  let us = 0;
  const tm = TIME_RE.exec(rest);
  if (tm) {
    const h = Number(tm[1]);
    const mi = Number(tm[2]);
    const s = tm[3] === undefined ? 0 : Number(tm[3]);
    if (h > 24 || mi > 59 || s > 60) return undefined;
    const frac = tm[4] === undefined ? 0 : Math.round(Number(`0.${tm[4]}`) * 1_000_000);
    us = ((h * 60 + mi) * 60 + s) * 1_000_000 + frac;
    rest = rest.slice(tm[0].length);
  }
  let offsetSeconds: number | undefined;
  const zm = ZONE_RE.exec(rest);
  if (zm && zm[0].trim() !== '') {
    if (zm[1]) offsetSeconds = 0;
    else {
      const sign = zm[2] === '-' ? -1 : 1;
      offsetSeconds = sign * (Number(zm[3]) * 3600 + Number(zm[4] ?? 0) * 60 + Number(zm[5] ?? 0));
    }
    rest = rest.slice(zm[0].length);
  }
  const tail = rest.trim().toUpperCase();
  if (tail === 'BC') y = 1 - y;
  else if (tail !== '' && tail !== 'AD') return undefined;
  const days = daysFromCivil(y, mo, d) - PG_EPOCH_DAYS;
  return offsetSeconds === undefined ? { days, us } : { days, us, offsetSeconds };
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** `HH:MM[:SS[.ffffff]]` → microseconds, or undefined. */
export function parseTimeText(text: string): number | undefined {
  const m = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*$/.exec(text);
  if (!m) return undefined;
  const frac = m[4] === undefined ? 0 : Math.round(Number(`0.${m[4]}`) * 1_000_000);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1_000_000 + frac;
}

// ---------------------------------------------------------------------------------------------
// Allocation-free fast paths for the canonical texts (one flat string per value, no regex): the
// hot loop of a bulk copy formats and parses millions of these.
// ---------------------------------------------------------------------------------------------

const scratch = Buffer.allocUnsafe(64);
let cy = 0;
let cm = 0;
let cd = 0;

/** civilFromDays into module state (no array per call). */
function civil(z: number): void {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  cd = doy - Math.floor((153 * mp + 2) / 5) + 1;
  cm = mp < 10 ? mp + 3 : mp - 9;
  cy = era * 400 + yoe + (cm <= 2 ? 1 : 0);
}

function put2(p: number, n: number): void {
  scratch[p] = 48 + ((n / 10) | 0);
  scratch[p + 1] = 48 + (n % 10);
}

function put4(p: number, n: number): void {
  scratch[p] = 48 + ((n / 1000) | 0);
  scratch[p + 1] = 48 + (((n / 100) | 0) % 10);
  scratch[p + 2] = 48 + (((n / 10) | 0) % 10);
  scratch[p + 3] = 48 + (n % 10);
}

const MIN_FAST_DAYS = daysFromCivil(1, 1, 1) - PG_EPOCH_DAYS;
const MAX_FAST_DAYS = daysFromCivil(9999, 12, 31) - PG_EPOCH_DAYS;

/**
 * formatPgTimestamp for microseconds within years 1–9999 (undefined otherwise): `YYYY-MM-DD HH:MM:SS[.f]`
 * or with `utc` `YYYY-MM-DDTHH:MM:SS[.f]Z`.
 */
export function formatTimestampFast(us: number, utc: boolean): string | undefined {
  const days = Math.floor(us / US_PER_DAY);
  if (days < MIN_FAST_DAYS || days > MAX_FAST_DAYS) return undefined;
  let rest = us - days * US_PER_DAY;
  civil(days + PG_EPOCH_DAYS);
  put4(0, cy);
  scratch[4] = 45;
  put2(5, cm);
  scratch[7] = 45;
  put2(8, cd);
  scratch[10] = utc ? 84 : 32;
  const secs = Math.floor(rest / 1_000_000);
  rest -= secs * 1_000_000;
  put2(11, (secs / 3600) | 0);
  scratch[13] = 58;
  put2(14, ((secs % 3600) / 60) | 0);
  scratch[16] = 58;
  put2(17, secs % 60);
  let p = 19;
  if (rest > 0) {
    scratch[p++] = 46;
    let div = 100_000;
    while (rest > 0) {
      const digit = (rest / div) | 0;
      scratch[p++] = 48 + digit;
      rest -= digit * div;
      div = (div / 10) | 0;
    }
  }
  if (utc) scratch[p++] = 90;
  return scratch.toString('latin1', 0, p);
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1000;
}

/** Result of the fast parsers (module state, to stay allocation-free). */
export const fastParsed = { days: 0, us: 0 };

/**
 * Parses `YYYY-MM-DD`, `YYYY-MM-DD[ T]HH:MM:SS[.ffffff]` with an optional `Z`, `+00` or `+00:00`
 * into fastParsed; false for anything else (the caller then takes the general parser).
 */
export function parseTimestampFast(s: string, dateOnly: boolean): boolean {
  const len = s.length;
  if (len < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const mo = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return false;
  fastParsed.days = daysFromCivil(y, mo, d) - PG_EPOCH_DAYS;
  fastParsed.us = 0;
  if (len === 10) return true;
  if (dateOnly || len < 19) return false;
  const sep = s.charCodeAt(10);
  if ((sep !== 32 && sep !== 84) || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  const h = digit(s, 11) * 10 + digit(s, 12);
  const mi = digit(s, 14) * 10 + digit(s, 15);
  const sec = digit(s, 17) * 10 + digit(s, 18);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return false;
  let p = 19;
  let frac = 0;
  if (p < len && s.charCodeAt(p) === 46) {
    p += 1;
    let scale = 100_000;
    while (p < len) {
      const c = digit(s, p);
      if (c < 0) break;
      if (scale === 0) return false; // more than 6 digits: let the general parser round
      frac += c * scale;
      scale = (scale / 10) | 0;
      p += 1;
    }
  }
  if (p < len) {
    // Only a UTC marker may follow: Z, +00 or +00:00.
    const rest = len - p;
    const c = s.charCodeAt(p);
    const utc =
      (rest === 1 && (c === 90 || c === 122)) ||
      ((rest === 3 || rest === 6) &&
        c === 43 &&
        s.charCodeAt(p + 1) === 48 &&
        s.charCodeAt(p + 2) === 48 &&
        (rest === 3 ||
          (s.charCodeAt(p + 3) === 58 && s.charCodeAt(p + 4) === 48 && s.charCodeAt(p + 5) === 48)));
    if (!utc) return false;
  }
  fastParsed.us = ((h * 60 + mi) * 60 + sec) * 1_000_000 + frac;
  return true;
}
