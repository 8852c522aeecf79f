// The line-delimited JSON spoken with runner/nomaflow_runner.py: one JSON object per line, host → runner
// on the child's fd 3, runner → host on its fd 4. stdout and stderr stay free for the user's own output.
import { StringDecoder } from 'node:string_decoder';
import type { Json } from '@nomaflow/contracts';

/** Host → runner. `start` is written first, right after spawn. */
export type HostMessage =
  | {
      t: 'start';
      callable: string;
      params: Record<string, Json>;
      run_id: string;
      job_id: string;
      step_name: string;
      attempt: number;
      scheduled_for: string | null;
      log_level: 'INFO' | 'DEBUG';
      session_user: string | null;
      /** The code folders, for ImportError messages. */
      folders: string[];
      grace_seconds: number;
    }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: { type: string; message: string; code?: string } }
  | { t: 'cancel'; reason: string };

export interface RunnerError {
  /** `import`: bad callable; `output`: not a dict / not JSON; `exception`: the function raised; `cancelled`: it stopped on cancel. */
  kind: 'import' | 'output' | 'exception' | 'cancelled';
  type: string;
  message: string;
  traceback?: string;
}

/** Runner → host. `started` comes just before the function is called, `result` last. */
export type RunnerMessage =
  | { t: 'started' }
  | { t: 'log'; level: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR'; msg: string }
  | { t: 'out'; stream: 'stdout' | 'stderr'; line: string }
  | { t: 'progress'; done: number; total?: number; unit?: string }
  | { t: 'call'; id: number; op: string; args: Record<string, unknown> }
  | { t: 'abort'; id: number }
  | { t: 'note'; op: string; args: Record<string, unknown> }
  | { t: 'result'; ok: true; output: Record<string, Json> }
  | { t: 'result'; ok: false; error: RunnerError };

/** One protocol line. Values a driver returns that JSON has no form for are made plain. */
export function encodeLine(message: HostMessage): string {
  return `${JSON.stringify(message, replacer)}\n`;
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  // `this[key]` is the value before its toJSON ran (a Buffer's toJSON yields {type, data}).
  const raw = (this as Record<string, unknown> | null)?.[key];
  if (raw instanceof Uint8Array)
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

/** Cuts a byte stream into lines (UTF-8 safe across chunks); the last partial line comes out on end(). */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #parts: string[] = [];
  #pendingLength = 0;

  /** An unfinished line is handed over as it is once it reaches `maxLine` characters. */
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = Number.POSITIVE_INFINITY,
  ) {}

  write(chunk: Buffer): void {
    let text = this.#decoder.write(chunk);
    for (let cut = text.indexOf('\n'); cut >= 0; cut = text.indexOf('\n')) {
      this.#parts.push(text.slice(0, cut));
      text = text.slice(cut + 1);
      this.#emit();
    }
    if (text.length === 0) return;
    this.#parts.push(text);
    this.#pendingLength += text.length;
    if (this.#pendingLength >= this.maxLine) this.#emit();
  }

  end(): void {
    const rest = this.#decoder.end();
    if (rest.length > 0) this.#parts.push(rest);
    if (this.#parts.some((p) => p.length > 0)) this.#emit();
  }

  #emit(): void {
    const line = this.#parts.join('');
    this.#parts = [];
    this.#pendingLength = 0;
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
