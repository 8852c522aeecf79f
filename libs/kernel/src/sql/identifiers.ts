import type { TableRef } from '@nomaflow/contracts';

/** SQL dialects the shared helpers know. */
export type SqlDialect = 'postgres' | 'mysql';

/** Quotes one identifier (`"a""b"` for PostgreSQL, `` `a``b` `` for MySQL); never trusts the name. */
export function quoteIdent(name: string, dialect: SqlDialect): string {
  if (name.length === 0) throw new Error('empty SQL identifier');
  if (name.includes('\u0000')) throw new Error('SQL identifier contains a NUL character');
  return dialect === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"` (or just `"table"` without a schema), quoted for the dialect. */
export function qualifiedName(table: TableRef, dialect: SqlDialect): string {
  const t = quoteIdent(table.table, dialect);
  return table.schema ? `${quoteIdent(table.schema, dialect)}.${t}` : t;
}

/** `schema.table` for messages and logs (not for SQL). */
export function displayName(table: TableRef): string {
  return table.schema ? `${table.schema}.${table.table}` : table.table;
}
