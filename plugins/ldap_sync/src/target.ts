// The SQL side of the step: checks the statements against the mapping before anything runs, then
// writes rows in multi-row statements when the target query allows it, else one statement per row.
import { StepFailedError, ValidationError, isNomaflowError } from '@nomaflow/contracts';
import type { Connector } from '@nomaflow/contracts';
import type { ColumnValue } from './entries.js';
import { findPlaceholders, multiRowForm, type MultiRowStatement } from './sql-text.js';

/** Bound parameters per multi-row statement, well under PostgreSQL's and MySQL's 65,535. */
const MAX_PARAMS_PER_STATEMENT = 30_000;

export interface TargetPlan {
  /** Placeholder names of target_query, each a mapping column. */
  names: string[];
  /** Set when target_query takes many rows per statement. */
  multiRow: MultiRowStatement | undefined;
  /** Rows per multi-row statement. */
  rowsPerStatement: number;
  /** Whether prune_query binds `:seen`. */
  pruneUsesSeen: boolean;
}

/** Refuses, before any connection, statements whose placeholders the mapping cannot fill. */
export function planTarget(input: {
  targetQuery: string;
  pruneQuery: string | undefined;
  columns: readonly string[];
  batchSize: number;
}): TargetPlan {
  const refuse = (path: string, message: string) => new ValidationError([{ path, message }]);
  const duplicates = input.columns.filter((c, i) => input.columns.indexOf(c) !== i);
  if (duplicates.length > 0) {
    throw refuse(
      '/mapping',
      `mapping sends several attributes to the same column: ${[...new Set(duplicates)].join(', ')}`,
    );
  }
  const names = [...new Set(findPlaceholders(input.targetQuery).map((p) => p.name))];
  if (names.length === 0) {
    throw refuse(
      '/target_query',
      'target_query has no :column placeholder: it would write the same row for every entry',
    );
  }
  const unknown = names.filter((n) => !input.columns.includes(n));
  if (unknown.length > 0) {
    throw refuse(
      '/target_query',
      `target_query uses ${unknown.map((n) => `:${n}`).join(', ')}, which no mapping entry produces ` +
        `(mapping columns: ${input.columns.join(', ')})`,
    );
  }
  let pruneUsesSeen = false;
  if (input.pruneQuery !== undefined) {
    const pruneNames = [...new Set(findPlaceholders(input.pruneQuery).map((p) => p.name))];
    const other = pruneNames.filter((n) => n !== 'seen');
    if (other.length > 0) {
      throw refuse(
        '/prune_query',
        `prune_query may only use :seen (the keys of the entries fetched), not ${other.map((n) => `:${n}`).join(', ')}`,
      );
    }
    pruneUsesSeen = pruneNames.includes('seen');
  }
  const multiRow = multiRowForm(input.targetQuery);
  const rowsPerStatement = multiRow
    ? Math.max(1, Math.min(input.batchSize, Math.floor(MAX_PARAMS_PER_STATEMENT / multiRow.perRow)))
    : 1;
  return { names, multiRow, rowsPerStatement, pruneUsesSeen };
}

/** Writes rows of column values with target_query on `tx`; returns the rows the database reports affected. */
export async function writeRows(
  tx: Connector,
  sql: string,
  plan: TargetPlan,
  rows: readonly Record<string, ColumnValue>[],
  signal: AbortSignal,
): Promise<number> {
  let affected = 0;
  const multi = plan.multiRow;
  if (multi) {
    for (let from = 0; from < rows.length; from += plan.rowsPerStatement) {
      const chunk = rows.slice(from, from + plan.rowsPerStatement);
      const params: Record<string, unknown> = {};
      chunk.forEach((row, r) => {
        for (const name of multi.names) params[multi.paramName(name, r)] = row[name] ?? null;
      });
      affected += (await tx.query(multi.render(chunk.length), params, { signal })).rowCount;
    }
    return affected;
  }
  for (const row of rows) {
    const params: Record<string, unknown> = {};
    for (const name of plan.names) params[name] = row[name] ?? null;
    affected += (await tx.query(sql, params, { signal })).rowCount;
  }
  return affected;
}

/** A database error with where it happened; a typed error keeps its retryability. */
export function writeFailure(what: string, e: unknown): StepFailedError {
  const message =
    typeof e === 'object' && e !== null && typeof (e as Error).message === 'string'
      ? (e as Error).message || (e as Error).name
      : String(e);
  const retryable = isNomaflowError(e) && e.code === 'step_failed' ? (e as StepFailedError).retryable : true;
  return new StepFailedError(`${what} failed: ${message}`, { retryable, cause: e });
}
