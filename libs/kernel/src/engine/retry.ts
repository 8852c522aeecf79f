import { hasErrorCode, resolveRetryPolicy, type NomaflowError, type RetryPolicy } from '@nomaflow/contracts';

export interface ResolvedRetry {
  attempts: number;
  /** Wait before the try after `failedAttempt` (1-based). */
  delayMs(failedAttempt: number): number;
}

export function resolveRetry(retry: RetryPolicy | undefined): ResolvedRetry {
  const policy = resolveRetryPolicy(retry);
  const attempts = Math.max(1, Math.floor(policy.attempts));
  const baseMs = Math.max(0, policy.base_seconds) * 1000;
  return {
    attempts,
    delayMs: (failedAttempt) =>
      policy.backoff === 'exponential' ? baseMs * 2 ** Math.max(0, failedAttempt - 1) : baseMs,
  };
}

/** A config or input the step rejects fails the same way on every try, so the policy stops there. */
export function isRetryable(error: NomaflowError): boolean {
  if (hasErrorCode(error, 'validation')) return false;
  if (hasErrorCode(error, 'step_failed')) return error.retryable;
  return true;
}
