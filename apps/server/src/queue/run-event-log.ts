import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { RunEvent } from '@nomaflow/contracts';
import type { EventSink } from '@nomaflow/kernel';
import { Database } from '../database/database.js';

type PersistedListener = (events: readonly RunEvent[]) => void;

const MAX_BATCH = 5_000;

/**
 * The engine's EventSink: events are buffered and written in batches (one multi-row INSERT per
 * flush), so a step printing 50,000 lines neither blocks the worker nor costs a round trip per
 * line. Listeners hear of events only after they are durable — persist before emit — so a live
 * stream and a read of history never disagree. A database outage delays writes; it never drops them.
 */
@Injectable()
export class RunEventLog implements EventSink, OnApplicationShutdown {
  private readonly logger = new Logger('RunEventLog');
  private buffer: RunEvent[] = [];
  private writing: Promise<void> | undefined;
  private scheduled = false;
  private readonly listeners = new Set<PersistedListener>();
  private closed = false;

  constructor(private readonly db: Database) {}

  emit(event: RunEvent): void {
    this.buffer.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.drain();
      });
    }
  }

  /** Resolves once every event emitted before the call is in the database. */
  async flush(): Promise<void> {
    await this.drain();
  }

  onPersisted(listener: PersistedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private drain(): Promise<void> {
    // One writer at a time keeps each run's rows in seq order; later callers chain behind it.
    const next = (this.writing ?? Promise.resolve()).then(() => this.writeAll());
    this.writing = next.finally(() => {
      if (this.writing === next) this.writing = undefined;
    });
    return next;
  }

  private async writeAll(): Promise<void> {
    let delay = 100;
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, MAX_BATCH);
      try {
        await this.write(batch);
      } catch (e) {
        if (this.closed) throw e;
        this.logger.warn(`writing ${batch.length} run events failed (${(e as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5_000);
        continue;
      }
      this.buffer = this.buffer.slice(batch.length);
      for (const listener of this.listeners) {
        try {
          listener(batch);
        } catch (e) {
          this.logger.error(`run event listener failed: ${(e as Error).message}`);
        }
      }
    }
  }

  private async write(batch: readonly RunEvent[]): Promise<void> {
    const cols = { run: [] as string[], seq: [] as number[], type: [] as string[], at: [] as string[] };
    const line = {
      level: [] as (string | null)[],
      step: [] as (string | null)[],
      message: [] as (string | null)[],
    };
    const payload: (string | null)[] = [];
    const lastSeq = new Map<string, number>();
    for (const e of batch) {
      cols.run.push(e.run_id);
      cols.seq.push(e.seq);
      cols.type.push(e.type);
      cols.at.push(e.at);
      if (e.type === 'log:line') {
        line.level.push(e.line.level);
        line.step.push(e.line.step);
        line.message.push(e.line.message);
        payload.push(null);
      } else {
        line.level.push(null);
        line.step.push('step' in e && typeof e.step === 'string' ? e.step : null);
        line.message.push(null);
        payload.push(JSON.stringify(e));
      }
      lastSeq.set(e.run_id, Math.max(lastSeq.get(e.run_id) ?? 0, e.seq));
    }
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO run_events (run_id, seq, type, at, level, step, message, payload)
         SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::text[],
                              $7::text[], $8::jsonb[])
         ON CONFLICT (run_id, seq) DO NOTHING`,
        [cols.run, cols.seq, cols.type, cols.at, line.level, line.step, line.message, payload],
      );
      await tx.query(
        `UPDATE runs r SET last_seq = GREATEST(r.last_seq, v.seq)
         FROM unnest($1::uuid[], $2::bigint[]) AS v(id, seq) WHERE r.id = v.id`,
        [[...lastSeq.keys()], [...lastSeq.values()]],
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush().catch((e: unknown) => this.logger.error(`events lost at shutdown: ${String(e)}`));
    this.closed = true;
  }
}
