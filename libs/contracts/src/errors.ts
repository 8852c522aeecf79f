/**
 * The one error taxonomy. Every layer throws these (or has its throwables normalised into them) so
 * the server maps them to HTTP in one place and the engine decides retries from `code` alone —
 * `instanceof` is avoided on purpose: errors cross module copies and the sandbox boundary.
 */
export const ERROR_CODES = [
  'validation',
  'not_found',
  'conflict',
  'step_failed',
  'timeout',
  'cancelled',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  /** JSON pointer of the offending field, '' for the whole document. */
  path: string;
  message: string;
}

export abstract class NomaflowError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
  /** The body the API returns for this error. */
  toJSON(): { errors: FieldError[] } {
    return { errors: [{ path: '', message: this.message }] };
  }
}

export class ValidationError extends NomaflowError {
  readonly code = 'validation' as const;
  readonly errors: FieldError[];
  constructor(errors: FieldError[] | string, options?: { cause?: unknown }) {
    const list = typeof errors === 'string' ? [{ path: '', message: errors }] : errors;
    super(list.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '), options);
    this.errors = list;
  }
  override toJSON(): { errors: FieldError[] } {
    return { errors: this.errors };
  }
}

export class NotFoundError extends NomaflowError {
  readonly code = 'not_found' as const;
}

export class ConflictError extends NomaflowError {
  readonly code = 'conflict' as const;
}

/** A step attempt failed; `retryable: false` stops the retry policy (e.g. an invalid config). */
export class StepFailedError extends NomaflowError {
  readonly code = 'step_failed' as const;
  readonly retryable: boolean;
  readonly details?: string;
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean; details?: string }) {
    super(message, options);
    this.retryable = options?.retryable ?? true;
    this.details = options?.details;
  }
}

export class StepTimeoutError extends NomaflowError {
  readonly code = 'timeout' as const;
  readonly timeoutSeconds: number;
  constructor(timeoutSeconds: number, options?: { cause?: unknown }) {
    super(`timed out after ${timeoutSeconds} s`, options);
    this.timeoutSeconds = timeoutSeconds;
  }
}

export class CancelledError extends NomaflowError {
  readonly code = 'cancelled' as const;
  /** Who cancelled: a user name, `system`, `shutdown`. */
  readonly by: string;
  constructor(by: string, options?: { cause?: unknown }) {
    super(`cancelled by ${by}`, options);
    this.by = by;
  }
}

const ERROR_NAMES: Record<ErrorCode, string> = {
  validation: 'ValidationError',
  not_found: 'NotFoundError',
  conflict: 'ConflictError',
  step_failed: 'StepFailedError',
  timeout: 'StepTimeoutError',
  cancelled: 'CancelledError',
};

/** True for any error of the taxonomy, from whichever copy of this module it came. */
export function isNomaflowError(e: unknown): e is NomaflowError {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(code) &&
    ERROR_NAMES[code as ErrorCode] === e.name
  );
}

export function hasErrorCode<C extends ErrorCode>(
  e: unknown,
  code: C,
): e is Extract<AnyNomaflowError, { code: C }> {
  return isNomaflowError(e) && e.code === code;
}

export type AnyNomaflowError =
  ValidationError | NotFoundError | ConflictError | StepFailedError | StepTimeoutError | CancelledError;

/** Turns any throwable into a member of the taxonomy; the original is kept as `cause`. */
export function toNomaflowError(e: unknown): NomaflowError {
  if (isNomaflowError(e)) return e;
  if (e instanceof Error) return new StepFailedError(e.message || e.name, { cause: e });
  if (typeof e === 'string') return new StepFailedError(e);
  let text: string;
  try {
    text = JSON.stringify(e) ?? String(e);
  } catch {
    text = String(e);
  }
  return new StepFailedError(`non-error thrown: ${text}`, { cause: e });
}

/** HTTP status of each code, used by the server's single exception filter. */
export const HTTP_STATUS_OF: Record<ErrorCode, number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  step_failed: 422,
  timeout: 504,
  cancelled: 409,
};
