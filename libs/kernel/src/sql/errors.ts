import { StepFailedError, isNomaflowError } from '@nomaflow/contracts';
import type { NomaflowError } from '@nomaflow/contracts';
import { redactSecrets } from './redact.js';

/** What a driver error looks like to the helpers (pg and mysql2 both fit). */
interface DriverErrorLike {
  message?: unknown;
  code?: unknown;
  sqlState?: unknown;
  errno?: unknown;
}

/** SQLSTATE classes that will not get better on a retry: syntax/access (42), data (22), integrity (23). */
const PERMANENT_SQLSTATE = /^(42|22|23|0A|2B|3D|3F)/;

/**
 * Turns a driver error into the contracts' taxonomy: `StepFailedError` whose message is the driver's
 * (secrets redacted) and whose cause is the driver error (replaced by a redacted copy when its own
 * message held a secret). Errors already in the taxonomy pass through.
 */
export function sqlError(
  driver: string,
  error: unknown,
  secrets: readonly (string | undefined)[] = [],
  context?: string,
): NomaflowError {
  if (isNomaflowError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as DriverErrorLike;
  const raw = typeof e.message === 'string' && e.message ? e.message : String(error);
  const message = redactSecrets(raw, secrets);
  const state =
    typeof e.sqlState === 'string'
      ? e.sqlState
      : typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)
        ? e.code
        : undefined;
  let cause: unknown = error;
  if (message !== raw) {
    const clean = new Error(message);
    clean.name = error instanceof Error ? error.name : 'Error';
    Object.assign(clean, { code: e.code, sqlState: state, errno: e.errno });
    cause = clean;
  }
  const retryable = state === undefined || !PERMANENT_SQLSTATE.test(state);
  const prefix = context ? `${driver} ${context}: ` : `${driver}: `;
  return new StepFailedError(`${prefix}${message}${state ? ` (SQLSTATE ${state})` : ''}`, {
    cause,
    retryable,
  });
}
