import type { JobDocument } from '@nomaflow/contracts';
import type { Fire } from '@nomaflow/kernel';
import type { FireView } from './job-views.js';

/** The cron and zone a job fires on, or undefined when cron ignores it (manual-only or disabled). */
export function activeSchedule(
  job: JobDocument,
  serverZone: string,
): { cron: string; timezone: string } | undefined {
  const cron = job.schedule?.cron?.trim();
  if (job.enabled === false || !cron) return undefined;
  return { cron, timezone: job.schedule?.timezone ?? serverZone };
}

export function toFireView(fire: Fire): FireView {
  return { at: fire.iso, local: fire.local, ...(fire.note !== undefined ? { note: fire.note } : {}) };
}
