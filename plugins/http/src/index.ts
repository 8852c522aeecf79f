import { StepFailedError, isNomaflowError, type FromSchema } from '@nomaflow/contracts';
import { abortError, defineStepType } from '@nomaflow/kernel';
import { Agent, request } from 'undici';
import { describeError, formatBytes, readPreview, safeUrl, statusLine } from './helpers.js';
import { manifest } from './manifest.generated.js';

/**
 * One connection pool for every http step of the process: calls to the same origin reuse their
 * connections. No undici timeouts: the step's `timeout_seconds` (the engine aborts ctx.signal) is the limit.
 */
const agent = new Agent({ keepAliveTimeout: 10_000, headersTimeout: 0, bodyTimeout: 0 });

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Never sent on to another origin by a redirect, besides the step's secret headers. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'host'];
const USER_AGENT = `Nomaflow/${manifest.version} (http step)`;
const DETAILS_CHARS = 2_000;

type Config = FromSchema<(typeof manifest)['schema']>;
type Method = Config['method'];

interface Header {
  name: string;
  value: string;
  secret: boolean;
}

const httpStep = defineStepType({
  manifest,
  async execute(ctx, config) {
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    let url = parseUrl(config.url);
    let method: Method = config.method;
    const headers = requestHeaders(config);
    let body = requestBody(config.body, headers);
    ctx.log.debug(
      `http ${method} ${safeUrl(url)} · headers ${[...headers.values()].map((h) => (h.secret ? `${h.name} (secret)` : h.name)).join(', ')}`,
    );
    const started = performance.now();
    let redirects = 0;
    try {
      for (;;) {
        const response = await request(url, {
          method,
          headers: Object.fromEntries([...headers.values()].map((h) => [h.name, h.value])),
          body: body ?? null,
          signal: ctx.signal,
          dispatcher: agent,
        });
        const status = response.statusCode;
        const location = response.headers['location'];
        if (REDIRECT_STATUSES.has(status) && config.max_redirects > 0 && typeof location === 'string') {
          await response.body.dump();
          if (redirects >= config.max_redirects) {
            throw new StepFailedError(
              `too many redirects (more than ${config.max_redirects}) from ${safeUrl(url)}`,
            );
          }
          redirects += 1;
          const next = parseUrl(location, url);
          if (next.origin !== url.origin) dropCredentials(headers);
          if (
            (status === 303 && method !== 'HEAD') ||
            ((status === 301 || status === 302) && method === 'POST')
          ) {
            method = 'GET';
            body = undefined;
            headers.delete('content-type');
            headers.delete('content-length');
          }
          ctx.log.debug(`http ${statusLine(status)} · redirected to ${safeUrl(next)}`);
          url = next;
          continue;
        }
        const contentType = response.headers['content-type'];
        const preview = await readPreview(
          response.body,
          typeof contentType === 'string' ? contentType : undefined,
        );
        const elapsedMs = Math.round(performance.now() - started);
        ctx.log.info(
          `${method} ${safeUrl(url)} → ${statusLine(status)} · ${elapsedMs} ms · ` +
            (preview.truncated
              ? `more than ${formatBytes(preview.bytes)} (preview cut)`
              : formatBytes(preview.bytes)),
        );
        if (!isExpected(status, config.expected_status)) {
          const details = preview.text.trim()
            ? `response body: ${preview.text.slice(0, DETAILS_CHARS)}`
            : undefined;
          // Retryable: a 503 or a 429 is often gone on the next try, and the job's policy decides.
          throw new StepFailedError(`HTTP ${statusLine(status)} from ${safeUrl(url)}`, {
            ...(details ? { details } : {}),
          });
        }
        return {
          status,
          elapsed_ms: elapsedMs,
          body_preview: preview.value,
          ...(preview.truncated ? { truncated: true } : {}),
        };
      }
    } catch (e) {
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      if (isNomaflowError(e)) throw e;
      throw new StepFailedError(`${method} ${safeUrl(url)} failed: ${describeError(e)}`, { cause: e });
    }
  },
});

export default httpStep;

function parseUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new StepFailedError(base ? 'invalid redirect location' : 'invalid URL', { retryable: false });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StepFailedError(`unsupported URL scheme ${url.protocol} (http and https only)`, {
      retryable: false,
    });
  }
  return url;
}

/** Headers by lower-case name; a secret header wins over a plain one of the same name. */
function requestHeaders(config: Config): Map<string, Header> {
  const headers = new Map<string, Header>();
  headers.set('user-agent', { name: 'User-Agent', value: USER_AGENT, secret: false });
  for (const [name, value] of Object.entries(config.headers))
    headers.set(name.toLowerCase(), { name, value, secret: false });
  for (const [name, value] of Object.entries(config.secret_headers))
    headers.set(name.toLowerCase(), { name, value, secret: true });
  return headers;
}

/** Objects and arrays go as JSON, strings as text, each with a content-type unless one was given. */
function requestBody(body: Config['body'], headers: Map<string, Header>): string | undefined {
  if (body === undefined) return undefined;
  const json = typeof body !== 'string';
  if (!headers.has('content-type')) {
    headers.set('content-type', {
      name: 'Content-Type',
      value: json ? 'application/json' : 'text/plain; charset=utf-8',
      secret: false,
    });
  }
  return json ? JSON.stringify(body) : body;
}

function dropCredentials(headers: Map<string, Header>): void {
  for (const [key, header] of headers)
    if (header.secret || CREDENTIAL_HEADERS.includes(key)) headers.delete(key);
}

function isExpected(status: number, expected: Config['expected_status']): boolean {
  if (expected === undefined) return status >= 200 && status < 300;
  return Array.isArray(expected) ? expected.includes(status) : expected === status;
}
