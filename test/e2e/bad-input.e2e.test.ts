import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobDocument, Run } from '@nomaflow/contracts';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

/**
 * Bad input of every kind — malformed JSON, wrong content types, wrong types in every field family,
 * unknown fields, huge and deeply nested bodies, strange ids, prototype-pollution keys — sent to
 * every write endpoint (and garbage query strings to the GET endpoints that take them). Each is a
 * 4xx in the one error shape `{"errors": [{path, message}]}`, never a 5xx, never a 2xx; afterwards
 * the server is still healthy and a normal create + trigger + run works.
 */

const TARGET = 'bad-input-target';
const NEW_ID = 'bad-input-new';
/** A well-formed run id no run has. */
const MISSING_RUN = '00000000-0000-4000-8000-000000000000';
/** The server's default body limit (NOMAFLOW_BODY_LIMIT=1mb). */
const LIMIT = 1024 * 1024;
const REFUSED = [400, 404, 405, 409, 413, 415] as const;
/** The server's nesting limit for JSON bodies. */
const MAX_DEPTH = 100;
const TOO_DEEP = `JSON nested deeper than ${MAX_DEPTH} levels`;
const NUL = 'must not contain the NUL character (\\u0000)';
const URL_NUL = 'the URL must not contain the NUL character (%00)';
const INSTANT = 'must be an instant between years 1 and 9999';

let server: TestServer;
/** A finished run of TARGET: the target of cancel (409), replay, logs and events. */
let finishedRun = '';

type Doc = Record<string, unknown>;

const baseJob = (id: string): Doc => ({
  id,
  description: 'bad-input target',
  tags: ['test'],
  enabled: true,
  schedule: { cron: '0 3 1 1 *', timezone: 'UTC' },
  params: { region: 'eu', n: 1, flag: true },
  steps: [
    { name: 'first', type: 'noop', message: 'hello ${kw:region}' },
    { name: 'second', type: 'noop', op_kwargs: { n: 2 } },
  ],
  retry: { attempts: 1, backoff: 'fixed', base_seconds: 1 },
  alerts: { on_failure: false, recipients: [] },
  log_level: 'INFO',
  concurrency: 'parallel',
});

const nested = (depth: number, leaf = '1'): string => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

interface Reply {
  status: number;
  body: unknown;
  text: string;
}

type Body = string | Uint8Array | ReadableStream<Uint8Array>;

async function send(
  method: string,
  path: string,
  body?: Body,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (body !== undefined) init.body = body;
  if (body instanceof ReadableStream) init.duplex = 'half';
  const res = await fetch(`${server.url}${path}`, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: the shape check below reports the text
  }
  return { status: res.status, body: parsed, text };
}

const JSON_TYPE = { 'content-type': 'application/json' };
const sendJson = (method: string, path: string, text: string): Promise<Reply> =>
  send(method, path, text, JSON_TYPE);

interface Want {
  /** Accepted statuses; default: any refusal. */
  status?: number | readonly number[];
  /** JSON pointer one of the errors must carry. */
  at?: string;
  /** Exact text, or a pattern, one of the errors (at `at`, when given) must carry. */
  message?: string | RegExp;
}

/** A refusal: an expected 4xx (never 2xx, never 5xx) in the one error shape, naming the problem. */
function expectRefused(reply: Reply, want: Want = {}): void {
  const statuses: readonly number[] =
    want.status === undefined ? REFUSED : typeof want.status === 'number' ? [want.status] : want.status;
  if (!statuses.includes(reply.status)) {
    throw new Error(
      `expected status ${statuses.join('/')}, got ${reply.status}: ${reply.text.slice(0, 600)}`,
    );
  }
  expect(reply.body).toEqual({ errors: expect.any(Array) });
  const errors = (reply.body as { errors: unknown[] }).errors;
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    expect(e).toEqual({ path: expect.any(String), message: expect.stringMatching(/\S/) });
  }
  if (want.at !== undefined || want.message !== undefined) {
    const message =
      want.message === undefined
        ? expect.any(String)
        : typeof want.message === 'string'
          ? want.message
          : expect.stringMatching(want.message);
    expect(errors).toContainEqual({ path: want.at ?? expect.any(String), message });
  }
}

async function finished(id: string): Promise<Run> {
  return waitFor(`run ${id} to finish`, async () => {
    const run = (await server.api.get<Run>(`/api/runs/${id}`)).body;
    return ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(run.status) ? run : undefined;
  });
}

async function triggerAndFinish(jobId: string, body = '{}'): Promise<Run> {
  const r = await sendJson('POST', `/api/jobs/${jobId}/runs`, body);
  expect(r.status).toBe(202);
  return finished((r.body as { run_id: string }).run_id);
}

beforeAll(async () => {
  // Default roles: api, worker and scheduler in one process.
  server = await startTestServer();
  const created = await server.api.post('/api/jobs', baseJob(TARGET));
  expect(created.status).toBe(201);
  const run = await triggerAndFinish(TARGET);
  expect(run.status).toBe('SUCCEEDED');
  finishedRun = run.id;
});
afterAll(async () => {
  await server?.stop();
});

// ---------------------------------------------------------------------------------------------
// The write endpoints and what they read from the body.

interface Endpoint {
  name: string;
  method: 'POST' | 'PUT' | 'DELETE';
  path: () => string;
  /** What the body is: a job document, a run request, an import file, or nothing at all. */
  takes: 'job' | 'trigger' | 'import' | 'none';
}

const WRITES: readonly Endpoint[] = [
  { name: 'POST /api/jobs', method: 'POST', path: () => '/api/jobs', takes: 'job' },
  { name: 'PUT /api/jobs/:id', method: 'PUT', path: () => `/api/jobs/${TARGET}`, takes: 'job' },
  { name: 'DELETE /api/jobs/:id', method: 'DELETE', path: () => `/api/jobs/${TARGET}`, takes: 'none' },
  { name: 'POST /api/jobs/validate', method: 'POST', path: () => '/api/jobs/validate', takes: 'job' },
  {
    name: 'POST /api/jobs/:id/runs',
    method: 'POST',
    path: () => `/api/jobs/${TARGET}/runs`,
    takes: 'trigger',
  },
  {
    name: 'POST /api/runs/:id/cancel',
    method: 'POST',
    path: () => `/api/runs/${finishedRun}/cancel`,
    takes: 'none',
  },
  {
    name: 'POST /api/runs/:id/replay',
    method: 'POST',
    path: () => `/api/runs/${finishedRun}/replay`,
    takes: 'none',
  },
  { name: 'POST /api/import', method: 'POST', path: () => '/api/import', takes: 'import' },
  { name: 'POST /admin/reload', method: 'POST', path: () => '/admin/reload', takes: 'none' },
];

/** Every endpoint × every case, as rows it.each can name. */
const cross = <C extends { name: string }>(endpoints: readonly Endpoint[], cases: readonly C[]) =>
  endpoints.flatMap((endpoint) => cases.map((c) => ({ endpoint, c, title: `${endpoint.name}: ${c.name}` })));

