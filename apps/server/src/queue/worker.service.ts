import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { CancelledError } from '@nomaflow/contracts';
import { InProcessStepExecutor, RunEngine } from '@nomaflow/kernel';
import type { Clock } from '@nomaflow/kernel';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { Database } from '../database/database.js';
import { Channels, PgListener } from '../database/pg-listener.js';
import { CLOCK } from '../kernel/clock.js';
import { ConnectorPool } from '../connectors/connector-pool.js';
import { RunTakenAwayError } from './run-taken-away.error.js';
import { RunClaimer } from './run-claimer.js';
import type { ClaimedRun } from './run-claimer.js';
import { RunWriter } from './run-writer.js';
import { JobSecrets } from '../secrets/job-secrets.js';
import { RunSettler } from './run-settler.js';
import { WorkerRegistry } from './worker-registry.js';

interface ActiveRun {
  jobId: string;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Executes queued runs in this process: woken by NOTIFY (no polling delay), claims with SKIP LOCKED,
 * runs the kernel's engine, heart-beats, honours cancel from any process, and on SIGTERM stops
 * claiming, lets in-flight runs go on for the grace period, then cancels what is left.
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private readonly active = new Map<string, ActiveRun>();
  private readonly engine: RunEngine;
  private readonly id: string;
  private stopping = false;
  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => void)[] = [];
  private suspectedOrphans = new Set<string>();

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(CLOCK) clock: Clock,
    private readonly db: Database,
    executor: InProcessStepExecutor,
    writer: RunWriter,
    private readonly listener: PgListener,
    private readonly claimer: RunClaimer,
    private readonly workers: WorkerRegistry,
    private readonly settler: RunSettler,
    private readonly secrets: JobSecrets,
    connectors: ConnectorPool,
  ) {
    this.id = config.instanceId;
    this.engine = new RunEngine({
      store: writer,
      events: writer,
      connectors,
      clock,
      executor,
      env: process.env,
    });
  }

  get activeRuns(): number {
    return this.active.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.workers.register(this.id, [...this.config.roles]);
    this.unlisten.push(
      this.listener.on(Channels.runQueued, () => this.wake()),
      this.listener.on(Channels.runCancel, (payload) => this.onCancel(payload)),
      this.listener.onReconnect(() => this.wake()),
    );
    this.heartbeatTimer = setInterval(() => void this.beat(), this.config.heartbeatMs);
    this.heartbeatTimer.unref();
    this.wake();
  }

  /** Claims runs until the queue is empty or this worker is full; concurrent wake-ups coalesce. */
  wake(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.claimLoop().finally(() => {
      this.claiming = undefined;
      if (this.claimAgain) {
        this.claimAgain = false;
        this.wake();
      }
    });
  }

  private async claimLoop(): Promise<void> {
    while (!this.stopping && this.active.size < this.config.workerConcurrency) {
      let claimed: ClaimedRun | undefined;
      try {
        claimed = await this.claimer.claim(this.id);
      } catch (e) {
        this.logger.warn(`claiming failed: ${(e as Error).message}`);
        return;
      }
      if (!claimed) return;
      this.start(claimed);
    }
  }

  private start({ snapshot: stored, lastSeq }: ClaimedRun): void {
    const controller = new AbortController();
    const runId = stored.id;
    const snapshot = stored;
    const done = Promise.resolve()
      // Secrets are opened here, in the worker, for this execution only; the stored snapshot keeps them sealed.
      .then(() =>
        this.engine.execute(
          { ...stored, job: this.secrets.open(stored.job) },
          { signal: controller.signal, startSeq: lastSeq },
        ),
      )
      .then(
        () => undefined,
        async (e: unknown) => {
          if (e instanceof RunTakenAwayError) {
            this.logger.warn(e.message);
            return;
          }
          this.logger.error(`run ${runId} crashed: ${(e as Error).stack ?? String(e)}`);
          await this.settler.failCrashed(runId, this.id, `internal error: ${(e as Error).message}`);
        },
      )
      .finally(async () => {
        this.active.delete(runId);
        // A `queue`/`skip` job's next QUEUED run became runnable: tell every worker.
        if (await this.workers.hasQueuedRuns(snapshot.job.id).catch(() => false)) {
          await this.db.notify(Channels.runQueued, snapshot.job.id).catch(() => undefined);
        }
        this.wake();
      });
    this.active.set(runId, { jobId: snapshot.job.id, controller, done });
  }

  private onCancel(payload: string): void {
    let request: { run_id?: string; by?: string };
    try {
      request = JSON.parse(payload) as { run_id?: string; by?: string };
    } catch {
      return;
    }
    if (request.run_id) this.cancelLocal(request.run_id, request.by ?? 'system');
  }

  private cancelLocal(runId: string, by: string): void {
    const run = this.active.get(runId);
    if (run && !run.controller.signal.aborted) run.controller.abort(new CancelledError(by));
  }

  private async beat(): Promise<void> {
    try {
      await this.workers.heartbeat(this.id, [...this.config.roles]);
      const ids = [...this.active.keys()];
      for (const r of await this.workers.cancelRequests(ids)) this.cancelLocal(r.id, r.by);
      for (const id of await this.workers.lostRuns(this.id, ids)) {
        this.logger.warn(`run ${id} was taken from this worker; abandoning it`);
        this.active.get(id)?.controller.abort(new CancelledError('system'));
      }
      await this.settleOrphans();
      this.wake(); // catches a NOTIFY missed while the listener was reconnecting
    } catch (e) {
      this.logger.warn(`heartbeat failed: ${(e as Error).message}`);
    }
  }

  /**
   * Runs the database gives to this worker that it is not executing (its final write was lost in a
   * database crash, or its engine died): failed once seen on two beats in a row, which rules out a
   * run claimed between the query and the check.
   */
  private async settleOrphans(): Promise<void> {
    const orphans = (await this.workers.ownedRuns(this.id)).filter((id) => !this.active.has(id));
    for (const id of orphans) {
      if (this.suspectedOrphans.has(id)) {
        this.logger.warn(`run ${id} is RUNNING on this worker in the database but not here; failing it`);
        await this.settler.failCrashed(id, this.id, 'lost in restart');
      }
    }
    this.suspectedOrphans = new Set(orphans);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const off of this.unlisten) off();
    await this.claiming;
    await this.workers.markStopping(this.id).catch(() => undefined);
    const inFlight = () => Promise.all([...this.active.values()].map((r) => r.done));
    if (this.active.size > 0) {
      this.logger.log(`waiting up to ${this.config.shutdownGraceMs} ms for ${this.active.size} run(s)`);
      const graceOver = new Promise<'late'>((r) =>
        setTimeout(() => r('late'), this.config.shutdownGraceMs).unref(),
      );
      if ((await Promise.race([inFlight(), graceOver])) === 'late') {
        for (const run of this.active.values()) run.controller.abort(new CancelledError('shutdown'));
        await inFlight();
      }
    }
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await this.workers.unregister(this.id).catch(() => undefined);
  }
}
