import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { RunEvent, StepRun } from '@nomaflow/contracts';
import type { EventSink, RunPatch, RunStore } from '@nomaflow/kernel';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { DATABASE_URL } from '../database/database-url.js';
import { RunTakenAwayError } from './run-taken-away.error.js';
import { WRITE_BATCH_SQL } from './write-batch.sql.js';
import { WriterConnection } from './writer-connection.js';

type PersistedListener = (events: readonly RunEvent[]) => void;

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

interface StepWrite extends Waiter {
  runId: string;
  index: number;
  step: StepRun;
}

interface RunWrite extends Waiter {
  runId: string;
  patch: RunPatch;
}

const PATCH_COLUMNS = ['status', 'started_at', 'finished_at', 'error', 'params', 'log_level'] as const;
const MAX_EVENTS_PER_BATCH = 5_000;
const EVENT_DELAY_MS = 5;

/**
 * The engine's RunStore and EventSink over PostgreSQL, with group commit: one write is in flight at
 * a time and carries everything that queued up meanwhile — step rows, run rows and events — in a
 * single statement. An idle worker pays one round trip per transition; a busy one shares them.
 * Events reach listeners only once durable (persist before emit), in the order they were emitted.
 * Row writes are guarded by ownership: a worker declared dead must not resurrect a settled run.
 * A database outage delays writes (retried); it never drops them.
 */
@Injectable()
export class RunWriter implements RunStore, EventSink, OnApplicationShutdown {
  private readonly logger = new Logger('RunWriter');
  private readonly workerId: string;
  private events: RunEvent[] = [];
  private steps: StepWrite[] = [];
  private runs: RunWrite[] = [];
  private flushWaiters: Waiter[] = [];
  private writing = false;
  private scheduled = false;
  private closed = false;
  private readonly listeners = new Set<PersistedListener>();

  private readonly connection: WriterConnection;

  constructor(@Inject(DATABASE_URL) url: string, @Inject(SERVER_CONFIG) config: ServerConfig) {
    this.workerId = config.instanceId;
    this.connection = new WriterConnection(url);
  }

