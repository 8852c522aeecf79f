import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  StepFailedError,
  isNomaflowError,
  type FromSchema,
  type StepContext,
  type StepOutput,
} from '@nomaflow/contracts';
import { abortError } from '@nomaflow/kernel';
import { HostCalls } from './host-calls.js';
import { resolvePython } from './interpreter.js';
import type { manifest } from './manifest.generated.js';
import { LineSplitter, encodeLine, type HostMessage, type RunnerMessage } from './protocol.js';

/** The folder of the runner the plugin ships (plugins/python/runner), next to src/ and dist/. */
const RUNNER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'runner');
/** Bytecode goes here, not into the code folder (which may be read-only or a git checkout). */
const PYCACHE_PREFIX = join(tmpdir(), 'nomaflow-pycache');
/**
 * The runner is imported rather than run as a script: a script is compiled on every start (~10–15 ms
 * for the runner), an imported module is read from its cached bytecode. Its folder leaves sys.path
 * again as it loads, so user modules never resolve against the plugin.
 */
const BOOTSTRAP = `import sys; sys.path[0] = ${JSON.stringify(RUNNER_DIR)}; import nomaflow_runner; nomaflow_runner.main()`;
const MAX_LOG_LINE = 16_384;
const MAX_ERROR_MESSAGE = 4_000;
const STDERR_TAIL_LINES = 20;
/** After the runner exits, how long stdout/stderr may take to drain (a grandchild may still hold them). */
const DRAIN_MS = 200;

export type PythonStepConfig = FromSchema<(typeof manifest)['schema']>;

/** The code folders: `NOMAFLOW_PYTHON_PATH` (`:`-separated), default `./python`, relative to the cwd. */
export function codeFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env['NOMAFLOW_PYTHON_PATH'] || './python';
  return raw
    .split(delimiter)
    .filter((p) => p.length > 0)
    .map((p) => resolve(p));
}

/**
 * The child's whole environment: nothing of the server's but PATH and LANG, so its secrets
 * (DATABASE_URL, tokens) never reach user code. A PYTHONPATH the step declares comes after the code folders.
 */
export function childEnvironment(
  config: PythonStepConfig,
  folders: readonly string[],
): Record<string, string> {
  const declared: Record<string, string> = { ...config.env, ...config.secret_env };
  const extra = declared['PYTHONPATH'];
  return {
    PATH: process.env['PATH'] || '/usr/local/bin:/usr/bin:/bin',
    LANG: process.env['LANG'] || 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    ...declared,
    PYTHONPATH: [...folders, ...(extra ? [extra] : [])].join(delimiter),
  };
}

