import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { startServerProcess } from '../support/server-process.js';
import { apiClient } from '../support/test-server.js';
import { waitFor } from '../support/wait.js';

/**
 * `npm start` on a fresh machine: no DATABASE_URL, so the server runs its own PostgreSQL in the data
 * folder, seeds the demo job, stops it on SIGTERM, and cleans up after a SIGKILLed predecessor.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'nomaflow-embedded-'));
chmodSync(dataDir, 0o711);
let child: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function start(pgPort: number): Promise<{ url: string; output: string[] }> {
  const started = await startServerProcess('embedded', {
    NOMAFLOW_DATA_DIR: dataDir,
    NOMAFLOW_EMBEDDED_PG_PORT: String(pgPort),
  });
  child = started.child;
  return started;
}

function postmasterPid(): number | undefined {
  const file = join(dataDir, 'pg', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

/** Running, and not a zombie waiting for a parent that was killed to be reaped. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

afterAll(async () => {
  child?.kill('SIGKILL');
  const pid = postmasterPid();
  if (pid && alive(pid)) process.kill(pid, 'SIGINT');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start without DATABASE_URL', () => {
  it('initialises an embedded PostgreSQL, seeds the demo job, stops it on SIGTERM, recovers from SIGKILL', async () => {
    const pgPort = await freePort();
    const first = await start(pgPort);
    const api = apiClient(first.url);
    const ready = await waitFor('readiness', async () => {
      const r = await api.get<{ ready: boolean }>('/health/ready');
      return r.status === 200 ? r.body : undefined;
    });
    expect(ready.ready).toBe(true);
    const jobs = await api.get<{ id: string }[]>('/api/jobs');
    expect(jobs.body.map((j) => j.id)).toEqual(['demo-hello']);
    const run = await api.post<{ run_id: string }>('/api/jobs/demo-hello/runs', {});
    expect(run.status).toBe(202);
    await waitFor('the demo run to succeed', async () => {
      const r = await api.get<{ status: string }>(`/api/runs/${run.body.run_id}`);
      return r.body.status === 'SUCCEEDED' ? true : undefined;
    });

    // SIGTERM: the server stops its PostgreSQL too.
    const pid = postmasterPid();
    expect(pid).toBeDefined();
    const exited = new Promise((r) => child?.once('exit', r));
    child?.kill('SIGTERM');
    await exited;
    await waitFor('postgres to stop', async () => (!alive(pid!) ? true : undefined));

    // SIGKILL leaves the postmaster running; the next start stops it and starts cleanly.
    const second = await start(pgPort);
    const orphan = postmasterPid();
    const killed = new Promise((r) => child?.once('exit', r));
    child?.kill('SIGKILL');
    await killed;
    expect(alive(orphan!)).toBe(true);
    const third = await start(pgPort);
    expect(third.output.join('')).toContain(
      `stopping a postmaster left running by an earlier start (pid ${orphan})`,
    );
    expect(alive(orphan!)).toBe(false);
    const again = apiClient(third.url);
    expect((await again.get<{ id: string }[]>('/api/jobs')).body.map((j) => j.id)).toEqual(['demo-hello']);
    expect((await again.get<{ status: string }>(`/api/runs/${run.body.run_id}`)).body.status).toBe(
      'SUCCEEDED',
    );
    void second;
  }, 120_000);
});
