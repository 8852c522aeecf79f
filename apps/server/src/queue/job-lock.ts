import { createHash } from 'node:crypto';

/** The advisory-lock key that serialises queueing and claiming for one job across every process. */
export function jobLockKey(jobId: string): string {
  // 63 bits of a digest: advisory locks take a bigint, passed as text to stay exact.
  const hex = createHash('sha1').update(`nomaflow-job:${jobId}`).digest('hex').slice(0, 15);
  return BigInt(`0x${hex}`).toString();
}
