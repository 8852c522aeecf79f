import { StepFailedError } from '@nomaflow/contracts';

/** How a driver writes bound parameters: `$1, $2…` (PostgreSQL) or `?` (MySQL/MariaDB). */
export type PlaceholderStyle = 'postgres' | 'mysql';

export interface BoundStatement {
  /** The statement with the driver's placeholders. */
  sql: string;
  /** The values, in placeholder order. Never spliced into `sql`. */
  values: unknown[];
  /** Named parameters in order of first use (empty for positional arrays). */
  names: string[];
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Rewrites `:name` placeholders to the driver's style and collects the values to bind, skipping
 * string literals (`'…'`, `E'…'`, MySQL `"…"`), quoted identifiers (`"…"`, `` `…` ``), comments
 * (`--`, `#` on MySQL, nested block comments on PostgreSQL), `::` casts, `:=` and PostgreSQL
 * dollar-quoted strings. Values are never interpolated into the SQL text: they are only ever bound.
 *
 * A positional array is passed through unchanged (the SQL then uses the driver's own placeholders).
 * A name used twice binds the same value twice (`?`) or reuses its number (`$n`). Parameters the SQL
 * does not use are ignored (steps receive the job's merged kwargs); a placeholder without a value is
 * an error that names it.
 */
export function bindNamedParams(
  sql: string,
  params: Record<string, unknown> | readonly unknown[] | undefined,
  style: PlaceholderStyle,
): BoundStatement {
  if (Array.isArray(params)) return { sql, values: params.map(nullish), names: [] };
  const named = (params ?? {}) as Record<string, unknown>;
  const values: unknown[] = [];
  const names: string[] = [];
  const numberOf = new Map<string, number>();
  const missing: string[] = [];
  let out = '';
  let last = 0;
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "'") {
      i = skipQuoted(sql, i, "'", style === 'mysql' || isEscapeString(sql, i));
    } else if (c === '"') {
      i = skipQuoted(sql, i, '"', style === 'mysql');
    } else if (c === '`' && style === 'mysql') {
      i = skipQuoted(sql, i, '`', false);
    } else if (c === '-' && next === '-') {
      i = skipLine(sql, i);
    } else if (c === '#' && style === 'mysql') {
      i = skipLine(sql, i);
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i, style === 'postgres');
    } else if (c === '$' && style === 'postgres') {
      i = skipDollarQuoted(sql, i);
    } else if (c === ':' && next === ':') {
      i += 2;
      while (sql[i] === ':') i += 1;
    } else if (c === ':' && next !== undefined && NAME_START.test(next) && !isWordChar(sql[i - 1])) {
      let end = i + 1;
      while (end < n && NAME_CHAR.test(sql[end] as string)) end += 1;
      const name = sql.slice(i + 1, end);
      if (!Object.prototype.hasOwnProperty.call(named, name)) {
        if (!missing.includes(name)) missing.push(name);
      } else if (style === 'postgres') {
        let index = numberOf.get(name);
        if (index === undefined) {
          values.push(nullish(named[name]));
          names.push(name);
          index = values.length;
          numberOf.set(name, index);
        }
        out += `${sql.slice(last, i)}$${index}`;
        last = end;
      } else {
        values.push(nullish(named[name]));
        if (!names.includes(name)) names.push(name);
        out += `${sql.slice(last, i)}?`;
        last = end;
      }
      i = end;
    } else {
      i += 1;
    }
  }
  if (missing.length > 0) {
    throw new StepFailedError(
      `no value for SQL parameter${missing.length > 1 ? 's' : ''} ${missing.map((m) => `:${m}`).join(', ')} ` +
        '(give it in params, or write :: for a cast)',
      { retryable: false },
    );
  }
  return { sql: out + sql.slice(last), values, names };
}

function nullish(v: unknown): unknown {
  return v === undefined ? null : v;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && NAME_CHAR.test(c);
}

/** `E'…'` / `e'…'` (PostgreSQL escape strings) understand backslash escapes. */
function isEscapeString(sql: string, quoteAt: number): boolean {
  const prev = sql[quoteAt - 1];
  return (prev === 'E' || prev === 'e') && !isWordChar(sql[quoteAt - 2]);
}

/** Index just past the closing quote; a doubled quote is an escaped quote; unterminated → end. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

function skipLine(sql: string, start: number): number {
  const end = sql.indexOf('\n', start);
  return end === -1 ? sql.length : end + 1;
}

function skipBlockComment(sql: string, start: number, nested: boolean): number {
  let depth = 1;
  let i = start + 2;
  while (i < sql.length) {
    if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0 || !nested) return i;
    } else if (nested && sql[i] === '/' && sql[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

/** `$tag$ … $tag$`; a `$` that does not open a tag (`$1`, `a$b`) is skipped alone. */
function skipDollarQuoted(sql: string, start: number): number {
  if (isWordChar(sql[start - 1])) return start + 1;
  const m = DOLLAR_TAG.exec(sql.slice(start, start + 66));
  if (!m) return start + 1;
  const tag = m[0];
  const close = sql.indexOf(tag, start + tag.length);
  return close === -1 ? sql.length : close + tag.length;
}

/**
 * How many statements `sql` holds: top-level `;` separators outside strings, quoted identifiers,
 * comments and dollar quotes, not counting empty statements (a trailing `;`, comments only).
 */
export function countStatements(sql: string, style: PlaceholderStyle): number {
  let count = 0;
  let content = false;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    let end = i + 1;
    let isContent = true;
    if (c === "'") end = skipQuoted(sql, i, "'", style === 'mysql' || isEscapeString(sql, i));
    else if (c === '"') end = skipQuoted(sql, i, '"', style === 'mysql');
    else if (c === '`' && style === 'mysql') end = skipQuoted(sql, i, '`', false);
    else if ((c === '-' && next === '-') || (c === '#' && style === 'mysql')) {
      end = skipLine(sql, i);
      isContent = false;
    } else if (c === '/' && next === '*') {
      end = skipBlockComment(sql, i, style === 'postgres');
      isContent = false;
    } else if (c === '$' && style === 'postgres') end = skipDollarQuoted(sql, i);
    else if (c === ';') {
      if (content) count += 1;
      content = false;
      isContent = false;
    } else if (/\s/.test(c)) isContent = false;
    if (isContent) content = true;
    i = end;
  }
  return content ? count + 1 : count;
}
