import { Injectable } from '@nestjs/common';
import type { JobDocument } from '@nomaflow/contracts';
import { Database } from '../database/database.js';
import type { Queryable } from '../database/database.js';
import { Channels } from '../database/pg-listener.js';
import { FieldConflictError } from './field-conflict.error.js';
import type { JobVersion, StoredJob, VersionAction } from './job-views.js';
import { isUniqueViolation } from './pg-errors.js';

/** Who saved, when, and as what kind of change: written to job_versions with every jobs write. */
export interface SaveInfo {
  action: VersionAction;
  actor: string;
  at: Date;
}

const JOB_COLUMNS = 'document, version, updated_at, updated_by';

/**
 * The `jobs` and `job_versions` tables. Every write takes the caller's transaction and records its
 * version row in it, so the history never disagrees with the jobs it describes.
 */
@Injectable()
export class JobsRepository {
  constructor(private readonly db: Database) {}

  /** Sorted by id in byte order, the same on every database whatever its collation. */
  list(): Promise<StoredJob[]> {
    return this.db.query<StoredJob>(`SELECT ${JOB_COLUMNS} FROM jobs ORDER BY id COLLATE "C"`);
  }

  async find(id: string): Promise<StoredJob | undefined> {
    const rows = await this.db.query<StoredJob>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The existing jobs among `ids`, locked until the transaction ends. */
  async lock(tx: Queryable, ids: readonly string[]): Promise<Map<string, StoredJob>> {
    const rows = await tx.query<StoredJob>(
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ANY($1::text[]) ORDER BY id COLLATE "C" FOR UPDATE`,
      [ids],
    );
    return new Map(rows.map((r) => [r.document.id, r]));
  }

  async count(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs');
    return row?.n ?? 0;
  }

  /** True on a first start: no job was ever saved (an emptied catalogue still has its history). */
  async neverUsed(): Promise<boolean> {
    const [row] = await this.db.query<{ empty: boolean }>(
      'SELECT NOT EXISTS (SELECT 1 FROM jobs) AND NOT EXISTS (SELECT 1 FROM job_versions) AS empty',
    );
    return row?.empty ?? false;
  }

  /**
   * A re-created id continues its old numbering, so versions stay unique per id across deletes.
   * The primary key settles a race between two creates: the loser gets the 409.
   */
  async insert(tx: Queryable, job: JobDocument, save: SaveInfo): Promise<number> {
    let rows: { version: number }[];
    try {
      rows = await tx.query<{ version: number }>(
        `INSERT INTO jobs (id, document, version, created_at, updated_at, updated_by)
         VALUES ($1, $2, COALESCE((SELECT max(version) FROM job_versions WHERE job_id = $1), 0) + 1, $3, $3, $4)
         RETURNING version`,
        [job.id, JSON.stringify(job), save.at.toISOString(), save.actor],
      );
    } catch (e) {
      if (isUniqueViolation(e)) throw new FieldConflictError('/id', 'duplicate job id');
      throw e;
    }
    const version = rows[0]?.version ?? 1;
    await this.recordVersion(tx, job.id, version, job, save);
    return version;
  }

  /** Replaces the document of an existing job; undefined when there is none. */
  async replace(tx: Queryable, job: JobDocument, save: SaveInfo): Promise<number | undefined> {
    const [row] = await tx.query<{ version: number }>(
      `UPDATE jobs SET document = $2, version = version + 1, updated_at = $3, updated_by = $4
       WHERE id = $1 RETURNING version`,
      [job.id, JSON.stringify(job), save.at.toISOString(), save.actor],
    );
    if (!row) return undefined;
    await this.recordVersion(tx, job.id, row.version, job, save);
    return row.version;
  }

  /** Deletes the job row only: its runs and fires are history and stay. Undefined when there is none. */
  async delete(tx: Queryable, id: string, save: SaveInfo): Promise<number | undefined> {
    const [row] = await tx.query<{ version: number }>('DELETE FROM jobs WHERE id = $1 RETURNING version', [
      id,
    ]);
    if (!row) return undefined;
    await this.recordVersion(tx, id, row.version + 1, null, save);
    return row.version + 1;
  }

  /** Newest first, deletes included. */
  versions(id: string): Promise<JobVersion[]> {
    return this.db.query<JobVersion>(
      `SELECT job_id, version, action, document, saved_by, saved_at FROM job_versions
       WHERE job_id = $1 ORDER BY id DESC`,
      [id],
    );
  }

  /** Through the transaction, so schedulers hear of the change only once it is committed. */
  async notifyChanged(tx: Queryable, payload: string): Promise<void> {
    await tx.query('SELECT pg_notify($1, $2)', [Channels.jobsChanged, payload]);
  }

  private async recordVersion(
    tx: Queryable,
    jobId: string,
    version: number,
    document: JobDocument | null,
    save: SaveInfo,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO job_versions (job_id, version, action, document, saved_by, saved_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        jobId,
        version,
        save.action,
        document === null ? null : JSON.stringify(document),
        save.actor,
        save.at.toISOString(),
      ],
    );
  }
}
