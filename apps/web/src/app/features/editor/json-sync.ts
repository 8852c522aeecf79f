import type { JobDocument } from '@nomaflow/contracts';

export type JsonParse = { ok: true; job: JobDocument } | { ok: false; error: string };

export function formatJob(job: JobDocument): string {
  return JSON.stringify(job, null, 2);
}

/**
 * The JSON view's text as a job document. Anything that parses to an object is taken as typed —
 * unknown keys included, the server judges them at save; anything else is an error that leaves the
 * form as it was.
 */
export function parseJob(text: string): JsonParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'a job must be a JSON object' };
  }
  const job = value as JobDocument;
  if (job.steps !== undefined && !Array.isArray(job.steps))
    return { ok: false, error: '"steps" must be an array' };
  // The form always needs a list of steps to draw; an absent one is an empty one.
  return { ok: true, job: job.steps === undefined ? { ...job, steps: [] } : job };
}
