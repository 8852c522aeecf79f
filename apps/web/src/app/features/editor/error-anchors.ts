import type { FieldError, JobDocument } from '@nomaflow/contracts';
import type { JSONSchema7 } from 'json-schema';
import { pointer, prefixes } from '../../schema-form/json-pointer';
import { fieldPaths, normalizeSchema, type UiSchema } from '../../schema-form/normalize-schema';

/** Paths of the job that have a place on the page (an input, a block, a step card). */
const JOB_ANCHORS = [
  '/id',
  '/description',
  '/tags',
  '/enabled',
  '/schedule',
  '/schedule/cron',
  '/schedule/timezone',
  '/params',
  '/steps',
  '/retry',
  '/retry/attempts',
  '/retry/backoff',
  '/retry/base_seconds',
  '/alerts',
  '/alerts/on_failure',
  '/alerts/on_long_run_minutes',
  '/alerts/recipients',
  '/alerts/on_success',
  '/log_level',
  '/concurrency',
  '/catchup',
];

const STEP_ANCHORS = ['', '/name', '/type', '/enabled', '/timeout_seconds', '/op_kwargs'];

export function knownAnchors(
  job: JobDocument,
  schemaOf: (type: string) => JSONSchema7 | undefined,
): Set<string> {
  const out = new Set(JOB_ANCHORS);
  (Array.isArray(job.steps) ? job.steps : []).forEach((step, i) => {
    const base = pointer('steps', i);
    for (const a of STEP_ANCHORS) out.add(base + a);
    const schema = typeof step?.type === 'string' ? schemaOf(step.type) : undefined;
    if (schema) for (const p of fieldPaths(normalizeSchema(schema as UiSchema))) out.add(base + p);
  });
  return out;
}

export interface AnchoredErrors {
  /** Messages by the anchor they are shown at. */
  placed: ReadonlyMap<string, readonly string[]>;
  /** Anchors in the order of the server's errors (the first one gets scrolled to). */
  order: readonly string[];
  /** Errors with no field on the page: for the banner. */
  unplaced: readonly FieldError[];
}

/**
 * Each error goes to the deepest field of its path that the page shows: `/steps/1/query` to the SQL
 * editor of step 2, `/steps/0/source/table` to its input, `/tags/2` to the tags input, `/steps/0` to
 * the step card; a path with no such field (or none) goes to the banner.
 */
export function anchorErrors(errors: readonly FieldError[], known: ReadonlySet<string>): AnchoredErrors {
  const placed = new Map<string, string[]>();
  const order: string[] = [];
  const unplaced: FieldError[] = [];
  for (const e of errors) {
    const anchor = prefixes(e.path ?? '').find((p) => known.has(p));
    if (anchor === undefined) {
      unplaced.push(e);
      continue;
    }
    const list = placed.get(anchor) ?? [];
    if (!list.includes(e.message)) list.push(e.message);
    placed.set(anchor, list);
    if (!order.includes(anchor)) order.push(anchor);
  }
  return { placed, order, unplaced };
}

/** `/steps/3/query` → 3; null for a path outside the steps. */
export function stepIndexOf(path: string): number | null {
  const m = /^\/steps\/(\d+)(\/|$)/.exec(path);
  return m ? Number(m[1]) : null;
}