// ---------------------------------------------------------------------------------------------

describe('malformed JSON is 400 "malformed JSON body" on every write endpoint', () => {
  const cases = [
    { name: 'unterminated object `{bad`', body: '{bad' },
    { name: 'unterminated array `[1,2`', body: '[1,2' },
    { name: 'a top-level string', body: '"str"' },
    { name: 'a top-level null', body: 'null' },
    { name: 'a top-level number', body: '42' },
    { name: 'a top-level boolean', body: 'true' },
    { name: 'whitespace only', body: ' \n\t ' },
    { name: 'trailing garbage', body: '{"a":1}}' },
    { name: 'a trailing comma', body: '{"a":1,}' },
    { name: 'single quotes', body: "{'a':1}" },
    { name: 'NaN', body: '{"a":NaN}' },
    { name: 'a raw control character in a string', body: '{"a":"x\u0001y"}' },
    { name: 'a truncated \\u escape', body: '{"a":"\\u12"}' },
  ];
  it.each(cross(WRITES, cases))('$title', async ({ endpoint, c }) => {
    expectRefused(await sendJson(endpoint.method, endpoint.path(), c.body), {
      status: 400,
      at: '',
      message: /^malformed JSON body/,
    });
  });
});

describe('a body of the wrong media type is refused, never silently ignored', () => {
  const cases: { name: string; body: Body; headers: Record<string, string>; want: Want }[] = [
    {
      name: 'text/plain carrying JSON',
      body: JSON.stringify({ ...baseJob(NEW_ID), params: { region: 'us' } }),
      headers: { 'content-type': 'text/plain' },
      want: { status: 415, at: '', message: /application\/json/ },
    },
    {
      name: 'application/x-www-form-urlencoded',
      body: 'id=bad-input-new&params[region]=us&steps=first',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      want: { status: 415, at: '', message: /application\/json/ },
    },
    {
      name: 'application/xml',
      body: '<job id="x"/>',
      headers: { 'content-type': 'application/xml' },
      want: { status: 415, at: '', message: /application\/json/ },
    },
    {
      name: 'no content-type at all',
      body: new TextEncoder().encode('{"params":{"region":"us"}}'),
      headers: {},
      want: { status: 415, at: '', message: /application\/json/ },
    },
    {
      name: 'JSON in an unsupported charset',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json; charset=latin1' },
      want: { status: 415, at: '', message: 'unsupported body encoding' },
    },
    {
      name: 'an unknown content-encoding',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'bogus' },
      want: { status: 415, at: '', message: 'unsupported body encoding' },
    },
    {
      name: 'gzip content-encoding over bytes that are not gzip',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      want: { status: 400, at: '' },
    },
  ];
  it.each(cross(WRITES, cases))('$title', async ({ endpoint, c }) => {
    expectRefused(await send(endpoint.method, endpoint.path(), c.body, c.headers), c.want);
  });
});

describe('huge bodies are 413 "request body too large", whatever the endpoint', () => {
  const padded = (size: number): string => {
    const head = '{"description":"';
    const tail = '"}';
    return head + 'x'.repeat(size - head.length - tail.length) + tail;
  };
  const justOver = padded(LIMIT + 1);
  const fiveMb = padded(5 * LIMIT);
  const bomb = gzipSync(Buffer.from(padded(10 * LIMIT)));
  const cases: { name: string; body: () => Body; headers: Record<string, string> }[] = [
    { name: 'one byte over 1 MB', body: () => justOver, headers: JSON_TYPE },
    { name: '5 MB', body: () => fiveMb, headers: JSON_TYPE },
    {
      name: '2 MB streamed without a content-length',
      body: () => {
        const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
        let sent = 0;
        return new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent === 0) controller.enqueue(new TextEncoder().encode('{"description":"'));
            if (sent >= 2 * LIMIT) {
              controller.enqueue(new TextEncoder().encode('"}'));
              controller.close();
              return;
            }
            controller.enqueue(chunk);
            sent += chunk.length;
          },
        });
      },
      headers: JSON_TYPE,
    },
    {
      name: 'a 10 KB gzip that inflates to 10 MB',
      body: () => new Uint8Array(bomb),
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
    },
  ];
  it.each(cross(WRITES, cases))('$title', async ({ endpoint, c }) => {
    expectRefused(await send(endpoint.method, endpoint.path(), c.body(), c.headers), {
      status: 413,
      at: '',
      message: 'request body too large',
    });
  });
});

describe('bodies the server cannot hold are 400 on every write endpoint, before any handler', () => {
  const cases: { name: string; body: string; want: Want }[] = [
    { name: 'objects nested 5,000 levels deep', body: nested(5000), want: { message: TOO_DEEP } },
    { name: 'arrays nested 5,000 levels deep', body: nestedArrays(5000), want: { message: TOO_DEEP } },
    {
      name: 'objects nested one level too deep',
      body: nested(MAX_DEPTH + 1),
      want: { at: '/a'.repeat(MAX_DEPTH), message: TOO_DEEP },
    },
    {
      name: 'a NUL character in a string',
      body: '{"a":["ok","x\\u0000y"]}',
      want: { at: '/a/1', message: NUL },
    },
    {
      name: 'a NUL character in a key',
      body: '{"a\\u0000":1}',
      want: { at: '/a\u0000', message: `field names ${NUL}` },
    },
  ];
  it.each(cross(WRITES, cases))('$title', async ({ endpoint, c }) => {
    expectRefused(await sendJson(endpoint.method, endpoint.path(), c.body), { status: 400, ...c.want });
  });
});

// ---------------------------------------------------------------------------------------------
// Job documents: POST /api/jobs, PUT /api/jobs/:id, POST /api/jobs/validate and (inside `jobs`)
// POST /api/import. Each case edits a valid job, or rewrites its JSON text for keys a JS object
// literal cannot hold as data (`__proto__`).

interface DocCase {
  name: string;
  edit?: (job: Doc) => Doc | unknown;
  /** Rewrites the serialised job (for `__proto__` keys, huge or deep values). */
  text?: (json: string) => string;
  /** Left out when the pointer is long and uninteresting (too-deep nesting). */
  at?: string;
  message: string | RegExp;
  /** PUT takes the id from the URL: a different id in the body is its own error. */
  put?: { at: string; message: string | RegExp } | 'skip';
}

const set =
  (path: string, value: unknown) =>
  (job: Doc): Doc => {
    const keys = path.split('.');
    let node: Record<string, unknown> = job;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[keys.at(-1) as string] = value;
    return job;
  };
const step0 = (job: Doc): Doc => (job.steps as Doc[])[0] as Doc;
const withStep0 =
  (extra: Doc) =>
  (job: Doc): Doc => {
    Object.assign(step0(job), extra);
    return job;
  };
