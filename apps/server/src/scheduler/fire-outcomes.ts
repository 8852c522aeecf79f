/**
 * The `fires.outcome` values (SPEC §1: every missed or skipped fire is recorded with its reason).
 * `claiming` only exists inside the claiming transaction, so no other process ever sees it.
 */
export const FireOutcome = {
  claiming: 'claiming',
  queued: 'queued',
  skippedSingleInstance: 'skipped: single-instance',
  skippedDisabled: 'skipped: job disabled',
  skippedDeleted: 'skipped: job deleted',
  missed: 'missed: no server running',
} as const;

/** A fire that could not be queued after its retries; the message says why. */
export function failedOutcome(message: string): string {
  return `failed: ${message.slice(0, 500)}`;
}

/** Note of a fire queued by catch-up, keeping its DST note when it had one. */
export function catchupNote(dstNote: string | undefined): string {
  return dstNote === undefined ? 'catch-up' : `catch-up; ${dstNote}`;
}

/** `fires.lateness_ms` is an integer column; a catch-up of fires weeks old must not overflow it. */
export function latenessMs(now: Date, scheduledFor: Date): number {
  return Math.min(2_147_483_647, Math.max(0, now.getTime() - scheduledFor.getTime()));
}
