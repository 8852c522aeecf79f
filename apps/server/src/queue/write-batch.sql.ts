/**
 * The group-commit statement of RunWriter: events, step rows and run rows of a batch in one round
 * trip. Step and run writes pass only for runs this worker ($1) still owns and that are RUNNING;
 * the rows returned say which did. All CTEs see one snapshot, so a run's final status and its last
 * step rows can travel in the same batch.
 */
export const WRITE_BATCH_SQL = `
WITH ev AS (
  INSERT INTO run_events (run_id, seq, type, at, level, step, message, payload)
  SELECT * FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
                       $8::text[], $9::jsonb[])
  ON CONFLICT (run_id, seq) DO NOTHING
),
owned AS (
  SELECT id FROM runs WHERE worker_id = $1 AND status = 'RUNNING'
    AND id = ANY(array_cat($10::uuid[], $21::uuid[]))
),
st AS (
  INSERT INTO step_runs (run_id, idx, name, type, status, reason, attempts, started_at, finished_at, output, error)
  SELECT v.* FROM unnest($10::uuid[], $11::int[], $12::text[], $13::text[], $14::text[], $15::text[], $16::int[],
                         $17::timestamptz[], $18::timestamptz[], $19::jsonb[], $20::text[])
         AS v(run_id, idx, name, type, status, reason, attempts, started_at, finished_at, output, error)
  WHERE v.run_id IN (SELECT id FROM owned)
  ON CONFLICT (run_id, idx) DO UPDATE SET
    name = EXCLUDED.name, type = EXCLUDED.type, status = EXCLUDED.status, reason = EXCLUDED.reason,
    attempts = EXCLUDED.attempts, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
    output = EXCLUDED.output, error = EXCLUDED.error
  RETURNING run_id, idx
),
ru AS (
  UPDATE runs r SET
    status      = CASE WHEN v.set_status THEN v.status ELSE r.status END,
    started_at  = CASE WHEN v.set_started THEN v.started_at ELSE r.started_at END,
    finished_at = CASE WHEN v.set_finished THEN v.finished_at ELSE r.finished_at END,
    error       = CASE WHEN v.set_error THEN v.error ELSE r.error END,
    params      = CASE WHEN v.set_params THEN v.params ELSE r.params END,
    log_level   = CASE WHEN v.set_log_level THEN v.log_level ELSE r.log_level END
  FROM unnest($21::uuid[], $22::bool[], $23::text[], $24::bool[], $25::timestamptz[], $26::bool[],
              $27::timestamptz[], $28::bool[], $29::text[], $30::bool[], $31::jsonb[], $32::bool[], $33::text[])
       AS v(id, set_status, status, set_started, started_at, set_finished, finished_at, set_error, error,
            set_params, params, set_log_level, log_level)
  WHERE r.id = v.id AND r.id IN (SELECT id FROM owned)
  RETURNING r.id
)
SELECT 'step' AS kind, run_id::text AS id, idx FROM st
UNION ALL
SELECT 'run' AS kind, id::text AS id, NULL::int AS idx FROM ru
`;
