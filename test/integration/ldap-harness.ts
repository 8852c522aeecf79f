// Shared by test/integration/ldap-*.test.ts: the ldap_sync step run through the real kernel — plugins
// discovered from plugins/ (their dist), the real PostgreSQL connector plugin, RunEngine with the
// in-memory store and recording event sink — against a throwaway slapd and a throwaway database.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { NotFoundError } from '@nomaflow/contracts';
import type { Connector, Json, JobDocument, RunOverrides } from '@nomaflow/contracts';
import { InProcessStepExecutor, RunEngine, StepTypeRegistry, SystemClock } from '@nomaflow/kernel';
import type { RunOutcome } from '@nomaflow/kernel';
import { MemoryRunStore, RecordingEventSink } from '@nomaflow/kernel/testing';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import type { Slapd } from '../fixtures/slapd/slapd-fixture.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Target {
  db: TestDatabase;
  registry: StepTypeRegistry;
  /** The `target` connector, opened with the postgres connector plugin. */
  connector: Connector & { close(): Promise<void> };
  /** A plain query on the test database, to set up and check tables. */
  sql<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<R[]>;
  close(): Promise<void>;
}

/** Discovers the plugins and opens a connector on a fresh database with the postgres plugin. */
export async function openTarget(): Promise<Target> {
  const registry = new StepTypeRegistry();
  await registry.discover([join(root, 'plugins')]);
  if (!registry.has('ldap_sync')) {
    throw new Error(`ldap_sync did not load (run npx tsc -b): ${registry.unavailableReason('ldap_sync')}`);
  }
  const driver = registry.connectorDriver('postgres');
  if (!driver) {
    const why = registry.failures().find((f) => f.type === 'postgres')?.error ?? 'not found in plugins/';
    throw new Error(`the postgres connector plugin did not load (run npx tsc -b): ${why}`);
  }
  const db = await createTestDatabase('nomaflow_ldap');
  const url = new URL(db.url);
  const connector = await driver.open({
    name: 'target',
    driver: 'postgres',
    host: url.hostname,
    port: Number(url.port || 5432),
    database: db.name,
    user: decodeURIComponent(url.username) || 'postgres',
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  });
  const admin = new pg.Pool({ connectionString: db.url, max: 2 });
  return {
    db,
    registry,
    connector,
    async sql<R extends Record<string, unknown>>(text: string, values: unknown[] = []) {
      return (await admin.query(text, values)).rows as R[];
    },
    async close() {
      await connector.close();
      await admin.end();
      await db.drop();
    },
  };
}

/** A step of type ldap_sync reading `slapd` as its service account, writing to the `target` connector. */
export function syncStep(slapd: Slapd, fields: Record<string, Json>): Record<string, Json> {
  return {
    name: 'sync-people',
    type: 'ldap_sync',
    server: slapd.url,
    bind_dn: slapd.bindDn,
    bind_password: slapd.password,
    search_base: slapd.peopleDn,
    search_filter: '(objectClass=inetOrgPerson)',
    target_connector: 'target',
    ...fields,
  };
}

export interface SyncRun {
  outcome: RunOutcome;
  store: MemoryRunStore;
  events: RecordingEventSink;
  /** The step's output (null unless it succeeded). */
  output: Record<string, Json> | null;
  /** The step's error message (null unless it failed). */
  error: string | null;
  messages: string[];
}

let runs = 0;

/** Runs a one-step job through RunEngine, as a worker would. */
export async function runJob(
  target: Target,
  step: Record<string, Json>,
  options: {
    signal?: AbortSignal;
    env?: Record<string, string>;
    logLevel?: 'INFO' | 'DEBUG';
    retry?: JobDocument['retry'];
    /** Wraps the target connector (to watch or interfere with what the step does). */
    connector?: Connector;
  } = {},
): Promise<SyncRun> {
  const store = new MemoryRunStore();
  const events = new RecordingEventSink();
  const connector = options.connector ?? target.connector;
  const engine = new RunEngine({
    store,
    events,
    clock: new SystemClock(),
    executor: new InProcessStepExecutor(target.registry),
    connectors: {
      get: async (name) => {
        if (name !== 'target') throw new NotFoundError(`unknown connector: ${name}`);
        return connector;
      },
    },
    env: options.env ?? {},
  });
  const job = {
    id: 'ldap-sync-it',
    steps: [step],
    ...(options.retry ? { retry: options.retry } : {}),
  } as unknown as JobDocument;
  const overrides: RunOverrides = { log_level: options.logLevel ?? 'INFO' };
  const outcome = await engine.execute(
    { id: `run-${++runs}`, job, triggered_by: 'api', overrides },
    options.signal ? { signal: options.signal } : {},
  );
  const row = outcome.steps[0];
  return {
    outcome,
    store,
    events,
    output: (row?.output as Record<string, Json> | null) ?? null,
    error: row?.error ?? null,
    messages: events.messages(),
  };
}

/** The step's output; fails with the run's error and log when the run did not succeed. */
export function succeeded(run: SyncRun): Record<string, Json> {
  if (run.outcome.status !== 'SUCCEEDED' || !run.output) {
    throw new Error(`run ${run.outcome.status}: ${run.outcome.error}\n${run.messages.join('\n')}`);
  }
  return run.output;
}

/** Everything the run recorded, as text: events (log lines, outputs, errors) and store writes. */
export function recordedText(run: SyncRun): string {
  return JSON.stringify(run.events.events) + JSON.stringify(run.store.writes);
}

export const PEOPLE_DDL = `
  CREATE TABLE people (
    dn     text PRIMARY KEY,
    uid    text NOT NULL,
    cn     text,
    sn     text,
    mail   text,
    phones text[],
    photo  text,
    synced_at timestamptz NOT NULL DEFAULT now()
  )`;

/** Upserts the person columns; a single VALUES row, so ldap_sync sends it as multi-row statements. */
export const PEOPLE_UPSERT =
  'INSERT INTO people (dn, uid, cn, sn, mail, phones, photo) ' +
  'VALUES (:dn, :uid, :cn, :sn, :mail, :phones, :photo) ' +
  'ON CONFLICT (dn) DO UPDATE SET uid = EXCLUDED.uid, cn = EXCLUDED.cn, sn = EXCLUDED.sn, ' +
  'mail = EXCLUDED.mail, phones = EXCLUDED.phones, photo = EXCLUDED.photo, synced_at = now()';

export const PEOPLE_MAPPING: Record<string, Json> = {
  dn: 'dn',
  uid: 'uid',
  cn: 'cn',
  sn: 'sn',
  mail: 'mail',
  telephoneNumber: 'phones',
  jpegPhoto: 'photo',
};
