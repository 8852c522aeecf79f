import type { Connector, Row, StepContext } from '@nomaflow/contracts';
import type { HostMessage } from './protocol.js';

type Reply = Extract<HostMessage, { t: 'reply' }>;
type Params = Record<string, unknown> | unknown[] | undefined;

class CallError extends Error {
  constructor(
    message: string,
    readonly type = 'NomaflowError',
  ) {
    super(message);
  }
}

interface OpenStream {
  iterator: AsyncIterator<Row[]>;
  controller: AbortController;
}

/**
 * What the runner may ask of the host while the function runs: previous steps' outputs and queries
 * on the server's connectors (through `ctx.connectors`, the Connector contract — Python needs no
 * database driver). Every query is aborted with the step; open streams are closed when it ends.
 */
export class HostCalls {
  readonly #ctx: StepContext;
  readonly #connectors = new Map<string, Promise<Connector>>();
  readonly #inflight = new Map<number, AbortController>();
  readonly #streams = new Map<number, OpenStream>();
  #nextStream = 0;

  constructor(ctx: StepContext) {
    this.#ctx = ctx;
  }

  async serve(id: number, op: string, args: Record<string, unknown>): Promise<Reply> {
    const controller = new AbortController();
    this.#inflight.set(id, controller);
    try {
      if (this.#ctx.signal.aborted) throw new CallError('the step was cancelled');
      const value = await this.#handle(op, args, AbortSignal.any([this.#ctx.signal, controller.signal]));
      return { t: 'reply', id, ok: true, value };
    } catch (e) {
      const type =
        e instanceof CallError ? e.type : op === 'previous_step' ? 'NomaflowError' : 'ConnectorError';
      const message = e instanceof Error ? e.message || e.name : String(e);
      const code = sqlState(e);
      return {
        t: 'reply',
        id,
        ok: false,
        error: { type, message, ...(typeof code === 'string' ? { code } : {}) },
      };
    } finally {
      this.#inflight.delete(id);
    }
  }

  /** The runner gave up waiting (its coroutine was cancelled): abort that query. */
  abort(id: number): void {
    this.#inflight.get(id)?.abort(new Error('abandoned by the python step'));
  }

  /** A message that needs no reply. */
  note(op: string, args: Record<string, unknown>): void {
    if (op === 'stream_close' && typeof args['sid'] === 'number') void this.#closeStream(args['sid']);
  }

  /** The process is gone: aborts its queries still running and closes the streams it did not finish. */
  async close(): Promise<void> {
    for (const controller of this.#inflight.values()) controller.abort(new Error('the python process ended'));
    await Promise.all([...this.#streams.keys()].map((sid) => this.#closeStream(sid)));
  }

  async #handle(op: string, args: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    switch (op) {
      case 'previous_step': {
        const found = this.#ctx.previousStep(text(args['name'], 'name'));
        return found ? { status: found.status, output: found.output ?? null } : null;
      }
      case 'execute': {
        const result = await this.#query(args, signal);
        return { rows: result.rows, rowcount: result.rowCount, columns: result.fields };
      }
      case 'scalar': {
        const { rows, fields } = await this.#query(args, signal);
        const row = rows[0];
        if (row === undefined) return null;
        const first = fields[0];
        return (first !== undefined ? row[first] : Object.values(row)[0]) ?? null;
      }
      case 'stream':
        return this.#openStream(args);
      case 'stream_next': {
        const sid = args['sid'];
        const open = typeof sid === 'number' ? this.#streams.get(sid) : undefined;
        if (!open) throw new CallError(`no open stream ${String(sid)}`);
        return this.#nextBatch(sid as number, open);
      }
      default:
        throw new CallError(`unknown call: ${op}`);
    }
  }

  async #query(args: Record<string, unknown>, signal: AbortSignal) {
    const connector = await this.#connector(text(args['connector'], 'connector'));
    const sql = text(args['sql'], 'sql');
    this.#ctx.log.debug(`connector ${connector.name} · ${sql}`);
    return connector.query(sql, params(args['params']), { signal });
  }

  async #openStream(args: Record<string, unknown>): Promise<unknown> {
    const connector = await this.#connector(text(args['connector'], 'connector'));
    const sql = text(args['sql'], 'sql');
    const batchSize = args['batch_size'];
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1)
      throw new CallError('batch_size must be a positive integer', 'ValueError');
    this.#ctx.log.debug(`connector ${connector.name} · stream (batches of ${batchSize}) · ${sql}`);
    // A stream outlives the call that opened it: it has its own abort, tied to the step's.
    const controller = new AbortController();
    const signal = AbortSignal.any([this.#ctx.signal, controller.signal]);
    const iterable = connector.stream(sql, params(args['params']), { signal, batchSize });
    const sid = ++this.#nextStream;
    const open = { iterator: iterable[Symbol.asyncIterator](), controller };
    this.#streams.set(sid, open);
    return { sid, ...(await this.#nextBatch(sid, open)) };
  }

  async #nextBatch(sid: number, open: OpenStream): Promise<{ rows: Row[]; done: boolean }> {
    try {
      const next = await open.iterator.next();
      if (next.done) this.#streams.delete(sid);
      return next.done ? { rows: [], done: true } : { rows: next.value, done: false };
    } catch (e) {
      this.#streams.delete(sid);
      throw e;
    }
  }

  async #closeStream(sid: number): Promise<void> {
    const open = this.#streams.get(sid);
    if (!open) return;
    this.#streams.delete(sid);
    try {
      await open.iterator.return?.();
    } catch {
      open.controller.abort(new Error('stream closed'));
    }
  }

  #connector(name: string): Promise<Connector> {
    let found = this.#connectors.get(name);
    if (!found) {
      found = this.#ctx.connectors.get(name);
      this.#connectors.set(name, found);
      found.catch(() => this.#connectors.delete(name));
    }
    return found;
  }
}

/** The SQLSTATE of a driver error, on it or on one of its causes (drivers wrap their errors). */
function sqlState(e: unknown): string | undefined {
  for (let current = e, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const { sqlState: state, code } = current as { sqlState?: unknown; code?: unknown };
    if (typeof state === 'string') return state;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new CallError(`${field} must be a non-empty string`, 'ValueError');
  return value;
}

function params(value: unknown): Params {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === 'object') return value as Record<string, unknown>;
  throw new CallError('params must be a dict, a list or None', 'TypeError');
}
