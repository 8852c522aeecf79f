// Live run stream over Socket.IO, end to end through PostgreSQL (issue targets in brackets):
//  (a) events/s one run pushes to a client: 50,000 log lines printed as fast as a step can [≥ 5,000/s]
//  (b) emit → client latency p50/p95 with 1, 50 and 200 clients following one run     [p95 ≤ 50 ms at 200]
// The server (api + worker roles) runs in a child process and the clients in others (up to 50
// per process), as in production where the browsers are elsewhere. Baselines measured in the same
// run: how fast the step itself printed (what the stream has to keep up with) and a bare
// NOTIFY → LISTEN round trip.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { io } from 'socket.io-client';
import { percentile, query, root, verdict, withDatabase } from './support.mjs';

const self = fileURLToPath(import.meta.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- the server process: `node bench/stream.bench.mjs --serve <database url>` ----------------

async function serve(databaseUrl) {
  const { startBenchServer } = await import('./support.mjs');
  const { defineStepType, StepTypeRegistry } = await import('@nomaflow/kernel');
  const server = await startBenchServer(databaseUrl, {
    NOMAFLOW_PLUGIN_DIRS: join(root, 'plugins'),
    NOMAFLOW_ROLES: 'api,worker',
  });
  server.app.get(StepTypeRegistry).register(
    defineStepType({
      manifest: {
        type: 'bench_lines',
        version: '1.0.0',
        title: 'Bench lines',
        description: 'prints `lines` lines, `burst` at a time, `every_ms` apart (0: as fast as it can)',
        schema: {
          type: 'object',
          required: ['lines'],
          properties: {
            lines: { type: 'integer' },
            burst: { type: 'integer' },
            every_ms: { type: 'integer' },
          },
        },
      },
      async execute(ctx, config) {
        const burst = config.burst ?? 1000;
        for (let i = 0; i < config.lines; i++) {
          ctx.log.info(`line ${i}`);
          if ((i + 1) % burst === 0) {
            if (config.every_ms) await sleep(config.every_ms);
            else await new Promise((r) => setImmediate(r));
          }
        }
        return { lines: config.lines };
      },
    }),
  );
  process.stdout.write(`ready ${server.url}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

// ---- a client process: `node bench/stream.bench.mjs --clients <url> <n>` ----------------------
// Connects n clients, then for each `follow <run id> <k>` line on stdin has its first k clients
// follow that run from seq 0 and answers `subscribed`, then the latencies of the run's lines.

async function clientProcess(url, n) {
  const sockets = [];
  for (let i = 0; i < n; i++) sockets.push(await connectClient(url));
  const out = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);
  out({ connected: n });
  let buffered = '';
  process.stdin.on('data', async (chunk) => {
    buffered += chunk.toString();
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const [cmd, runId, k] = buffered.slice(0, nl).split(' ');
      buffered = buffered.slice(nl + 1);
      if (cmd !== 'follow') continue;
      const mine = sockets.slice(0, Number(k));
      const follows = mine.map((s) => follow(s, runId));
      await Promise.all(follows.map((f) => f.acked));
      out({ subscribed: mine.length });
      await Promise.all(follows.map((f) => f.done));
      for (const s of mine) s.removeAllListeners('log:line').removeAllListeners('run:finished');
      out({ lines: follows.map((f) => f.lines) });
    }
  });
}

if (process.argv[2] === '--serve') await serve(process.argv[3]);
if (process.argv[2] === '--clients') await clientProcess(process.argv[3], Number(process.argv[4]));

// ---- the benchmark ---------------------------------------------------------------------------

function startServerProcess(databaseUrl) {
  const child = spawn(process.execPath, [self, '--serve', databaseUrl], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      const text = chunk.toString();
      output.push(text);
      const m = /ready (http:\/\/\S+)/.exec(text);
      if (m) resolve({ child, url: m[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => output.push(c.toString()));
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${output.join('')}`)));
  });
}

/** A process of `n` clients; `follow(runId, k)` resolves once subscribed with the lines promise. */
function startClientProcess(url, n) {
  const child = spawn(process.execPath, [self, '--clients', url, String(n)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = [];
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk.toString();
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const msg = JSON.parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      waiting.shift()?.(msg);
    }
  });
  const next = () => new Promise((r) => waiting.push(r));
  const connected = next();
  return connected.then(() => ({
    child,
    async follow(runId, k) {
      const subscribed = next();
      const lines = next();
      child.stdin.write(`follow ${runId} ${k}\n`);
      await subscribed;
      return { lines: lines.then((m) => m.lines) };
    },
  }));
}

async function stopServerProcess({ child }) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  child.kill('SIGKILL');
}

function connectClient(url) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Follows a run: every log line with its arrival time; resolves `done` on run:finished. */
function follow(socket, runId) {
  const lines = [];
  let finish;
  const done = new Promise((r) => (finish = r));
  socket.on('log:line', (frame) => {
    if (frame.run_id !== runId) return;
    const now = Date.now();
    for (const l of frame.lines)
      lines.push({ seq: l.seq, at: Date.parse(l.at), received: now, message: l.line.message });
  });
  socket.on('run:finished', (e) => {
    if (e.run_id === runId) finish();
  });
  const acked = new Promise((resolve, reject) =>
    socket.emit('run:subscribe', { run_id: runId, after_seq: 0 }, (ack) =>
      ack.ok ? resolve() : reject(new Error(ack.error)),
    ),
  );
  return { lines, done, acked };
}

