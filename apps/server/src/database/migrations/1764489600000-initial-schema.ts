import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema. Runs are kept when their job is deleted (no foreign key to jobs); events hold
 * every run event in seq order, log lines included, so history and live streams read one table.
 */
export class InitialSchema1764489600000 implements MigrationInterface {
  name = 'InitialSchema1764489600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE jobs (
        id          text PRIMARY KEY,
        document    jsonb NOT NULL,
        version     integer NOT NULL DEFAULT 1,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE job_versions (
        id        bigserial PRIMARY KEY,
        job_id    text NOT NULL,
        version   integer NOT NULL,
        action    text NOT NULL CHECK (action IN ('created', 'updated', 'deleted', 'imported')),
        document  jsonb,
        saved_by  text NOT NULL,
        saved_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX job_versions_job ON job_versions (job_id, id DESC)`);

    await q.query(`
      CREATE TABLE runs (
        id                  uuid PRIMARY KEY,
        job_id              text NOT NULL,
        status              text NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED')),
        triggered_by        text NOT NULL,
        replay_of           uuid,
        scheduled_for       timestamptz,
        created_at          timestamptz NOT NULL DEFAULT now(),
        started_at          timestamptz,
        finished_at         timestamptz,
        log_level           text NOT NULL,
        params              jsonb NOT NULL DEFAULT '{}',
        overrides           jsonb NOT NULL DEFAULT '{}',
        job_snapshot        jsonb NOT NULL,
        error               text,
        worker_id           text,
        last_seq            bigint NOT NULL DEFAULT 0,
        cancel_requested_by text
      )`);
    await q.query(`CREATE INDEX runs_queued ON runs (created_at) WHERE status = 'QUEUED'`);
    await q.query(`CREATE INDEX runs_active ON runs (job_id) WHERE status IN ('QUEUED', 'RUNNING')`);
    await q.query(`CREATE INDEX runs_running_worker ON runs (worker_id) WHERE status = 'RUNNING'`);
    await q.query(`CREATE INDEX runs_job_created ON runs (job_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX runs_created ON runs (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX runs_finished ON runs (finished_at) WHERE finished_at IS NOT NULL`);

    await q.query(`
      CREATE TABLE step_runs (
        run_id       uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        idx          integer NOT NULL,
        name         text NOT NULL,
        type         text NOT NULL,
        status       text NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED')),
        reason       text,
        attempts     integer NOT NULL DEFAULT 0,
        started_at   timestamptz,
        finished_at  timestamptz,
        output       jsonb,
        error        text,
        PRIMARY KEY (run_id, idx)
      )`);

    await q.query(`
      CREATE TABLE run_events (
        run_id   uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq      bigint NOT NULL,
        type     text NOT NULL,
        at       timestamptz NOT NULL,
        level    text,
        step     text,
        message  text,
        payload  jsonb,
        PRIMARY KEY (run_id, seq)
      )`);

    await q.query(`
      CREATE TABLE fires (
        job_id         text NOT NULL,
        scheduled_for  timestamptz NOT NULL,
        outcome        text NOT NULL,
        run_id         uuid,
        claimed_by     text NOT NULL,
        claimed_at     timestamptz NOT NULL DEFAULT now(),
        lateness_ms    integer,
        note           text,
        PRIMARY KEY (job_id, scheduled_for)
      )`);
    await q.query(`CREATE INDEX fires_scheduled ON fires (scheduled_for)`);

    await q.query(`
      CREATE TABLE workers (
        id            text PRIMARY KEY,
        hostname      text NOT NULL,
        pid           integer NOT NULL,
        roles         text[] NOT NULL,
        started_at    timestamptz NOT NULL DEFAULT now(),
        heartbeat_at  timestamptz NOT NULL DEFAULT now(),
        stopping      boolean NOT NULL DEFAULT false
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['workers', 'fires', 'run_events', 'step_runs', 'runs', 'job_versions', 'jobs']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
