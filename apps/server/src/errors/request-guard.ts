import { UnsupportedMediaTypeException } from '@nestjs/common';
import { ValidationError } from '@nomaflow/contracts';
import type { FieldError } from '@nomaflow/contracts';
import type { NextFunction, Request, Response } from 'express';

/** Deeper than any job document or run request needs, far shallower than recursive code can take. */
export const MAX_JSON_DEPTH = 100;

const NUL = 'must not contain the NUL character (\\u0000)';

/**
 * What the JSON body parser lets through but the rest of the server cannot take, refused before
 * routing (the error filter gives it the one error shape):
 * - a body that is not JSON: it would be silently ignored (a run triggered without its overrides);
 * - NUL characters in the URL or the body: PostgreSQL's text and jsonb cannot hold them (500s);
 * - JSON nested deeper than MAX_JSON_DEPTH: recursive walks overflow the stack (500s).
 */
export function requestGuard(req: Request, _res: Response, next: NextFunction): void {
  if (/%00/i.test(req.originalUrl)) {
    next(new ValidationError([{ path: '', message: 'the URL must not contain the NUL character (%00)' }]));
    return;
  }
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = req.headers['transfer-encoding'] !== undefined || length > 0;
  if (hasBody && !req.is('application/json')) {
    const type = req.headers['content-type'] ?? 'none';
    next(new UnsupportedMediaTypeException(`the request body must be application/json, not ${type}`));
    return;
  }
  const problem = req.body === undefined ? undefined : jsonProblem(req.body);
  next(problem ? new ValidationError([problem]) : undefined);
}

/** The first NUL character or too-deep nesting in a parsed body; iterative, so any depth is safe. */
function jsonProblem(root: unknown): FieldError | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { path, message: NUL };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) return { path, message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
    for (const [key, child] of Object.entries(value)) {
      const childPath = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (key.includes('\u0000')) return { path: childPath, message: `field names ${NUL}` };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}