async function putJob(url, job) {
  await query(
    url,
    `INSERT INTO jobs (id, document, updated_by) VALUES ($1, $2, 'bench')
     ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document`,
    [job.id, JSON.stringify(job)],
  );
}

async function trigger(server, jobId) {
  const res = await fetch(`${server.url}/api/jobs/${jobId}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (res.status !== 202) throw new Error(`trigger ${jobId}: ${res.status}`);
  return (await res.json()).run_id;
}

function checkExact(lines, expected) {
  const printed = lines.filter((l) => l.message.startsWith('line '));
  if (printed.length !== expected || printed.some((l, i) => l.message !== `line ${i}`)) {
    throw new Error(`expected ${expected} lines in order, got ${printed.length}`);
  }
}

async function notifyRoundTrip(url) {
  const listener = new pg.Client({ connectionString: url });
  const sender = new pg.Client({ connectionString: url });
  await Promise.all([listener.connect(), sender.connect()]);
  await listener.query('LISTEN bench_rtt');
  const times = [];
  for (let i = 0; i < 200; i++) {
    const got = new Promise((r) => listener.once('notification', r));
    const t = performance.now();
    await sender.query(`SELECT pg_notify('bench_rtt', 'x')`);
    await got;
    times.push(performance.now() - t);
  }
  await Promise.all([listener.end(), sender.end()]);
  return percentile(times.slice(20), 0.5);
}

export default async function streamBench() {
  await withDatabase(async (url) => {
    const server = await startServerProcess(url);
    const sockets = [];
    try {
      const rtt = await notifyRoundTrip(url);
      console.log(`baseline: PostgreSQL NOTIFY → LISTEN round trip p50 ${rtt.toFixed(3)} ms`);

      // (a) one run, 50,000 lines as fast as the step prints them, one client following from seq 0
      const LINES = 50_000;
      await putJob(url, {
        id: 'bench-burst',
        concurrency: 'parallel',
        steps: [
          { name: 'wait', type: 'noop', ms: 300 },
          { name: 'print', type: 'bench_lines', lines: LINES, burst: 1000 },
        ],
      });
      for (let round = 0; round < 2; round++) {
        const socket = await connectClient(server.url);
        sockets.push(socket);
        const runId = await trigger(server, 'bench-burst');
        const f = follow(socket, runId);
        await f.acked;
        await f.done;
        socket.close();
        checkExact(f.lines, LINES);
        const printed = f.lines.filter((l) => l.message.startsWith('line '));
        const first = printed[0].at;
        const produced = LINES / ((printed.at(-1).at - first) / 1000);
        const delivered = LINES / ((printed.at(-1).received - first) / 1000);
        if (round === 0) continue; // warm-up
        console.log(
          `(a) one run, ${LINES} lines end to end (first printed → last received): ${delivered.toFixed(0)} events/s ` +
            `· target ≥ 5,000/s: ${verdict(delivered, 5_000, false)} · baseline: the step printed them at ` +
            `${produced.toFixed(0)}/s (in ${(printed.at(-1).at - first).toFixed(0)} ms)`,
        );
      }

      // (b) latency with 1, 50 and 200 clients on one run printing 200 lines/s for 5 s
      const PACED = 1_000;
      const PER_PROCESS = 100;
      await putJob(url, {
        id: 'bench-paced',
        concurrency: 'parallel',
        steps: [
          // time for every client to subscribe, so that all the lines are measured live
          { name: 'wait', type: 'noop', ms: 2_000 },
          { name: 'print', type: 'bench_lines', lines: PACED, burst: 5, every_ms: 25 },
        ],
      });
      const processes = [];
      for (let i = 0; i < 200 / PER_PROCESS; i++) processes.push(startClientProcess(server.url, PER_PROCESS));
      const clientProcesses = await Promise.all(processes);
      for (const n of [1, 50, 200]) {
        const runId = await trigger(server, 'bench-paced');
        const parts = [];
        for (let left = n, i = 0; left > 0; left -= PER_PROCESS, i++) {
          parts.push(clientProcesses[i].follow(runId, Math.min(left, PER_PROCESS)));
        }
        const followed = await Promise.all(parts);
        const subscribedAt = Date.now();
        const all = (await Promise.all(followed.map((p) => p.lines))).flat();
        const latencies = [];
        const firstPrinted = all[0].find((l) => l.message.startsWith('line '))?.at ?? 0;
        if (firstPrinted < subscribedAt) console.log(`    (some clients subscribed after the first line)`);
        for (const lines of all) {
          checkExact(lines, PACED);
          for (const l of lines) if (l.message.startsWith('line ')) latencies.push(l.received - l.at);
        }
        const p95 = percentile(latencies, 0.95);
        const target = n === 200 ? ` · target p95 ≤ 50 ms: ${verdict(p95, 50)}` : '';
        console.log(
          `(b) ${String(n).padStart(3)} client(s), ${PACED} lines at 200/s: emit → client p50 ${percentile(latencies, 0.5)} ms, ` +
            `p95 ${p95} ms, max ${latencies.reduce((a, b) => Math.max(a, b), 0)} ms (${latencies.length} deliveries)${target}`,
        );
      }
      for (const p of clientProcesses) p.child.kill();
    } finally {
      for (const s of sockets) s.close();
      await stopServerProcess(server);
    }
  });
}
