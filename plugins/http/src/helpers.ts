import { STATUS_CODES } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { Json } from '@nomaflow/contracts';

/** `body_preview` holds at most this many bytes of the response body. */
export const PREVIEW_BYTES = 64 * 1024;

/**
 * A URL as messages and logs may show it: no user info, no fragment, and every query value masked —
 * API keys travel in query strings (`?token=…`) more often than anyone would like.
 */
export function safeUrl(url: URL): string {
  let query = '';
  if (url.search.length > 1) {
    const masked = new URLSearchParams();
    for (const key of url.searchParams.keys()) masked.append(key, '***');
    query = `?${masked.toString()}`;
  }
  return `${url.protocol}//${url.host}${url.pathname}${query}`;
}

export function statusLine(status: number): string {
  const reason = STATUS_CODES[status];
  return reason ? `${status} ${reason}` : String(status);
}

/** A network-level failure in one line: undici's message, its cause and its code. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  let text = e.message || e.name;
  const cause = e.cause instanceof Error ? e.cause.message : undefined;
  if (cause && !text.includes(cause)) text += `: ${cause}`;
  const code = (e as { code?: unknown }).code ?? (e.cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && !text.includes(code)) text += ` (${code})`;
  return text;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export interface Preview {
  /** Parsed JSON when the body is complete JSON, else text. */
  value: Json;
  text: string;
  bytes: number;
  truncated: boolean;
}

/** Reads at most PREVIEW_BYTES of a body; a longer body is cut there and its stream destroyed. */
export async function readPreview(
  body: AsyncIterable<Buffer>,
  contentType: string | undefined,
): Promise<Preview> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > PREVIEW_BYTES) {
      truncated = true;
      break; // leaving the loop destroys the stream: the rest is never downloaded
    }
  }
  const bytes = truncated ? Buffer.concat(chunks).subarray(0, PREVIEW_BYTES) : Buffer.concat(chunks);
  // write() keeps back a character cut in half at the end of a truncated body.
  const decoder = new StringDecoder('utf8');
  // NUL cannot be stored in a PostgreSQL text/jsonb value: a binary body shows U+FFFD there instead.
  const text = (truncated ? decoder.write(bytes) : decoder.end(bytes)).replaceAll('\u0000', '\uFFFD');
  let value: Json = text;
  if (!truncated && isJson(contentType) && text.trim() !== '') {
    try {
      value = JSON.parse(text) as Json;
    } catch {
      value = text;
    }
  }
  return { value, text, bytes: bytes.length, truncated };
}

function isJson(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}
