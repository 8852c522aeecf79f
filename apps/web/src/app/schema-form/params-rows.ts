import type { ParamValue, Params } from '@nomaflow/contracts';

export type ParamType = 'string' | 'number' | 'boolean';

/** One row of a params editor: what the operator sees, valid or not yet. */
export interface ParamRow {
  key: string;
  type: ParamType;
  /** Text of a string or number row; `'true'`/`'false'` for a boolean row. */
  text: string;
}

export const isConnectorKey = (key: string): boolean => key === 'connector' || key.endsWith('_connector');

export function typeOf(value: ParamValue): ParamType {
  return typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
}

export function toRows(params: Params | undefined): ParamRow[] {
  return Object.entries(params ?? {}).map(([key, value]) => ({
    key,
    type: typeOf(value),
    text: String(value),
  }));
}

/** The row's value, or an error saying why it has none. */
export function rowValue(row: ParamRow): { value: ParamValue } | { error: string } {
  if (row.type === 'boolean') return { value: row.text === 'true' };
  if (row.type === 'number') {
    const n = Number(row.text);
    return row.text.trim() === '' || !Number.isFinite(n) ? { error: 'not a number' } : { value: n };
  }
  return { value: row.text };
}

/** Per row: the problem to show (blank or repeated key, bad number), or null. */
export function rowErrors(rows: readonly ParamRow[]): (string | null)[] {
  const seen = new Set<string>();
  return rows.map((r) => {
    if (r.key.trim() === '') return r.text === '' ? null : 'name required';
    if (seen.has(r.key)) return `duplicate name: ${r.key}`;
    seen.add(r.key);
    const v = rowValue(r);
    return 'error' in v ? v.error : null;
  });
}

/** The params the rows stand for; rows with a problem are left out until fixed. */
export function fromRows(rows: readonly ParamRow[]): Params {
  const errors = rowErrors(rows);
  const out: Params = {};
  rows.forEach((r, i) => {
    if (errors[i] !== null || r.key.trim() === '') return;
    const v = rowValue(r);
    if ('value' in v) out[r.key] = v.value;
  });
  return out;
}

/** Changing a row's type keeps what can be kept of its text. */
export function retype(row: ParamRow, type: ParamType): ParamRow {
  if (type === 'boolean') return { ...row, type, text: row.text === 'true' ? 'true' : 'false' };
  if (row.type === 'boolean' && type === 'number') return { ...row, type, text: '' };
  return { ...row, type };
}