  updateRun(runId: string, patch: RunPatch): Promise<void> {
    if (patch.status === 'RUNNING') {
      // The opening patch (started_at, merged params) rides with the first step write instead of
      // costing the run's start a round trip of its own: the claim already made the row RUNNING,
      // and a lost ownership still surfaces on that step write.
      this.runs.push({ runId, patch, resolve: () => undefined, reject: () => undefined });
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.runs.push({ runId, patch, resolve, reject });
      this.pump();
    });
  }

  saveStep(runId: string, index: number, step: StepRun): Promise<void> {
    // Plan rows were written PENDING when the run was queued (and reset so by a re-queue).
    if (step.status === 'PENDING' && step.attempts === 0 && step.started_at === null)
      return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.steps.push({ runId, index, step: { ...step }, resolve, reject });
      this.pump();
    });
  }

  emit(event: RunEvent): void {
    this.events.push(event);
    if (this.events.length >= MAX_EVENTS_PER_BATCH) {
      this.pump();
      return;
    }
    // Events wait a few ms for the next row write of the run to carry them (a step transition
    // usually follows within microseconds), so a quiet step costs no extra round trip; a step
    // that logs on its own still has its lines durable and streamed within EVENT_DELAY_MS.
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => {
        this.scheduled = false;
        this.pump();
      }, EVENT_DELAY_MS).unref();
    }
  }

  flush(): Promise<void> {
    if (!this.writing && this.events.length === 0 && this.steps.length === 0 && this.runs.length === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.flushWaiters.push({ resolve, reject });
      this.pump();
    });
  }

  onPersisted(listener: PersistedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private pump(): void {
    if (this.writing) return;
    if (this.events.length === 0 && this.steps.length === 0 && this.runs.length === 0) {
      this.settle(this.flushWaiters.splice(0), undefined);
      return;
    }
    this.writing = true;
    const events = this.events.splice(0, MAX_EVENTS_PER_BATCH);
    const steps = this.steps.splice(0);
    const runs = this.runs.splice(0);
    const waiters = this.events.length === 0 ? this.flushWaiters.splice(0) : [];
    void this.write(events, steps, runs).then(
      (taken) => {
        for (const s of steps) {
          if (taken.steps.has(`${s.runId}:${s.index}`)) s.resolve();
          else s.reject(new RunTakenAwayError(s.runId));
        }
        for (const r of runs) {
          if (taken.runs.has(r.runId)) r.resolve();
          else r.reject(new RunTakenAwayError(r.runId));
        }
        this.settle(waiters, undefined);
        this.tell(events);
        this.writing = false;
        this.pump();
      },
      async (e: unknown) => {
        if (this.closed) {
          for (const w of [...steps, ...runs, ...waiters]) w.reject(e);
          this.writing = false;
          return;
        }
        this.logger.warn(`writing run state failed (${(e as Error).message}); retrying`);
        // Put everything back in front, in order, and try again shortly.
        this.events = [...events, ...this.events];
        this.steps = [...steps, ...this.steps];
        this.runs = [...runs, ...this.runs];
        this.flushWaiters = [...waiters, ...this.flushWaiters];
        await new Promise((r) => setTimeout(r, 500));
        this.writing = false;
        this.pump();
      },
    );
  }

  private settle(waiters: Waiter[], error: unknown): void {
    for (const w of waiters) {
      if (error === undefined) w.resolve();
      else w.reject(error);
    }
  }

  private tell(events: RunEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (e) {
        this.logger.error(`run event listener failed: ${(e as Error).message}`);
      }
    }
  }

  /** One statement for the whole batch; returns which step and run rows the ownership guard let through. */
  private async write(
    events: readonly RunEvent[],
    steps: readonly StepWrite[],
    runs: readonly RunWrite[],
  ): Promise<{ steps: Set<string>; runs: Set<string> }> {
    // A statement may touch a row once: the last save of a step and the merged patches of a run win.
    const lastStep = new Map<string, StepWrite>();
    for (const s of steps) lastStep.set(`${s.runId}:${s.index}`, s);
    const mergedRuns = new Map<string, RunPatch>();
    for (const r of runs) mergedRuns.set(r.runId, { ...mergedRuns.get(r.runId), ...r.patch });

    const e = { run: [] as string[], seq: [] as number[], type: [] as string[], at: [] as string[] };
    const l = {
      level: [] as (string | null)[],
      step: [] as (string | null)[],
      message: [] as (string | null)[],
    };
    const payload: (string | null)[] = [];
    for (const ev of events) {
      e.run.push(ev.run_id);
      e.seq.push(ev.seq);
      e.type.push(ev.type);
      e.at.push(ev.at);
      if (ev.type === 'log:line') {
        l.level.push(ev.line.level);
        l.step.push(ev.line.step);
        l.message.push(ev.line.message);
        payload.push(null);
      } else {
        l.level.push(null);
        l.step.push('step' in ev && typeof ev.step === 'string' ? ev.step : null);
        l.message.push(null);
        payload.push(JSON.stringify(ev));
      }
    }
    const st = [...lastStep.values()].map((s) => s.step);
    const sr = [...lastStep.values()];
    const runIds = [...mergedRuns.keys()];
    const patches = [...mergedRuns.values()];
    const col = <K extends (typeof PATCH_COLUMNS)[number]>(k: K) => ({
      set: patches.map((p) => p[k] !== undefined),
      value: patches.map((p) => (p[k] === undefined ? null : k === 'params' ? JSON.stringify(p[k]) : p[k])),
    });
    const [status, startedAt, finishedAt, error, params, logLevel] = PATCH_COLUMNS.map(col);
    const rows = await this.connection.query<{ kind: 'step' | 'run'; id: string; idx: number | null }>(
      'nomaflow_write_batch',
      WRITE_BATCH_SQL,
      [
        this.workerId,
        e.run,
        e.seq,
        e.type,
        e.at,
        l.level,
        l.step,
        l.message,
        payload,
        sr.map((s) => s.runId),
        sr.map((s) => s.index),
        st.map((s) => s.name),
        st.map((s) => s.type),
        st.map((s) => s.status),
        st.map((s) => s.reason),
        st.map((s) => s.attempts),
        st.map((s) => s.started_at),
        st.map((s) => s.finished_at),
        st.map((s) => (s.output === null ? null : JSON.stringify(s.output))),
        st.map((s) => s.error),
        runIds,
        status!.set,
        status!.value,
        startedAt!.set,
        startedAt!.value,
        finishedAt!.set,
        finishedAt!.value,
        error!.set,
        error!.value,
        params!.set,
        params!.value,
        logLevel!.set,
        logLevel!.value,
      ],
    );
    const taken = { steps: new Set<string>(), runs: new Set<string>() };
    for (const r of rows) {
      if (r.kind === 'step') taken.steps.add(`${r.id}:${r.idx}`);
      else taken.runs.add(r.id);
    }
    return taken;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush().catch((e: unknown) => this.logger.error(`run state lost at shutdown: ${String(e)}`));
    this.closed = true;
    await this.connection.close();
  }
}