export async function runPython(ctx: StepContext, config: PythonStepConfig): Promise<StepOutput> {
  // The first probe of the interpreter may take a while (a shim on a busy machine): abort ends the wait.
  const [python, folders] = await abortable(Promise.all([resolvePython(), existingFolders()]), ctx.signal);
  return new PythonRun(ctx, config, python.executable, folders).run();
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function existingFolders(): Promise<string[]> {
  const folders = codeFolders();
  const found = await Promise.all(
    folders.map((f) =>
      stat(f).then(
        (s) => s.isDirectory(),
        () => false,
      ),
    ),
  );
  const existing = folders.filter((_, i) => found[i]);
  if (existing.length === 0) {
    throw new StepFailedError(
      `ImportError: the python code folder ${folders.join(', ')} does not exist (set NOMAFLOW_PYTHON_PATH)`,
      { retryable: false },
    );
  }
  return existing;
}

type Exit = { code: number | null; signal: NodeJS.Signals | null };
type Result = Extract<RunnerMessage, { t: 'result' }>;

/** One execution: the child process, the protocol on its fds 3/4, its output, its cancellation. */
class PythonRun {
  readonly #ctx: StepContext;
  readonly #config: PythonStepConfig;
  readonly #executable: string;
  readonly #folders: string[];
  readonly #calls: HostCalls;
  readonly #stderrTail: string[] = [];
  #child: ChildProcess | undefined;
  #toChild: Writable | undefined;
  #result: Result | undefined;
  /** The function was called: from then on a cancel gives it the grace period. */
  #started = false;
  #killTimer: NodeJS.Timeout | undefined;

  constructor(ctx: StepContext, config: PythonStepConfig, executable: string, folders: string[]) {
    this.#ctx = ctx;
    this.#config = config;
    this.#executable = executable;
    this.#folders = folders;
    this.#calls = new HostCalls(ctx);
  }

  async run(): Promise<StepOutput> {
    const ctx = this.#ctx;
    const started = performance.now();
    const child = spawn(this.#executable, ['-X', `pycache_prefix=${PYCACHE_PREFIX}`, '-c', BOOTSTRAP], {
      cwd: this.#folders[0],
      env: childEnvironment(this.#config, this.#folders),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      // Its own process group, so a kill reaches whatever the function started too.
      detached: true,
      windowsHide: true,
    });
    this.#child = child;
    const exited = new Promise<Exit>((resolve, reject) => {
      child.on('error', reject);
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const toChild = child.stdio[3] as Writable;
    const fromChild = child.stdio[4] as Readable;
    this.#toChild = toChild;
    toChild.on('error', () => undefined); // EPIPE once the runner has exited: nothing left to tell it

    const protocol = new LineSplitter((line) => this.#onMessage(line));
    fromChild.on('data', (chunk: Buffer) => protocol.write(chunk));
    fromChild.on('end', () => protocol.end());
    const stdout = new LineSplitter((line) => ctx.log.info(clip(line)), MAX_LOG_LINE);
    const stderr = new LineSplitter((line) => this.#onStderr(line), MAX_LOG_LINE);
    child.stdout?.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stdout?.on('end', () => stdout.end());
    child.stderr?.on('data', (chunk: Buffer) => stderr.write(chunk));
    child.stderr?.on('end', () => stderr.end());

    this.#send(this.#startMessage());
    if (child.pid !== undefined) {
      ctx.log.debug(`python ${this.#executable} · ${this.#config.callable} · pid ${child.pid}`);
    }
    const onAbort = (): void => this.#cancel();
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    let exit: Exit;
    try {
      exit = await exited;
      await settled([ended(fromChild)], 2_000);
      await settled([ended(child.stdout), ended(child.stderr)], DRAIN_MS);
    } catch (e) {
      throw new StepFailedError(`cannot start python (${this.#executable}): ${(e as Error).message}`, {
        cause: e,
        retryable: false,
      });
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      clearTimeout(this.#killTimer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      await this.#calls.close();
    }
    ctx.log.debug(`python process ${describeExit(exit)} · ${Math.round(performance.now() - started)} ms`);
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    return this.#outcome(exit);
  }

  #startMessage(): HostMessage {
    const ctx = this.#ctx;
    return {
      t: 'start',
      callable: this.#config.callable,
      params: { ...ctx.params },
      run_id: ctx.runId,
      job_id: ctx.jobId,
      step_name: ctx.stepName,
      attempt: ctx.attempt,
      scheduled_for: ctx.scheduledFor ?? null,
      log_level: ctx.logLevel,
      session_user: null,
      folders: this.#folders,
      grace_seconds: this.#config.cancel_grace_seconds,
    };
  }

  #send(message: HostMessage): void {
    const out = this.#toChild;
    if (out && out.writable) out.write(encodeLine(message));
  }

  #onMessage(line: string): void {
    if (line.trim() === '') return;
    let message: RunnerMessage;
    try {
      message = JSON.parse(line) as RunnerMessage;
    } catch {
      this.#ctx.log.warn(`python runner sent an unreadable line: ${clip(line, 200)}`);
      return;
    }
    const log = this.#ctx.log;
    switch (message.t) {
      case 'log':
        if (message.level === 'DEBUG') log.debug(clip(message.msg));
        else if (message.level === 'WARNING') log.warn(clip(message.msg));
        else if (message.level === 'ERROR') log.error(clip(message.msg));
        else log.info(clip(message.msg));
        break;
      case 'out':
        if (message.stream === 'stderr') this.#onStderr(message.line);
        else log.info(clip(message.line));
        break;
      case 'progress':
        this.#ctx.progress({
          done: message.done,
          ...(message.total !== undefined ? { total: message.total } : {}),
          ...(message.unit !== undefined ? { unit: message.unit } : {}),
        });
        break;
      case 'call':
        void this.#calls.serve(message.id, message.op, message.args ?? {}).then((reply) => this.#send(reply));
        break;
      case 'abort':
        this.#calls.abort(message.id);
        break;
      case 'note':
        this.#calls.note(message.op, message.args ?? {});
        break;
      case 'started':
        this.#started = true;
        break;
      case 'result':
        this.#result = message;
        break;
    }
  }

  #onStderr(line: string): void {
    this.#stderrTail.push(line);
    if (this.#stderrTail.length > STDERR_TAIL_LINES) this.#stderrTail.shift();
    this.#ctx.log.warn(clip(line));
  }

  /**
   * Timeout or cancel: tell the function, then kill the process group after the grace period. Before
   * the function was called (Python still starting, the module still importing) there is nothing to
   * wind down: the process is killed at once.
   */
  #cancel(): void {
    if (!this.#started) {
      this.#ctx.log.debug('python step cancelled before its function started: process killed');
      this.#kill(false);
      return;
    }
    const reason: unknown = this.#ctx.signal.reason;
    this.#send({ t: 'cancel', reason: isNomaflowError(reason) ? reason.message : 'cancelled' });
    const graceMs = Math.max(0, this.#config.cancel_grace_seconds * 1000);
    this.#killTimer = setTimeout(() => this.#kill(true), graceMs);
  }

  #kill(afterGrace: boolean): void {
    const child = this.#child;
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    if (afterGrace) {
      this.#ctx.log.warn(
        `python process ${child.pid} still running ${this.#config.cancel_grace_seconds} s after the cancellation: killed`,
      );
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }

  #outcome(exit: Exit): StepOutput {
    const result = this.#result;
    if (result?.ok) return result.output;
    if (!result) {
      const tail = this.#stderrTail.join('\n');
      throw new StepFailedError(`python process ${describeExit(exit)} before the function returned`, {
        ...(tail ? { details: tail } : {}),
      });
    }
    const { kind, type, message, traceback } = result.error;
    const text = kind === 'import' ? `ImportError: ${message}` : message ? `${type}: ${message}` : type;
    throw new StepFailedError(clip(text, MAX_ERROR_MESSAGE), {
      // A bad callable or a bad return value fails the same way on every try.
      retryable: kind === 'exception' || kind === 'cancelled',
      ...(traceback ? { details: traceback } : {}),
    });
  }
}

function describeExit(exit: Exit): string {
  return exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
}

function clip(text: string, max = MAX_LOG_LINE): string {
  return text.length <= max ? text : `${text.slice(0, max)} … [${text.length - max} more characters]`;
}

function ended(stream: Readable | null | undefined): Promise<void> {
  if (!stream || stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

/** Waits for every promise, but no longer than ms. */
async function settled(waits: Promise<void>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([Promise.all(waits), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
