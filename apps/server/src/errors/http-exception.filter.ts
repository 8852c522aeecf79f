import { Catch, HttpException, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { HTTP_STATUS_OF, isNomaflowError } from '@nomaflow/contracts';
import type { FieldError } from '@nomaflow/contracts';
import type { Response } from 'express';

/**
 * The one mapping from errors to HTTP: the contract taxonomy to 400/404/409…, Nest's own HTTP
 * errors (bad JSON, body too large) to their status, everything else to 500 without internals.
 * Every body has the same shape: `{"errors": [{path, message}]}`.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, errors } = this.describe(error);
    if (status >= 500)
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (res.headersSent) return;
    res.status(status).json({ errors });
  }

  private describe(error: unknown): { status: number; errors: FieldError[] } {
    if (isNomaflowError(error)) {
      return { status: HTTP_STATUS_OF[error.code], errors: error.toJSON().errors };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { status, errors: [{ path: '', message: httpMessage(error, status) }] };
    }
    if (isDatabaseUnavailable(error)) {
      return { status: 503, errors: [{ path: '', message: 'database unavailable; try again shortly' }] };
    }
    const raw = error as { type?: string; status?: number; message?: string } | undefined;
    // Errors raised by body-parser before Nest sees the request.
    if (raw && typeof raw.status === 'number' && raw.status >= 400 && raw.status < 500) {
      return { status: raw.status, errors: [{ path: '', message: bodyParserMessage(raw) }] };
    }
    return { status: 500, errors: [{ path: '', message: 'internal error' }] };
  }
}

function httpMessage(error: HttpException, status: number): string {
  const cause = error.cause as { type?: string; message?: string } | undefined;
  if (cause?.type) return bodyParserMessage(cause);
  const body = error.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') {
    if (status === 404 && /^Cannot (GET|POST|PUT|DELETE|PATCH)/.test(message))
      return `no such endpoint: ${message.slice(7)}`;
    return message;
  }
  return error.message;
}

function bodyParserMessage(e: { type?: string; message?: string }): string {
  switch (e.type) {
    case 'entity.parse.failed':
      return `malformed JSON body: ${e.message ?? ''}`.trim();
    case 'entity.too.large':
      return 'request body too large';
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return 'unsupported body encoding';
    default:
      return e.message ?? 'bad request';
  }
}

/** Connection-level failures (not SQL errors): the database is down or unreachable, the request may be retried. */
function isDatabaseUnavailable(e: unknown): boolean {
  // Duck-typed: errors from node:net may come from another realm (a vm context under test runners).
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (/^08/.test(code) ||
      ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code))
  ) {
    return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|ECONNREFUSED/i.test(
      message,
    )
  );
}
