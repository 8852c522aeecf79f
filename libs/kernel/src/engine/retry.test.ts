import { describe, expect, it } from '@jest/globals';
import {
  CancelledError,
  NotFoundError,
  StepFailedError,
  StepTimeoutError,
  ValidationError,
} from '@nomaflow/contracts';
import { isRetryable, resolveRetry } from './retry.js';

describe('resolveRetry', () => {
  it('defaults to one attempt and 60 s fixed waits', () => {
    const retry = resolveRetry(undefined);
    expect(retry.attempts).toBe(1);
    expect([1, 2, 3].map(retry.delayMs)).toEqual([60_000, 60_000, 60_000]);
  });

  it('doubles the wait after each failed attempt when exponential', () => {
    const retry = resolveRetry({ attempts: 4, backoff: 'exponential', base_seconds: 60 });
    expect([1, 2, 3].map(retry.delayMs)).toEqual([60_000, 120_000, 240_000]);
  });

  it('never goes below one attempt or a zero wait', () => {
    expect(resolveRetry({ attempts: 0 }).attempts).toBe(1);
    expect(resolveRetry({ attempts: 2.7 }).attempts).toBe(2);
    expect(resolveRetry({ base_seconds: -5 }).delayMs(1)).toBe(0);
  });
});

describe('isRetryable', () => {
  it('stops on validation errors and non-retryable step failures only', () => {
    expect(isRetryable(new StepFailedError('x'))).toBe(true);
    expect(isRetryable(new StepFailedError('x', { retryable: false }))).toBe(false);
    expect(isRetryable(new ValidationError('bad config'))).toBe(false);
    expect(isRetryable(new StepTimeoutError(5))).toBe(true);
    expect(isRetryable(new NotFoundError('connector'))).toBe(true);
    expect(isRetryable(new CancelledError('x'))).toBe(true);
  });
});
