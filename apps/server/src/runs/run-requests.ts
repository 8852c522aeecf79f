import { ValidationError } from '@nomaflow/contracts';
import type { LogLevel, Params, RunOverrides, RunStatus } from '@nomaflow/contracts';
import { ajvErrorsToFieldErrors, createAjv } from '@nomaflow/kernel';
import { toInstant } from '../jobs/validate-input.js';

const ajv = createAjv();

const params = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } } as const;

const compiledTrigger = ajv.compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    params,
    steps: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { enabled: { type: 'boolean' }, op_kwargs: params },
      },
    },
    log_level: { enum: ['INFO', 'DEBUG'] },
  },
});

const compiledListQuery = ajv.compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    job: { type: 'string', minLength: 1, maxLength: 200 },
    status: {
      type: 'string',
      pattern: '^(QUEUED|RUNNING|SUCCEEDED|FAILED|CANCELED)(,(QUEUED|RUNNING|SUCCEEDED|FAILED|CANCELED))*$',
    },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
    cursor: { type: 'string', maxLength: 200 },
  },
});

const compiledLogsQuery = ajv.compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    after_seq: { type: 'string', pattern: '^[0-9]{1,15}$' },
    limit: { type: 'string', pattern: '^[0-9]{1,5}$' },
    types: { type: 'string', maxLength: 500 },
  },
});

const compiledDetailQuery = ajv.compile({
  type: 'object',
  additionalProperties: false,
  properties: { include: { enum: ['snapshot'] } },
});

function check(validate: ReturnType<typeof ajv.compile>, value: unknown, what: string): void {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError([{ path: '', message: `${what} must be a JSON object` }]);
  }
  if (!validate(value)) throw new ValidationError(ajvErrorsToFieldErrors(validate.errors ?? []));
}

/** The body of `POST /api/jobs/:id/runs`; an absent body means "no overrides". */
export function parseTrigger(body: unknown): RunOverrides {
  const empty = typeof body === 'object' && !Array.isArray(body) && Object.keys(body ?? {}).length === 0;
  if (body === undefined || body === null || empty) return {};
  check(compiledTrigger, body, 'a run request');
  const b = body as { params?: Params; steps?: RunOverrides['steps']; log_level?: LogLevel };
  return {
    ...(b.params ? { params: b.params } : {}),
    ...(b.steps ? { steps: b.steps } : {}),
    ...(b.log_level ? { log_level: b.log_level } : {}),
  };
}

export interface RunListQuery {
  job?: string;
  statuses?: RunStatus[];
  from?: string;
  to?: string;
  limit: number;
  cursor?: { createdAt: string; id: string };
}

export function parseListQuery(query: unknown): RunListQuery {
  check(compiledListQuery, query ?? {}, 'the query');
  const q = query as Record<string, string | undefined>;
  const limit = q.limit === undefined ? 50 : Number(q.limit);
  if (limit < 1 || limit > 500)
    throw new ValidationError([{ path: '/limit', message: 'must be between 1 and 500' }]);
  let cursor: RunListQuery['cursor'];
  if (q.cursor !== undefined) {
    try {
      const [createdAt, id] = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as [
        string,
        string,
      ];
      // Exactly what encodeCursor wrote: PostgreSQL must read both values the way we do.
      if (typeof createdAt !== 'string' || typeof id !== 'string' || !isRunId(id)) throw new Error();
      if (toInstant(createdAt, '/cursor').toISOString() !== createdAt) throw new Error();
      cursor = { createdAt, id };
    } catch {
      throw new ValidationError([{ path: '/cursor', message: 'invalid cursor' }]);
    }
  }
  return {
    ...(q.job ? { job: q.job } : {}),
    ...(q.status ? { statuses: q.status.split(',') as RunStatus[] } : {}),
    ...(q.from ? { from: toInstant(q.from, '/from').toISOString() } : {}),
    ...(q.to ? { to: toInstant(q.to, '/to').toISOString() } : {}),
    limit,
    ...(cursor ? { cursor } : {}),
  };
}

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

export function parseLogsQuery(query: unknown): { afterSeq: number; limit: number; types?: string[] } {
  check(compiledLogsQuery, query ?? {}, 'the query');
  const q = query as Record<string, string | undefined>;
  const limit = q.limit === undefined ? 1000 : Number(q.limit);
  if (limit < 1 || limit > 10_000)
    throw new ValidationError([{ path: '/limit', message: 'must be between 1 and 10000' }]);
  return {
    afterSeq: q.after_seq === undefined ? 0 : Number(q.after_seq),
    limit,
    ...(q.types ? { types: q.types.split(',') } : {}),
  };
}

export function parseDetailQuery(query: unknown): { snapshot: boolean } {
  check(compiledDetailQuery, query ?? {}, 'the query');
  return { snapshot: (query as { include?: string }).include === 'snapshot' };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isRunId = (id: string): boolean => UUID.test(id);
