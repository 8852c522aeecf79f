import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live run stream (docs/adr/003-live-run-stream.md): every statement that inserts run events —
 * whichever process and code path wrote them — sends a NOTIFY on `nomaflow_run_events`, delivered
 * at commit, so "persisted before emitted" holds by construction. The payload is a JSON array with
 * one entry per run of the statement, `[run_id, first_seq, last_seq, has_state_event, rows?]`:
 * `has_state_event` is 1 when the statement inserted a run:queued, run:started, step:started or
 * run:finished (what the catalogue shows); `rows`, the inserted rows
 * `[seq, type, at, level, step, message, payload]` in seq order, only when few and small (a step
 * transition, a few log lines), so that API processes fan them out without reading them back.
 * Bulk inserts (a burst of log lines) send the range only and the rows are read in windows of seq.
 * Entries are packed into notifications of at most ~7.5 KB (NOTIFY's limit is 8000 bytes).
 */
export class RunEventsNotify1764496800000 implements MigrationInterface {
  name = 'RunEventsNotify1764496800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION nomaflow_run_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        entries text[];
        entry text;
        notice text;
      BEGIN
        IF (SELECT count(*) FROM nomaflow_new_run_events) <= 256 THEN
          -- A step transition or a few lines: the rows travel with the notice (if small).
          SELECT array_agg(
                   CASE WHEN g.n <= 32 AND octet_length(g.rows) <= 2900
                        THEN '[' || to_json(g.run_id) || ',' || g.lo || ',' || g.hi || ',' || g.state || ',' || g.rows || ']'
                        ELSE '[' || to_json(g.run_id) || ',' || g.lo || ',' || g.hi || ',' || g.state || ']' END)
            INTO entries
            FROM (SELECT e.run_id, min(e.seq) AS lo, max(e.seq) AS hi, count(*) AS n,
                         bool_or(e.type IN ('run:queued', 'run:started', 'step:started', 'run:finished'))::int AS state,
                         json_agg(json_build_array(e.seq, e.type, e.at, e.level, e.step, e.message, e.payload))::text AS rows
                  FROM nomaflow_new_run_events e GROUP BY e.run_id) g;
        ELSE
          -- A bulk insert: the range only; listeners read the rows back in windows of seq.
          SELECT array_agg('[' || to_json(g.run_id) || ',' || g.lo || ',' || g.hi || ',' || g.state || ']')
            INTO entries
            FROM (SELECT e.run_id, min(e.seq) AS lo, max(e.seq) AS hi,
                         bool_or(e.type IN ('run:queued', 'run:started', 'step:started', 'run:finished'))::int AS state
                  FROM nomaflow_new_run_events e GROUP BY e.run_id) g;
        END IF;
        notice := array_to_string(entries, ',');
        IF notice IS NULL THEN
          RETURN NULL;
        END IF;
        IF octet_length(notice) <= 7500 THEN
          PERFORM pg_notify('nomaflow_run_events', '[' || notice || ']');
          RETURN NULL;
        END IF;
        -- Many runs in one statement: as many notices as it takes (NOTIFY's limit is 8000 bytes).
        notice := '';
        FOREACH entry IN ARRAY entries LOOP
          IF notice <> '' AND octet_length(notice) + octet_length(entry) > 7500 THEN
            PERFORM pg_notify('nomaflow_run_events', '[' || notice || ']');
            notice := '';
          END IF;
          notice := CASE WHEN notice = '' THEN entry ELSE notice || ',' || entry END;
        END LOOP;
        PERFORM pg_notify('nomaflow_run_events', '[' || notice || ']');
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER run_events_notify
        AFTER INSERT ON run_events
        REFERENCING NEW TABLE AS nomaflow_new_run_events
        FOR EACH STATEMENT EXECUTE FUNCTION nomaflow_run_events_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS run_events_notify ON run_events');
    await q.query('DROP FUNCTION IF EXISTS nomaflow_run_events_notify()');
  }
}
