import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { Database } from '../database/database.js';
import { RunSettler } from './run-settler.js';

/**
 * Finds runs whose worker stopped heart-beating (killed, crashed, partitioned) and settles them:
 * FAILED `lost in restart`, or re-queued when every step type is idempotent. Any process with the
 * worker or scheduler role runs it; the row lock in RunSettler makes concurrent reapers harmless.
 * Detection takes at most staleAfterMs + heartbeatMs (25 s by default), inside the 30 s promise.
 */
@Injectable()
export class ReaperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reaper');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly db: Database,
    private readonly settler: RunSettler,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.reapNow(), this.config.heartbeatMs);
    this.timer.unref();
  }

  /** One pass; returns what it did (tests call it directly). */
  async reapNow(): Promise<{ failed: string[]; requeued: string[] }> {
    const result = { failed: [] as string[], requeued: [] as string[] };
    if (this.running) {
      await this.running;
      return result;
    }
    let release!: () => void;
    this.running = new Promise<void>((r) => (release = r));
    try {
      await this.db.query(
        `DELETE FROM workers WHERE heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)`,
        [this.config.staleAfterMs],
      );
      const lost = await this.db.query<{ id: string; worker_id: string | null }>(
        `SELECT r.id, r.worker_id FROM runs r
         WHERE r.status = 'RUNNING' AND NOT EXISTS (SELECT 1 FROM workers w WHERE w.id = r.worker_id)`,
      );
      for (const run of lost) {
        const outcome = await this.settler.reapLost(run.id, run.worker_id);
        if (outcome === 'skipped') continue;
        result[outcome].push(run.id);
        this.logger.warn(`run ${run.id} of dead worker ${run.worker_id ?? '(none)'}: ${outcome}`);
      }
    } catch (e) {
      this.logger.warn(`reaping failed: ${(e as Error).message}`);
    } finally {
      this.running = undefined;
      release();
    }
    return result;
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
