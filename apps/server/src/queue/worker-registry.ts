import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

/** The `workers` table: who is alive. Heartbeats use the database's clock so servers' clocks may differ. */
@Injectable()
export class WorkerRegistry {
  constructor(private readonly db: Database) {}

  async register(id: string, roles: readonly string[]): Promise<void> {
    await this.db.query(
      `INSERT INTO workers (id, hostname, pid, roles) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), stopping = false`,
      [id, hostname(), process.pid, roles],
    );
  }

  /** False when the row was gone (this worker was reaped as dead); it is re-created. */
  async heartbeat(id: string, roles: readonly string[]): Promise<boolean> {
    const rows = await this.db.query('UPDATE workers SET heartbeat_at = now() WHERE id = $1 RETURNING id', [
      id,
    ]);
    if (rows.length > 0) return true;
    await this.register(id, roles);
    return false;
  }

  async markStopping(id: string): Promise<void> {
    await this.db.query('UPDATE workers SET stopping = true WHERE id = $1', [id]);
  }

  async unregister(id: string): Promise<void> {
    await this.db.query('DELETE FROM workers WHERE id = $1', [id]);
  }

  /** Run ids among `runIds` whose cancel was requested, with who asked (the NOTIFY may have been missed). */
  async cancelRequests(runIds: readonly string[]): Promise<{ id: string; by: string }[]> {
    if (runIds.length === 0) return [];
    return this.db.query<{ id: string; by: string }>(
      `SELECT id, cancel_requested_by AS by FROM runs WHERE id = ANY($1::uuid[]) AND cancel_requested_by IS NOT NULL`,
      [runIds],
    );
  }

  /** Local runs the database no longer gives to this worker (reaped while it was paused). */
  async lostRuns(workerId: string, runIds: readonly string[]): Promise<string[]> {
    if (runIds.length === 0) return [];
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM runs WHERE id = ANY($1::uuid[]) AND NOT (status = 'RUNNING' AND worker_id = $2)`,
      [runIds, workerId],
    );
    return rows.map((r) => r.id);
  }

  /** Runs the database says this worker is executing. */
  async ownedRuns(workerId: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM runs WHERE worker_id = $1 AND status = 'RUNNING'`,
      [workerId],
    );
    return rows.map((r) => r.id);
  }

  async hasQueuedRuns(jobId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM runs WHERE job_id = $1 AND status = 'QUEUED' LIMIT 1`, [
      jobId,
    ]);
    return rows.length > 0;
  }
}
