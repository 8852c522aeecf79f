import type { JobDocument } from '@nomaflow/contracts';
import { isValidCron, isValidTimezone, nextFires } from '@nomaflow/kernel';
import type { Fire } from '@nomaflow/kernel';

/** A row of `jobs` as the scheduler reads it. */
export interface JobRow {
  id: string;
  document: JobDocument;
  updated_at: Date;
  /** Latest `fires.scheduled_for` of the job, when the query asked for it. */
  last_fire?: Date | null;
}

/** An enabled job with a schedule: what the scheduler arms a timer for. */
export interface CronJob {
  id: string;
  doc: JobDocument;
  cron: string;
  timezone: string;
  updatedAt: Date;
}

export type CronJobResult =
  | { kind: 'scheduled'; job: CronJob }
  | { kind: 'unscheduled'; why: 'disabled' | 'manual-only' }
  | { kind: 'invalid'; why: string };

/**
 * Decides whether a stored job is on the scheduler's books. The row id wins over the document's
 * `id` (the column is the key everyone else uses). Invalid cron or zone cannot normally be stored
 * (the API validates at save), but a hand-edited row must not take the scheduler down.
 */
export function toCronJob(row: JobRow, defaultTimezone: string): CronJobResult {
  const doc: JobDocument = { ...row.document, id: row.id };
  if (doc.enabled === false) return { kind: 'unscheduled', why: 'disabled' };
  const cron = doc.schedule?.cron?.trim() ?? '';
  if (cron === '') return { kind: 'unscheduled', why: 'manual-only' };
  const timezone = doc.schedule?.timezone ?? defaultTimezone;
  if (!isValidCron(cron)) return { kind: 'invalid', why: `invalid cron expression ${JSON.stringify(cron)}` };
  if (!isValidTimezone(timezone))
    return { kind: 'invalid', why: `unknown timezone ${JSON.stringify(timezone)}` };
  return { kind: 'scheduled', job: { id: row.id, doc, cron, timezone, updatedAt: row.updated_at } };
}

/** The first fire strictly after `after`, or undefined when the expression never fires (`0 0 30 2 *`). */
export function nextFireAfter(job: CronJob, after: Date): Fire | undefined {
  return nextFires(job.cron, job.timezone, after, 1)[0];
}

/** Whether `at` is one of the job's fire instants (a save may have changed the cron since it was armed). */
export function isFireOf(job: CronJob, at: Date): boolean {
  return nextFireAfter(job, new Date(at.getTime() - 1))?.at.getTime() === at.getTime();
}
