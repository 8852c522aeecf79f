import type { JobDocument, StepDocument } from '@nomaflow/contracts';

/** Pure edits of a job document: every section writes through these, so unknown keys survive. */

export const COMMON_STEP_KEYS = ['name', 'type', 'enabled', 'timeout_seconds', 'op_kwargs'] as const;

export function emptyJob(): JobDocument {
  return { id: '', enabled: true, steps: [] };
}

type Node = Record<string, unknown> | unknown[];

const isEmptyObject = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/**
 * `doc` with the value at `path` replaced; `undefined` removes the key, and an optional block
 * (schedule, retry, alerts) left empty by that goes too.
 */
export function setIn<T>(doc: T, path: readonly (string | number)[], value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path;
  const node = (doc ?? (typeof head === 'number' ? [] : {})) as Node;
  const child = Array.isArray(node) ? node[head as number] : node[head as string];
  const next = setIn(child, rest, value);
  if (Array.isArray(node)) {
    const copy = [...node];
    copy[head as number] = next;
    return copy as T;
  }
  const copy: Record<string, unknown> = { ...node };
  if (next === undefined || (rest.length > 0 && isEmptyObject(next))) delete copy[head as string];
  else copy[head as string] = next;
  return copy as T;
}

/** A step split into the fields the editor owns and those its type's schema owns. */
export function stepConfig(step: StepDocument): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(step)) {
    if (!(COMMON_STEP_KEYS as readonly string[]).includes(k)) out[k] = v;
  }
  return out;
}

/** The step with its type-specific part replaced, common fields first (as a person writes it). */
export function withConfig(step: StepDocument, config: Record<string, unknown>): StepDocument {
  const common: Record<string, unknown> = {};
  for (const k of COMMON_STEP_KEYS) if (step[k] !== undefined) common[k] = step[k];
  return { ...common, ...config } as StepDocument;
}

export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const copy = [...list];
  if (from === to || from < 0 || to < 0 || from >= copy.length || to >= copy.length) return copy;
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item as T);
  return copy;
}

/** `base`, or `base-2`, `base-3`… whichever no step uses yet. */
export function uniqueStepName(steps: readonly StepDocument[], base: string): string {
  const taken = new Set(steps.map((s) => s.name));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export function newStep(steps: readonly StepDocument[], type: string): StepDocument {
  return { name: uniqueStepName(steps, `${type.replace(/_/g, '-')}-step`), type };
}

/** The copy Duplicate opens: same document, id `<id>-copy`. */
export function duplicateOf(job: JobDocument): JobDocument {
  const copy = structuredClone(job);
  copy.id = job.id ? `${job.id}-copy` : '';
  return copy;
}
