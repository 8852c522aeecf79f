// Dispatch overhead of the real server on PostgreSQL (issue targets in brackets):
//  (a) a job of 40 sequential noop steps, trigger → finished            [≤ 150 ms total]
//  (b) single-step runs per second through one process                   [≥ 100 runs/s]
//  (c) trigger → step start latency p50/p99                              [p99 ≤ 10 ms]
//  (d) cron fire lateness p99 over a job firing every second             [p99 ≤ 50 ms]
// Baselines measured in the same run: the same 40-step run in the kernel's engine with in-memory
// ports (what persistence adds), and a bare PostgreSQL round trip.
import { InProcessStepExecutor, RunEngine, StepTypeRegistry, SystemClock } from '@nomaflow/kernel';
import { join } from 'node:path';
import pg from 'pg';
import { percentile, query, root, startBenchServer, verdict, withDatabase } from './support.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function api(server, method, path, body) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

async function putJob(url, job) {
  await query(
    url,
    `INSERT INTO jobs (id, document, updated_by) VALUES ($1, $2, 'bench') ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document`,
    [job.id, JSON.stringify(job)],
  );
  await query(url, `SELECT pg_notify('nomaflow_jobs_changed', $1)`, [job.id]);
}

/** Waits for a run to finish, listening for its run:finished row rather than polling the API. */
async function waitFinished(client, runId) {
  for (;;) {
    const { rows } = await client.query(`SELECT status FROM runs WHERE id = $1 AND finished_at IS NOT NULL`, [
      runId,
    ]);
    if (rows.length) return rows[0].status;
    await sleep(1);
  }
}

async function engineBaseline(job, rounds) {
  const registry = new StepTypeRegistry();
  await registry.discover([join(root, 'plugins')]);
  const engine = new RunEngine({
    clock: new SystemClock(),
    executor: new InProcessStepExecutor(registry),
    connectors: { get: async () => Promise.reject(new Error('none')) },
    store: { updateRun: async () => {}, saveStep: async () => {} },
    events: { emit: () => {}, flush: async () => {} },
  });
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await engine.execute({ id: `b${i}`, job, triggered_by: 'api' });
    times.push(performance.now() - t);
  }
  return percentile(times.slice(5), 0.5);
}

export default async function dispatchBench() {
  await withDatabase(async (url) => {
    const server = await startBenchServer(url, { NOMAFLOW_PLUGIN_DIRS: join(root, 'plugins') });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // bare round trip
      const rtts = [];
      for (let i = 0; i < 200; i++) {
        const t = performance.now();
        await client.query('SELECT 1');
        rtts.push(performance.now() - t);
      }
      const rtt = percentile(rtts, 0.5);
      console.log(`baseline: PostgreSQL round trip p50 ${rtt.toFixed(3)} ms`);

      // (a) 40 sequential steps
      const job40 = {
        id: 'bench-40',
        concurrency: 'queue',
        steps: Array.from({ length: 40 }, (_, i) => ({ name: `s${i}`, type: 'noop' })),
      };
      await putJob(url, job40);
      const totals = [];
      for (let i = 0; i < 25; i++) {
        const t = performance.now();
        const r = await api(server, 'POST', '/api/jobs/bench-40/runs', {});
        const status = await waitFinished(client, r.body.run_id);
        totals.push(performance.now() - t);
        if (status !== 'SUCCEEDED') throw new Error(`bench-40 run ${status}`);
      }
      const a50 = percentile(totals.slice(5), 0.5);
      const base = await engineBaseline(job40, 30);
      console.log(
        `(a) 40 sequential noop steps, trigger → finished: p50 ${a50.toFixed(1)} ms, p95 ${percentile(totals.slice(5), 0.95).toFixed(1)} ms ` +
          `· ${(a50 / 40).toFixed(2)} ms per step · target ≤ 150 ms: ${verdict(a50, 150)} ` +
          `· ${(a50 / base).toFixed(0)}× the in-memory engine (${base.toFixed(2)} ms)`,
      );

      // (c) trigger → step start, one at a time on an idle worker
      await putJob(url, { id: 'bench-1', concurrency: 'parallel', steps: [{ name: 'one', type: 'noop' }] });
      const latencies = [];
      for (let i = 0; i < 200; i++) {
        const t = Date.now();
        const r = await api(server, 'POST', '/api/jobs/bench-1/runs', {});
        await waitFinished(client, r.body.run_id);
        const [row] = (
          await client.query(
            `SELECT extract(epoch FROM (s.started_at - r.created_at)) * 1000 AS ms FROM runs r JOIN step_runs s ON s.run_id = r.id AND s.idx = 0 WHERE r.id = $1`,
            [r.body.run_id],
          )
        ).rows;
        latencies.push(Number(row.ms));
        void t;
      }
      const c99 = percentile(latencies.slice(20), 0.99);
      console.log(
        `(c) trigger → step start (run created → step started_at): p50 ${percentile(latencies.slice(20), 0.5).toFixed(2)} ms, ` +
          `p99 ${c99.toFixed(2)} ms · target p99 ≤ 10 ms: ${verdict(c99, 10)} · ${(c99 / rtt).toFixed(0)}× a round trip`,
      );

      // (b) throughput
      const N = 1000;
      const t0 = performance.now();
      const ids = [];
      const inflight = [];
      for (let i = 0; i < N; i++) {
        inflight.push(api(server, 'POST', '/api/jobs/bench-1/runs', {}).then((r) => ids.push(r.body.run_id)));
        if (inflight.length >= 16) await Promise.all(inflight.splice(0));
      }
      await Promise.all(inflight);
      for (;;) {
        const { rows } = await client.query(
          `SELECT count(*)::int AS n FROM runs WHERE id = ANY($1::uuid[]) AND finished_at IS NOT NULL`,
          [ids],
        );
        if (rows[0].n === N) break;
        await sleep(5);
      }
      const perSecond = N / ((performance.now() - t0) / 1000);
      console.log(
        `(b) single-step runs through one process: ${perSecond.toFixed(0)} runs/s (${N} runs) · target ≥ 100/s: ${verdict(perSecond, 100, false)}`,
      );

      // (d) cron lateness
      await putJob(url, {
        id: 'bench-cron',
        concurrency: 'parallel',
        schedule: { cron: '* * * * * *', timezone: 'UTC' },
        steps: [{ name: 'one', type: 'noop' }],
      });
      await sleep(20_500);
      const late = (
        await client.query(
          `SELECT lateness_ms FROM fires WHERE job_id = 'bench-cron' AND lateness_ms IS NOT NULL`,
        )
      ).rows.map((r) => Number(r.lateness_ms));
      if (late.length === 0) {
        console.log('(d) cron fire lateness: no fires recorded (is the scheduler role on?)');
      } else {
        const d99 = percentile(late, 0.99);
        console.log(
          `(d) cron fire lateness over ${late.length} fires: p50 ${percentile(late, 0.5)} ms, p99 ${d99} ms · target p99 ≤ 50 ms: ${verdict(d99, 50)}`,
        );
      }
    } finally {
      await client.end();
      await server.close();
    }
  });
}