/** Inserts raw JSON members at the start of the object that follows `"key":` (or of the document). */
const inject = (key: string | null, members: string) => (json: string) =>
  key === null ? json.replace(/^\{/, `{${members},`) : json.replace(`"${key}":{`, `"${key}":{${members},`);
const ID_CHANGE = { at: '/id', message: /^job id cannot be changed/ };

const DOC_CASES: readonly DocCase[] = [
  // id
  { name: 'id as a number', edit: set('id', 42), at: '/id', message: 'must be string', put: ID_CHANGE },
  {
    name: 'id with invalid characters',
    edit: set('id', 'my job!'),
    at: '/id',
    message: 'job id contains invalid characters',
    put: ID_CHANGE,
  },
  {
    name: 'id of 5,000 characters',
    edit: set('id', 'x'.repeat(5000)),
    at: '/id',
    message: 'must NOT have more than 200 characters',
    put: ID_CHANGE,
  },
  // NUL characters: PostgreSQL text and jsonb cannot hold them
  { name: 'id holding a NUL character', edit: set('id', 'a\u0000b'), at: '/id', message: NUL },
  {
    name: 'description holding a NUL character',
    edit: set('description', 'a\u0000b'),
    at: '/description',
    message: NUL,
  },
  {
    name: 'a params value holding a NUL character',
    edit: set('params.region', '\u0000'),
    at: '/params/region',
    message: NUL,
  },
  {
    name: 'a params key holding a NUL character',
    edit: set('params.a\u0000b', 'x'),
    at: '/params/a\u0000b',
    message: `field names ${NUL}`,
  },
  {
    name: 'a step field holding a NUL character',
    edit: withStep0({ message: 'x\u0000' }),
    at: '/steps/0/message',
    message: NUL,
  },
  {
    name: 'missing id',
    edit: (j) => ({ ...j, id: undefined }),
    at: '/id',
    message: 'job id is required',
    put: 'skip',
  },
  // steps
  {
    name: 'steps as an object',
    edit: (j) => ({ ...j, steps: { first: {} } }),
    at: '/steps',
    message: 'must be array',
  },
  { name: 'steps empty', edit: set('steps', []), at: '/steps', message: 'a job needs at least one step' },
  {
    name: 'a step as a string',
    edit: set('steps', ['first']),
    at: '/steps/0',
    message: 'a step must be a JSON object',
  },
  {
    name: 'a step name as a number',
    edit: withStep0({ name: 7 }),
    at: '/steps/0/name',
    message: 'must be string',
  },
  {
    name: 'an unknown step type',
    edit: withStep0({ type: 'rm_rf' }),
    at: '/steps/0/type',
    message: 'unknown step type: rm_rf',
  },
  {
    name: 'a duplicate step name',
    edit: (j) => ({
      ...j,
      steps: [
        { name: 'a', type: 'noop' },
        { name: 'a', type: 'noop' },
      ],
    }),
    at: '/steps/1/name',
    message: 'duplicate step name: a',
  },
  {
    name: 'timeout_seconds as a string',
    edit: withStep0({ timeout_seconds: '10' }),
    at: '/steps/0/timeout_seconds',
    message: 'must be number',
  },
  {
    name: 'op_kwargs as an array',
    edit: withStep0({ op_kwargs: [1] }),
    at: '/steps/0/op_kwargs',
    message: 'must be object',
  },
  {
    name: 'an op_kwargs value as an object',
    edit: withStep0({ op_kwargs: { x: { y: 1 } } }),
    at: '/steps/0/op_kwargs/x',
    message: 'must be string,number,boolean',
  },
  {
    name: 'a step type field of the wrong type',
    edit: withStep0({ ms: '5' }),
    at: '/steps/0/ms',
    message: 'must be integer',
  },
  {
    name: 'an unknown field in a step',
    edit: withStep0({ bogus: 1 }),
    at: '/steps/0/bogus',
    message: 'step first has unknown field: bogus',
  },
  {
    name: '10,000 steps',
    edit: (j) => ({
      ...j,
      steps: Array.from({ length: 10_000 }, (_, i) => ({ name: `s${i}`, type: 'noop' })),
    }),
    at: '/steps',
    message: 'must NOT have more than 500 items',
  },
  // params
  { name: 'params as an array', edit: set('params', ['a']), at: '/params', message: 'must be object' },
  {
    name: 'a params value as an object',
    edit: set('params.nested', { a: 1 }),
    at: '/params/nested',
    message: 'must be string,number,boolean',
  },
  {
    name: 'a params value as an array',
    edit: set('params.list', [1, 2]),
    at: '/params/list',
    message: 'must be string,number,boolean',
  },
  {
    name: 'a params value null',
    edit: set('params.none', null),
    at: '/params/none',
    message: 'must be string,number,boolean',
  },
  // retry
  {
    name: 'retry.attempts as a string',
    edit: set('retry.attempts', '2'),
    at: '/retry/attempts',
    message: 'must be integer',
  },
  { name: 'retry as an array', edit: set('retry', [2]), at: '/retry', message: 'must be object' },
  {
    name: 'retry.backoff unknown',
    edit: set('retry.backoff', 'linear'),
    at: '/retry/backoff',
    message: 'must be one of: "fixed", "exponential"',
  },
  // schedule
  {
    name: 'schedule.cron as a number',
    edit: set('schedule.cron', 5),
    at: '/schedule/cron',
    message: 'must be string',
  },
  {
    name: 'schedule.cron not a cron',
    edit: set('schedule.cron', 'every day'),
    at: '/schedule/cron',
    message: /^invalid cron expression/,
  },
  {
    name: 'schedule.timezone unknown',
    edit: set('schedule.timezone', 'Mars/Olympus'),
    at: '/schedule/timezone',
    message: 'unknown timezone: Mars/Olympus',
  },
  {
    name: 'schedule as a string',
    edit: set('schedule', '0 2 * * *'),
    at: '/schedule',
    message: 'must be object',
  },
  // the other fields
  { name: 'enabled as "yes"', edit: set('enabled', 'yes'), at: '/enabled', message: 'must be boolean' },
  {
    name: 'log_level invalid',
    edit: set('log_level', 'TRACE'),
    at: '/log_level',
    message: 'must be one of: "INFO", "DEBUG"',
  },
  {
    name: 'concurrency invalid',
    edit: set('concurrency', 'always'),
    at: '/concurrency',
    message: 'must be one of: "skip", "queue", "parallel"',
  },
  {
    name: 'concurrency as a number',
    edit: set('concurrency', 1),
    at: '/concurrency',
    message: 'must be one of: "skip", "queue", "parallel"',
  },
  {
    name: 'catchup invalid',
    edit: set('catchup', 'some'),
    at: '/catchup',
    message: 'must be one of: "none", "last", "all"',
  },
  { name: 'tags as a string', edit: set('tags', 'etl'), at: '/tags', message: 'must be array' },
  { name: 'a tag as a number', edit: set('tags', [1]), at: '/tags/0', message: 'must be string' },
  {
    name: 'description as an object',
    edit: set('description', { a: 1 }),
    at: '/description',
    message: 'must be string',
  },
  {
    name: 'description of 20,000 characters',
    edit: set('description', 'd'.repeat(20_000)),
    at: '/description',
    message: 'must NOT have more than 10000 characters',
  },
  {
    name: 'alerts.recipients as a string',
    edit: set('alerts.recipients', '#ops'),
    at: '/alerts/recipients',
    message: 'must be array',
  },
  {
    name: 'alerts.on_failure as "yes"',
    edit: set('alerts.on_failure', 'yes'),
    at: '/alerts/on_failure',
    message: 'must be boolean',
  },
  // unknown fields at each level
  {
    name: 'an unknown top-level field',
    edit: set('colour', 'red'),
    at: '/colour',
    message: 'unknown field: colour',
  },
  {
    name: 'an unknown field in schedule',
    edit: set('schedule.colour', 'red'),
    at: '/schedule/colour',
    message: 'unknown field: colour',
  },
  {
    name: 'an unknown field in retry',
    edit: set('retry.jitter', true),
    at: '/retry/jitter',
    message: 'unknown field: jitter',
  },
  {
    name: 'an unknown field in alerts',
    edit: set('alerts.pager', 'x'),
    at: '/alerts/pager',
    message: 'unknown field: pager',
  },
  // deep nesting
  {
    name: 'an unknown field nested 5,000 levels deep',
    text: inject(null, `"deep":${nested(5000)}`),
    message: TOO_DEEP,
  },
  {
    name: 'a params value nested 5,000 levels deep',
    text: inject('params', `"deep":${nested(5000)}`),
    message: TOO_DEEP,
  },
  {
    name: 'a templated step field nested 50,000 levels deep',
    text: (json) => json.replace('"name":"first"', `"deep":${nested(50_000, '"${kw:x}"')},"name":"first"`),
    message: TOO_DEEP,
  },
  {
    name: 'steps as arrays nested 5,000 levels deep',
    text: (json) => json.replace(/"steps":\[.*?\],"retry"/, `"steps":${nestedArrays(5000)},"retry"`),
    message: TOO_DEEP,
  },
  {
    name: 'an unknown field nested just under the limit',
    text: inject(null, `"deep":${nested(MAX_DEPTH - 4)}`),
    at: '/deep',
    message: 'unknown field: deep',
  },
  {
    name: 'a templated step field nested just under the limit',
    text: (json) =>
      json.replace('"name":"first"', `"deep":${nested(MAX_DEPTH - 6, '"${kw:x}"')},"name":"first"`),
    at: '/steps/0/deep',
    message: 'step first has unknown field: deep',
  },
  // prototype-pollution keys
  {
    name: '__proto__ at the top level',
    text: inject(null, '"__proto__":{"polluted":"yes"}'),
    at: '/__proto__',
    message: 'unknown field: __proto__',
  },
  {
    name: 'constructor.prototype at the top level',
    text: inject(null, '"constructor":{"prototype":{"polluted":"yes"}}'),
    at: '/constructor',
    message: 'unknown field: constructor',
  },
  {
    name: '__proto__ object in params',
    text: inject('params', '"__proto__":{"polluted":"yes"}'),
    at: '/params/__proto__',
    message: 'must be string,number,boolean',
  },
  {
    name: 'constructor.prototype in params',
    text: inject('params', '"constructor":{"prototype":{"polluted":"yes"}}'),
    at: '/params/constructor',
    message: 'must be string,number,boolean',
  },
  {
    name: '__proto__ object in a step',
    text: (json) => json.replace('"name":"first"', '"__proto__":{"polluted":"yes"},"name":"first"'),
    at: '/steps/0/__proto__',
    message: 'step first has unknown field: __proto__',
  },
  {
    // Validated as `config[key] = value`, this became the config's prototype and passed as `ms`.
    name: '__proto__ holding valid step fields',
    text: (json) => json.replace('"name":"first"', '"__proto__":{"ms":1},"name":"first"'),
    at: '/steps/0/__proto__',
    message: 'step first has unknown field: __proto__',
  },
  {
    name: '__proto__ in schedule',
    text: inject('schedule', '"__proto__":{"cron":"* * * * * *"}'),
    at: '/schedule/__proto__',
    message: 'unknown field: __proto__',
  },
];

const JOB_ENDPOINTS = WRITES.filter((e) => e.takes === 'job' || e.takes === 'import');

describe('invalid job documents are 400 with the field and the reason', () => {
  const rows = cross(JOB_ENDPOINTS, DOC_CASES).filter(
    ({ endpoint, c }) => !(endpoint.method === 'PUT' && c.put === 'skip'),
  );
  it.each(rows)('$title', async ({ endpoint, c }) => {
    const isPut = endpoint.method === 'PUT';
    const job = structuredClone(baseJob(isPut ? TARGET : NEW_ID));
    const edited = c.edit ? c.edit(job) : job;
    let json = JSON.stringify(edited);
    if (c.text) json = c.text(json);
    const isImport = endpoint.takes === 'import';
    const body = isImport ? `{"version":1,"jobs":[${json}]}` : json;
    const want = isPut && c.put !== undefined && c.put !== 'skip' ? c.put : { at: c.at, message: c.message };
    expectRefused(await sendJson(endpoint.method, endpoint.path(), body), {
      status: 400,
      at: want.at === undefined ? undefined : isImport ? `/jobs/0${want.at}` : want.at,
      message: want.message,
    });
  });

  it.each(JOB_ENDPOINTS.filter((e) => e.takes === 'job'))(
    '$name: an empty body, `{}` and arrays are not jobs',
    async (endpoint) => {
      const put = endpoint.method === 'PUT';
      for (const body of ['', '{}']) {
        expectRefused(await sendJson(endpoint.method, endpoint.path(), body), {
          status: 400,
          at: put ? '/steps' : '/id',
          message: put ? 'a job needs at least one step' : 'job id is required',
        });
      }
      for (const body of ['[]', `[${JSON.stringify(baseJob(put ? TARGET : NEW_ID))}]`]) {
        expectRefused(await sendJson(endpoint.method, endpoint.path(), body), {
          status: 400,
          at: '',
          message: 'a job must be a JSON object',
        });
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------

describe('invalid run requests (POST /api/jobs/:id/runs) are 400', () => {
  const cases: { name: string; body: string; at: string | undefined; message: string | RegExp }[] = [
    { name: 'an empty array', body: '[]', at: '', message: 'a run request must be a JSON object' },
    { name: 'an array', body: '[{"params":{}}]', at: '', message: 'a run request must be a JSON object' },
    { name: 'params as an array', body: '{"params":["a"]}', at: '/params', message: 'must be object' },
    {
      name: 'a params value as an object',
      body: '{"params":{"nested":{"a":1}}}',
      at: '/params/nested',
      message: 'must be string,number,boolean',
    },
    {
      name: 'a params value as an array',
      body: '{"params":{"list":[1]}}',
      at: '/params/list',
      message: 'must be string,number,boolean',
    },
    {
      name: 'steps as an array',
      body: '{"steps":[{"enabled":false}]}',
      at: '/steps',
      message: 'must be object',
    },
    {
      name: 'a step override as a string',
      body: '{"steps":{"first":"off"}}',
      at: '/steps/first',
      message: 'must be object',
    },
    {
      name: 'a step override enabled as "yes"',
      body: '{"steps":{"first":{"enabled":"yes"}}}',
      at: '/steps/first/enabled',
      message: 'must be boolean',
    },
    {
      name: 'a step override op_kwargs value as an object',
      body: '{"steps":{"first":{"op_kwargs":{"x":{"y":1}}}}}',
      at: '/steps/first/op_kwargs/x',
      message: 'must be string,number,boolean',
    },
    {
      name: 'an unknown field in a step override',
      body: '{"steps":{"first":{"colour":"red"}}}',
      at: '/steps/first/colour',
      message: 'unknown field: colour',
    },
    {
      name: 'an override of an unknown step',
      body: '{"steps":{"nope":{}}}',
      at: '/steps/nope',
      message: 'unknown step: nope',
    },
    {
      name: '10,000 overrides of unknown steps',
      body: JSON.stringify({
        steps: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`s${i}`, { enabled: true }])),
      }),
      at: '/steps/s9999',
      message: 'unknown step: s9999',
    },
    {
      name: 'log_level invalid',
      body: '{"log_level":"TRACE"}',
      at: '/log_level',
      message: 'must be one of: "INFO", "DEBUG"',
    },
    {
      name: 'log_level as a number',
      body: '{"log_level":5}',
      at: '/log_level',
      message: 'must be one of: "INFO", "DEBUG"',
    },
    {
      name: 'an unknown top-level field',
      body: '{"colour":"red"}',
      at: '/colour',
      message: 'unknown field: colour',
    },
    {
      name: 'a job document instead of a run request',
      body: JSON.stringify(baseJob(TARGET)),
      at: '/id',
      message: 'unknown field: id',
    },
    {
      name: 'nested 5,000 levels deep',
      body: `{"params":{"deep":${nested(5000)}}}`,
      at: undefined,
      message: TOO_DEEP,
    },
    {
      name: 'a params value holding a NUL character',
      body: '{"params":{"x":"\\u0000"}}',
      at: '/params/x',
      message: NUL,
    },
    {
      name: '__proto__ at the top level',
      body: '{"__proto__":{"polluted":"yes"}}',
      at: '/__proto__',
      message: 'unknown field: __proto__',
    },
    {
      name: '__proto__ object in params',
      body: '{"params":{"__proto__":{"polluted":"yes"}}}',
      at: '/params/__proto__',
      message: 'must be string,number,boolean',
    },
    {
      name: 'a __proto__ step override',
      body: '{"steps":{"__proto__":{"enabled":false}}}',
      at: '/steps/__proto__',
      message: 'unknown step: __proto__',
    },
    {
      name: 'a constructor step override',
      body: '{"steps":{"constructor":{"enabled":false}}}',
      at: '/steps/constructor',
      message: 'unknown step: constructor',
    },
    {
      name: 'a toString step override',
      body: '{"steps":{"toString":{}}}',
      at: '/steps/toString',
      message: 'unknown step: toString',
    },
  ];
  it.each(cases)('$name', async (c) => {
    expectRefused(await sendJson('POST', `/api/jobs/${TARGET}/runs`, c.body), {
      status: 400,
      at: c.at,
      message: c.message,
    });
  });
});

describe('invalid import files (POST /api/import) are 400 and import nothing', () => {
  const job = JSON.stringify(baseJob(NEW_ID));
  const cases: { name: string; body: string; at: string; message: string | RegExp }[] = [
    { name: 'an empty body', body: '', at: '/version', message: 'missing required field: version' },
    { name: 'an empty array', body: '[]', at: '', message: 'must be object' },
    { name: 'an array of jobs', body: `[${job}]`, at: '', message: 'must be object' },
    { name: 'a bare job document', body: job, at: '/id', message: 'unknown field: id' },
    {
      name: 'version as a string',
      body: `{"version":"1","jobs":[${job}]}`,
      at: '/version',
      message: 'must be one of: 1',
    },
    {
      name: 'version 2',
      body: `{"version":2,"jobs":[${job}]}`,
      at: '/version',
      message: 'must be one of: 1',
    },
    { name: 'jobs missing', body: '{"version":1}', at: '/jobs', message: 'missing required field: jobs' },
    {
      name: 'jobs as an object',
      body: `{"version":1,"jobs":{"a":${job}}}`,
      at: '/jobs',
      message: 'must be array',
    },
    {
      name: 'exported_at as a number',
      body: `{"version":1,"exported_at":5,"jobs":[]}`,
      at: '/exported_at',
      message: 'must be string',
    },
    {
      name: 'an unknown top-level field',
      body: `{"version":1,"jobs":[],"colour":"red"}`,
      at: '/colour',
      message: 'unknown field: colour',
    },
    {
      name: 'a null job',
      body: `{"version":1,"jobs":[${job},null]}`,
      at: '/jobs/1',
      message: 'a job must be a JSON object',
    },
    {
      name: 'a number as a job',
      body: `{"version":1,"jobs":[5]}`,
      at: '/jobs/0',
      message: 'a job must be a JSON object',
    },
    {
      name: 'an array as a job',
      body: `{"version":1,"jobs":[[${job}]]}`,
      at: '/jobs/0',
      message: 'a job must be a JSON object',
    },
    {
      name: 'a duplicate id in the file',
      body: `{"version":1,"jobs":[${job},${job}]}`,
      at: '/jobs/1/id',
      message: /^duplicate job id in the file: bad-input-new/,
    },
    {
      name: 'one bad job among good ones',
      body: `{"version":1,"jobs":[${job},${JSON.stringify({ ...baseJob('other'), colour: 1 })}]}`,
      at: '/jobs/1/colour',
      message: 'unknown field: colour',
    },
    {
      name: '__proto__ at the top level',
      body: '{"version":1,"jobs":[],"__proto__":{"polluted":"yes"}}',
      at: '/__proto__',
      message: 'unknown field: __proto__',
    },
  ];
  it.each(cases)('$name', async (c) => {
    expectRefused(await sendJson('POST', '/api/import', c.body), {
      status: 400,
      at: c.at,
      message: c.message,
    });
  });

  it('left no job behind', async () => {
    expect((await server.api.get(`/api/jobs/${NEW_ID}`)).status).toBe(404);
    expect((await server.api.get('/api/jobs/other')).status).toBe(404);
  });
});

// ---------------------------------------------------------------------------------------------

/** Path segments as they go on the wire (already percent-encoded). */
const STRANGE_IDS: readonly { name: string; raw: string }[] = [
  { name: 'NUL (%00)', raw: '%00' },
  { name: 'a NUL inside', raw: 'a%00b' },
  { name: '5,000 characters', raw: 'x'.repeat(5000) },
  { name: '../../etc/passwd, encoded', raw: '..%2F..%2Fetc%2Fpasswd' },
  { name: '.. encoded', raw: '%2E%2E' },
  { name: 'unicode (été)', raw: '%C3%A9t%C3%A9' },
  { name: 'an emoji', raw: '%F0%9F%92%A5' },
  { name: 'a right-to-left override', raw: '%E2%80%AEabc' },
  { name: 'invalid UTF-8 (%C3 alone)', raw: '%C3' },
  { name: 'a malformed escape (%ZZ)', raw: '%ZZ' },
  { name: 'a lone %', raw: '%' },
  { name: 'a space', raw: '%20' },
  { name: 'a newline', raw: 'a%0Ab' },
  { name: 'SQL', raw: encodeURIComponent("x'; DROP TABLE jobs; --") },
  { name: 'a template', raw: encodeURIComponent('${env:HOME}') },
];

describe('strange job ids in paths are 400 or 404, never 5xx', () => {
  const targets: { name: string; method: string; path: (id: string) => string; body?: () => string }[] = [
    { name: 'GET /api/jobs/:id', method: 'GET', path: (id) => `/api/jobs/${id}` },
    { name: 'GET /api/jobs/:id/versions', method: 'GET', path: (id) => `/api/jobs/${id}/versions` },
    {
      name: 'PUT /api/jobs/:id',
      method: 'PUT',
      path: (id) => `/api/jobs/${id}`,
      body: () => JSON.stringify({ ...baseJob(TARGET), id: undefined }),
    },
    { name: 'DELETE /api/jobs/:id', method: 'DELETE', path: (id) => `/api/jobs/${id}` },
    {
      name: 'POST /api/jobs/:id/runs',
      method: 'POST',
      path: (id) => `/api/jobs/${id}/runs`,
      body: () => '{}',
    },
  ];
  const rows = targets.flatMap((t) => STRANGE_IDS.map((id) => ({ t, id, title: `${t.name}: ${id.name}` })));
  it.each(rows)('$title', async ({ t, id }) => {
    const reply = t.body
      ? await sendJson(t.method, t.path(id.raw), t.body())
      : await send(t.method, t.path(id.raw));
    expectRefused(reply, { status: [400, 404] });
  });
});

describe('strange run ids in paths are 400 or 404, never 5xx', () => {
  const RUN_IDS = [
    ...STRANGE_IDS,
    { name: 'not a UUID', raw: 'not-a-uuid' },
    { name: 'a UUID with a bad digit', raw: '00000000-0000-0000-0000-00000000000g' },
    { name: 'a UUID in braces', raw: `%7B${MISSING_RUN}%7D` },
    { name: 'a UUID without dashes', raw: MISSING_RUN.replaceAll('-', '') },
    { name: 'a UUID no run has', raw: MISSING_RUN },
  ];
  const targets: { name: string; method: string; path: (id: string) => string }[] = [
    { name: 'GET /api/runs/:id', method: 'GET', path: (id) => `/api/runs/${id}` },
    { name: 'GET /api/runs/:id/logs', method: 'GET', path: (id) => `/api/runs/${id}/logs` },
    { name: 'GET /api/runs/:id/events', method: 'GET', path: (id) => `/api/runs/${id}/events` },
    { name: 'POST /api/runs/:id/cancel', method: 'POST', path: (id) => `/api/runs/${id}/cancel` },
    { name: 'POST /api/runs/:id/replay', method: 'POST', path: (id) => `/api/runs/${id}/replay` },
  ];
  const rows = targets.flatMap((t) => RUN_IDS.map((id) => ({ t, id, title: `${t.name}: ${id.name}` })));
  it.each(rows)('$title', async ({ t, id }) => {
    expectRefused(await send(t.method, t.path(id.raw)), { status: [400, 404] });
  });

  it('a finished run cannot be cancelled (409), whatever the body says', async () => {
    expectRefused(await sendJson('POST', `/api/runs/${finishedRun}/cancel`, '{"force":true}'), {
      status: 409,
      message: /already SUCCEEDED/,
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('garbage query strings are 400 with the parameter, never 5xx', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const cases: { name: string; path: () => string; want?: Want }[] = [
    // GET /api/runs
    { name: 'runs: limit=abc', path: () => '/api/runs?limit=abc', want: { at: '/limit' } },
    {
      name: 'runs: limit=0',
      path: () => '/api/runs?limit=0',
      want: { at: '/limit', message: 'must be between 1 and 500' },
    },
    { name: 'runs: limit=100000', path: () => '/api/runs?limit=100000', want: { at: '/limit' } },
    { name: 'runs: limit=-1', path: () => '/api/runs?limit=-1', want: { at: '/limit' } },
    {
      name: 'runs: limit twice',
      path: () => '/api/runs?limit=1&limit=2',
      want: { at: '/limit', message: 'must be string' },
    },
    { name: 'runs: status=BOGUS', path: () => '/api/runs?status=BOGUS', want: { at: '/status' } },
    { name: 'runs: status empty', path: () => '/api/runs?status=', want: { at: '/status' } },
    { name: 'runs: from=yesterday', path: () => '/api/runs?from=yesterday', want: { at: '/from' } },
    {
      name: 'runs: from=February 30th',
      path: () => '/api/runs?from=2026-02-30T00:00:00Z',
      want: { at: '/from' },
    },
    {
      name: 'runs: from=a leap second',
      path: () => '/api/runs?from=2026-06-30T23:59:60Z',
      want: { at: '/from', message: INSTANT },
    },
    {
      name: 'runs: from=year 0',
      path: () => '/api/runs?from=0000-01-01T00:00:00Z',
      want: { at: '/from', message: INSTANT },
    },
    {
      name: 'runs: to=year 10000 once in UTC',
      path: () => '/api/runs?to=9999-12-31T23:59:59-01:00',
      want: { at: '/to', message: INSTANT },
    },
    {
      name: 'runs: to=an offset of +25:00',
      path: () => '/api/runs?to=2026-01-01T00:00:00%2B25:00',
      want: { at: '/to' },
    },
    {
      name: 'runs: cursor=garbage',
      path: () => '/api/runs?cursor=garbage',
      want: { at: '/cursor', message: 'invalid cursor' },
    },
    {
      name: 'runs: cursor of an object',
      path: () => `/api/runs?cursor=${b64({ a: 1 })}`,
      want: { at: '/cursor' },
    },
    {
      name: 'runs: cursor of numbers',
      path: () => `/api/runs?cursor=${b64([1, 2])}`,
      want: { at: '/cursor' },
    },
    {
      name: 'runs: cursor with a date only Date.parse reads',
      path: () => `/api/runs?cursor=${b64(['1', MISSING_RUN])}`,
      want: { at: '/cursor', message: 'invalid cursor' },
    },
    {
      name: 'runs: cursor with a leap second',
      path: () => `/api/runs?cursor=${b64(['2026-06-30T23:59:60Z', MISSING_RUN])}`,
      want: { at: '/cursor', message: 'invalid cursor' },
    },
    {
      name: 'runs: cursor with a run id that is not a UUID',
      path: () => `/api/runs?cursor=${b64(['2026-01-01T00:00:00.000Z', 'not-a-uuid'])}`,
      want: { at: '/cursor', message: 'invalid cursor' },
    },
    {
      name: 'runs: job twice',
      path: () => '/api/runs?job=a&job=b',
      want: { at: '/job', message: 'must be string' },
    },
    { name: 'runs: job empty', path: () => '/api/runs?job=', want: { at: '/job' } },
    { name: 'runs: job=NUL', path: () => '/api/runs?job=%00', want: { at: '', message: URL_NUL } },
    {
      name: 'runs: job of 300 characters',
      path: () => `/api/runs?job=${'j'.repeat(300)}`,
      want: { at: '/job' },
    },
    { name: 'runs: job[x]=1', path: () => '/api/runs?job[x]=1', want: { message: /unknown field/ } },
    {
      name: 'runs: an unknown parameter',
      path: () => '/api/runs?bogus=1',
      want: { at: '/bogus', message: 'unknown field: bogus' },
    },
    { name: 'runs: __proto__=x', path: () => '/api/runs?__proto__=x', want: { message: /unknown field/ } },
    {
      name: 'runs: __proto__[polluted]=yes',
      path: () => '/api/runs?__proto__[polluted]=yes',
      want: { message: /unknown field/ },
    },
    // GET /api/runs/:id?include=
    {
      name: 'detail: include=bogus',
      path: () => `/api/runs/${finishedRun}?include=bogus`,
      want: { at: '/include' },
    },
    {
      name: 'detail: include twice',
      path: () => `/api/runs/${finishedRun}?include=snapshot&include=snapshot`,
      want: { at: '/include' },
    },
    {
      name: 'detail: include[]=snapshot',
      path: () => `/api/runs/${finishedRun}?include[]=snapshot`,
      want: { message: /unknown field/ },
    },
    {
      name: 'detail: an unknown parameter',
      path: () => `/api/runs/${finishedRun}?bogus=1`,
      want: { at: '/bogus' },
    },
    // GET /api/runs/:id/logs and /events
    ...(['logs', 'events'] as const).flatMap((kind) => [
      {
        name: `${kind}: after_seq=-1`,
        path: () => `/api/runs/${finishedRun}/${kind}?after_seq=-1`,
        want: { at: '/after_seq' },
      },
      {
        name: `${kind}: after_seq=abc`,
        path: () => `/api/runs/${finishedRun}/${kind}?after_seq=abc`,
        want: { at: '/after_seq' },
      },
      {
        name: `${kind}: after_seq=1e3`,
        path: () => `/api/runs/${finishedRun}/${kind}?after_seq=1e3`,
        want: { at: '/after_seq' },
      },
      {
        name: `${kind}: after_seq of 20 digits`,
        path: () => `/api/runs/${finishedRun}/${kind}?after_seq=${'9'.repeat(20)}`,
        want: { at: '/after_seq' },
      },
      {
        name: `${kind}: limit=0`,
        path: () => `/api/runs/${finishedRun}/${kind}?limit=0`,
        want: { at: '/limit' },
      },
      {
        name: `${kind}: limit=99999`,
        path: () => `/api/runs/${finishedRun}/${kind}?limit=99999`,
        want: { at: '/limit' },
      },
      {
        name: `${kind}: limit twice`,
        path: () => `/api/runs/${finishedRun}/${kind}?limit=1&limit=2`,
        want: { at: '/limit' },
      },
      {
        name: `${kind}: an unknown parameter`,
        path: () => `/api/runs/${finishedRun}/${kind}?bogus=1`,
        want: { at: '/bogus' },
      },
      {
        name: `${kind}: types of 600 characters`,
        path: () => `/api/runs/${finishedRun}/${kind}?types=${'t'.repeat(600)}`,
        want: { at: '/types' },
      },
      {
        name: `${kind}: types=NUL`,
        path: () => `/api/runs/${finishedRun}/${kind}?types=%00`,
        want: { at: '', message: URL_NUL },
      },
    ]),
    // GET /api/schedule/preview
    {
      name: 'preview: count=0',
      path: () => '/api/schedule/preview?cron=*+*+*+*+*&count=0',
      want: { at: '/count', message: 'must be >= 1' },
    },
    {
      name: 'preview: count=101',
      path: () => '/api/schedule/preview?cron=*+*+*+*+*&count=101',
      want: { at: '/count', message: 'must be <= 100' },
    },
    {
      name: 'preview: count=abc',
      path: () => '/api/schedule/preview?cron=*+*+*+*+*&count=abc',
      want: { at: '/count', message: 'must be integer' },
    },
    {
      name: 'preview: count=1.5',
      path: () => '/api/schedule/preview?cron=*+*+*+*+*&count=1.5',
      want: { at: '/count' },
    },
    {
      name: 'preview: count=1e2',
      path: () => '/api/schedule/preview?cron=*+*+*+*+*&count=1e2',
      want: { at: '/count' },
    },
    {
      name: 'preview: cron=not a cron',
      path: () => '/api/schedule/preview?cron=not+a+cron',
      want: { at: '/cron', message: /^invalid cron expression/ },
    },
    {
      name: 'preview: cron=61 * * * *',
      path: () => '/api/schedule/preview?cron=61+*+*+*+*',
      want: { at: '/cron', message: /^invalid cron expression/ },
    },
    {
      name: 'preview: cron of 300 characters',
      path: () => `/api/schedule/preview?cron=${'1'.repeat(300)}`,
      want: { at: '/cron' },
    },
    {
      name: 'preview: cron=NUL',
      path: () => '/api/schedule/preview?cron=%00',
      want: { at: '', message: URL_NUL },
    },
    {
      name: 'preview: cron twice',
      path: () => '/api/schedule/preview?cron=*+*+*+*+*&cron=0+2+*+*+*',
      want: { at: '/cron', message: 'must be string' },
    },
    {
      name: 'preview: timezone unknown',
      path: () => '/api/schedule/preview?cron=*+*+*+*+*&timezone=Mars/Olympus',
      want: { at: '/timezone', message: 'unknown timezone: Mars/Olympus' },
    },
    {
      name: 'preview: timezone=NUL',
      path: () => '/api/schedule/preview?cron=*+*+*+*+*&timezone=%00',
      want: { at: '', message: URL_NUL },
    },
    {
      name: 'preview: timezone=../../etc',
      path: () => '/api/schedule/preview?cron=*+*+*+*+*&timezone=..%2F..%2Fetc',
      want: { at: '/timezone' },
    },
    {
      name: 'preview: from=garbage',
      path: () => '/api/schedule/preview?cron=*+*+*+*+*&from=garbage',
      want: { at: '/from' },
    },
    {
      name: 'preview: from=a leap second',
      path: () => '/api/schedule/preview?cron=*+*+*+*+*&from=2026-06-30T23:59:60Z',
      want: { at: '/from', message: INSTANT },
    },
    {
      name: 'preview: an unknown parameter',
      path: () => '/api/schedule/preview?bogus=1',
      want: { at: '/bogus' },
    },
    // GET /api/schedule/calendar
    {
      name: 'calendar: from=garbage',
      path: () => '/api/schedule/calendar?from=garbage',
      want: { at: '/from' },
    },
    { name: 'calendar: to=garbage', path: () => '/api/schedule/calendar?to=garbage', want: { at: '/to' } },
    {
      name: 'calendar: to before from',
      path: () => '/api/schedule/calendar?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      want: { at: '/to', message: 'to must be after from' },
    },
    {
      name: 'calendar: more than 31 days',
      path: () => '/api/schedule/calendar?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z',
      want: { at: '/to', message: 'the calendar spans at most 31 days' },
    },
    {
      name: 'calendar: from=a leap second',
      path: () => '/api/schedule/calendar?from=2026-06-30T23:59:60Z',
      want: { at: '/from', message: INSTANT },
    },
    {
      name: 'calendar: year 0',
      path: () => '/api/schedule/calendar?from=0000-01-01T00:00:00Z&to=0000-01-05T00:00:00Z',
      want: { at: '/from', message: INSTANT },
    },
    {
      name: 'calendar: from twice',
      path: () => '/api/schedule/calendar?from=2026-01-01T00:00:00Z&from=2026-01-02T00:00:00Z',
      want: { at: '/from' },
    },
    {
      name: 'calendar: an unknown parameter',
      path: () => '/api/schedule/calendar?bogus=1',
      want: { at: '/bogus' },
    },
  ];
  it.each(cases)('$name', async (c) => {
    expectRefused(await send('GET', c.path()), { status: 400, ...c.want });
  });
});

// ---------------------------------------------------------------------------------------------

describe('prototype-pollution keys that are valid data stay plain data', () => {
  const PROTO_JOB = 'bad-input-proto';

  afterAll(async () => {
    await server.api.delete(`/api/jobs/${PROTO_JOB}`);
  });

  it('a job with __proto__/constructor as params keys and step names saves, reads back and runs as written', async () => {
    const text =
      `{"id":"${PROTO_JOB}",` +
      '"params":{"__proto__":"p","constructor":"c","toString":"t","hasOwnProperty":"h"},' +
      '"steps":[{"name":"__proto__","type":"noop"},{"name":"constructor","type":"noop"},' +
      '{"name":"hasOwnProperty","type":"noop"}],"concurrency":"parallel"}';
    const created = await sendJson('POST', '/api/jobs', text);
    expect(created.status).toBe(201);
    const read = await send('GET', `/api/jobs/${PROTO_JOB}`);
    expect(read.status).toBe(200);
    // jsonb reorders keys: compare the documents, own `__proto__` keys included.
    const sorted = (o: unknown) => Object.entries(o as Doc).sort(([a], [b]) => a.localeCompare(b));
    const saved = read.body as Doc;
    const sent = JSON.parse(text) as Doc;
    expect(sorted(saved)).toEqual(sorted(sent));
    expect(sorted(saved.params)).toEqual(sorted(sent.params));
    expect(Object.getPrototypeOf(saved.params)).toBe(Object.prototype);

    const run = await triggerAndFinish(
      PROTO_JOB,
      '{"params":{"__proto__":"q"},"steps":{"constructor":{"enabled":false},' +
        '"__proto__":{"op_kwargs":{"k":"v"}}}}',
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps.map((s) => [s.name, s.status])).toEqual([
      ['__proto__', 'SUCCEEDED'],
      ['constructor', 'CANCELED'],
      ['hasOwnProperty', 'SUCCEEDED'],
    ]);
    const detail = await send('GET', `/api/runs/${run.id}`);
    const body = detail.body as { params: Record<string, unknown>; steps: { output: unknown }[] };
    expect(sorted(body.params)).toEqual([
      ['__proto__', 'q'],
      ['constructor', 'c'],
      ['hasOwnProperty', 'h'],
      ['toString', 't'],
    ]);
    expect(Object.entries((body.steps[0]?.output as { params: Doc }).params)).toContainEqual(['k', 'v']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('afterwards the server is healthy and unaffected', () => {
  it('GET /health and /health/ready are 200', async () => {
    expect((await send('GET', '/health')).status).toBe(200);
    const ready = await send('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect((ready.body as { ready: boolean }).ready).toBe(true);
  });

  it('no bad request changed anything: the target job is at version 1, nothing else was created', async () => {
    const versions = await server.api.get<unknown[]>(`/api/jobs/${TARGET}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body).toHaveLength(1);
    const target = await server.api.get<JobDocument>(`/api/jobs/${TARGET}`);
    expect(target.body).toEqual(baseJob(TARGET));
    const catalogue = await server.api.get<{ id: string }[]>('/api/jobs');
    expect(catalogue.body.map((j) => j.id)).toEqual([TARGET]);
    // The only runs: the setup run, and those the prototype-key job started.
    const runs = await server.api.get<{ runs: Run[] }>(`/api/runs?job=${TARGET}`);
    expect(runs.body.runs.map((r) => r.id)).toEqual([finishedRun]);
  });

  it('no response carries anything a polluted prototype would add', async () => {
    for (const path of ['/api/jobs', `/api/jobs/${TARGET}`, `/api/runs/${finishedRun}`, '/api/export']) {
      const r = await send('GET', path);
      expect(r.status).toBe(200);
      expect(r.text).not.toContain('polluted');
    }
    const empty = await sendJson('POST', '/api/jobs/validate', '{}');
    expect(empty.text).not.toContain('polluted');
  });

  it('a normal create + trigger + run still works', async () => {
    const job = { ...baseJob('after-bad-input'), schedule: { cron: '' } };
    const created = await server.api.post<JobDocument>('/api/jobs', job);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(job);
    const run = await triggerAndFinish('after-bad-input', '{"params":{"region":"us"}}');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.params).toEqual({ region: 'us', n: 1, flag: true });
    expect(run.steps.map((s) => s.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const logs = await server.api.get<{ lines: { message: string }[] }>(`/api/runs/${run.id}/logs`);
    expect(logs.body.lines.map((l) => l.message)).toContain('hello us');
    expect((await server.api.delete('/api/jobs/after-bad-input')).status).toBe(204);
  });
});
