// Just enough SQL lexing to find `:name` placeholders and the VALUES row of an INSERT, skipping what
// is not code: '…' strings (with '' and, after E, backslash escapes), "…" and `…` identifiers,
// $tag$…$tag$ bodies, -- line comments, nested /* … */ comments, and `::` casts.
export interface Placeholder {
  name: string;
  /** Offset of the colon. */
  start: number;
  /** Offset just after the name. */
  end: number;
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

interface Token {
  kind: 'placeholder' | 'open' | 'close' | 'comma' | 'word';
  start: number;
  end: number;
  text: string;
}

/** The code tokens of `sql` that matter here; everything inside strings and comments is skipped. */
function tokens(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'") {
      const escapes = i > 0 && /[eE]/.test(sql[i - 1] ?? '') && !NAME_PART.test(sql[i - 2] ?? '');
      i = skipQuoted(sql, i, "'", escapes);
    } else if (c === '"' || c === '`') {
      i = skipQuoted(sql, i, c, false);
    } else if (c === '$' && !NAME_PART.test(sql[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 70));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close < 0 ? n : close + tag[0].length;
      } else i++;
    } else if (c === ':') {
      if (next === ':') {
        i += 2; // a cast
      } else if (next !== undefined && NAME_START.test(next) && !NAME_PART.test(sql[i - 1] ?? ' ')) {
        // As the connectors bind them (kernel bindNamedParams): `a:b` is not a placeholder.
        let end = i + 2;
        while (end < n && NAME_PART.test(sql[end] as string)) end++;
        out.push({ kind: 'placeholder', start: i, end, text: sql.slice(i + 1, end) });
        i = end;
      } else i++;
    } else if (c === '(') {
      out.push({ kind: 'open', start: i, end: i + 1, text: c });
      i++;
    } else if (c === ')') {
      out.push({ kind: 'close', start: i, end: i + 1, text: c });
      i++;
    } else if (c === ',') {
      out.push({ kind: 'comma', start: i, end: i + 1, text: c });
      i++;
    } else if (NAME_START.test(c)) {
      let end = i + 1;
      while (end < n && NAME_PART.test(sql[end] as string)) end++;
      out.push({ kind: 'word', start: i, end, text: sql.slice(i, end) });
      i = end;
    } else i++;
  }
  return out;
}

function skipQuoted(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/** The `:name` placeholders of `sql`, in order (a name may repeat). */
export function findPlaceholders(sql: string): Placeholder[] {
  return tokens(sql)
    .filter((t) => t.kind === 'placeholder')
    .map((t) => ({ name: t.text, start: t.start, end: t.end }));
}

/**
 * A statement whose placeholders all sit in one `VALUES ( … )` row can take many rows at once:
 * `render(k)` repeats that row k times with the placeholders of row i renamed `name__i`.
 */
export interface MultiRowStatement {
  /** Placeholder names, as in the original statement, first occurrence order. */
  names: string[];
  /** Placeholders in the row (a repeated name counts each time): bound parameters per row. */
  perRow: number;
  render(rows: number): string;
  paramName(name: string, row: number): string;
}

export function multiRowForm(sql: string): MultiRowStatement | undefined {
  const all = tokens(sql);
  const values = all.filter((t) => t.kind === 'word' && t.text.toUpperCase() === 'VALUES');
  if (values.length !== 1) return undefined;
  const at = all.indexOf(values[0] as Token);
  const open = all[at + 1];
  if (open?.kind !== 'open') return undefined;
  let depth = 0;
  let closeIndex = -1;
  for (let k = at + 1; k < all.length; k++) {
    const t = all[k] as Token;
    if (t.kind === 'open') depth++;
    else if (t.kind === 'close' && --depth === 0) {
      closeIndex = k;
      break;
    }
  }
  if (closeIndex < 0) return undefined;
  // Already several rows (`VALUES (…), (…)`): leave it alone.
  if (all[closeIndex + 1]?.kind === 'comma') return undefined;
  const close = all[closeIndex] as Token;
  const placeholders = all.filter((t) => t.kind === 'placeholder');
  if (placeholders.length === 0) return undefined;
  if (placeholders.some((p) => p.start < open.start || p.end > close.end)) return undefined;

  const names = [...new Set(placeholders.map((p) => p.text))];
  const prefix = sql.slice(0, open.start);
  const suffix = sql.slice(close.end);
  const row = sql.slice(open.start, close.end);
  const pieces: string[] = [];
  const holes: string[] = [];
  let last = 0;
  for (const p of placeholders) {
    pieces.push(row.slice(last, p.start - open.start));
    holes.push(p.text);
    last = p.end - open.start;
  }
  const tail = row.slice(last);
  const paramName = (name: string, r: number) => `${name}__${r}`;
  const renderRow = (r: number) => {
    let text = '';
    for (let k = 0; k < pieces.length; k++) text += `${pieces[k]}:${paramName(holes[k] as string, r)}`;
    return text + tail;
  };
  const cache = new Map<number, string>();
  return {
    names,
    perRow: holes.length,
    paramName,
    render(rows) {
      let text = cache.get(rows);
      if (text === undefined) {
        const list: string[] = [];
        for (let r = 0; r < rows; r++) list.push(renderRow(r));
        text = prefix + list.join(', ') + suffix;
        if (cache.size < 4) cache.set(rows, text);
      }
      return text;
    },
  };
}
