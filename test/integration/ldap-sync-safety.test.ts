// ldap_sync failure paths through RunEngine (MemoryRunStore + RecordingEventSink, so the engine's
// secret masking is what stands between the password and the run's record): a wrong password, the
// password kept out of logs and events, abort mid-sync rolling the target transaction back, ldaps://.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError } from '@nomaflow/contracts';
import type { Connector, QueryOptions } from '@nomaflow/contracts';
import { generatePeople, personEntry, startSlapd, type Slapd } from '../fixtures/slapd/slapd-fixture.js';
import {
  openTarget,
  PEOPLE_DDL,
  PEOPLE_MAPPING,
  PEOPLE_UPSERT,
  recordedText,
  runJob,
  succeeded,
  syncStep,
  type Target,
} from './ldap-harness.js';

const PEOPLE = 2500;

let slapd: Slapd;
let target: Target;

beforeAll(async () => {
  [slapd, target] = await Promise.all([
    startSlapd({ entries: generatePeople(PEOPLE).map(personEntry), sizeLimit: 1000, tls: true }),
    openTarget(),
  ]);
  await target.sql(PEOPLE_DDL);
}, 60_000);

afterAll(async () => {
  await Promise.all([slapd?.stop(), target?.close()]);
});

const step = (fields: Record<string, string | number | boolean> = {}) =>
  syncStep(slapd, {
    target_query: PEOPLE_UPSERT,
    mapping: PEOPLE_MAPPING,
    multi_value_overrides: { telephoneNumber: 'array' },
    ...fields,
  });

describe('ldap_sync: credentials', () => {
  it('a wrong bind password fails at once, not retried, with a clear message', async () => {
    const wrong = 'Wr0ng-Passw0rd-5e3f';
    const run = await runJob(target, step({ bind_password: wrong }), {
      retry: { attempts: 3, backoff: 'fixed', base_seconds: 0 },
      logLevel: 'DEBUG',
    });
    expect(run.outcome.status).toBe('FAILED');
    expect(run.error).toBe(`LDAP bind failed for ${slapd.bindDn}: invalid credentials`);
    expect(run.outcome.steps[0]?.attempts).toBe(1);
    expect(recordedText(run)).not.toContain(wrong);
  });

  it('the bind password never reaches logs, events or stored rows — typed in the job or from ${env:…}', async () => {
    for (const bind_password of [slapd.password, '${env:LDAP_SYNC_PASSWORD}']) {
      const run = await runJob(target, step({ bind_password, search_filter: '(uid=user0000*)' }), {
        env: { LDAP_SYNC_PASSWORD: slapd.password },
        logLevel: 'DEBUG',
      });
      expect(succeeded(run)).toEqual({ fetched: 9, upserted: 9, pruned: 0 });
      const text = recordedText(run);
      expect(text).toContain(slapd.bindDn); // the log names the account…
      expect(text).not.toContain(slapd.password); // …never its password
      expect(run.messages.some((m) => m.startsWith('target_query (multi-row'))).toBe(true); // DEBUG lines were on
    }
  });

  it('wherever the password would surface, the engine masks it (bind_password is a declared secret)', async () => {
    // Contrived on purpose: the password typed into the search base too, so that the INFO line and
    // the error (which name the search base) would carry it. The manifest's "secrets" make them ***.
    const run = await runJob(target, step({ search_base: `ou=${slapd.password},dc=example,dc=org` }));
    expect(run.outcome.status).toBe('FAILED');
    expect(run.error).toBe('LDAP search base ou=***,dc=example,dc=org does not exist (LDAP result 32)');
    expect(recordedText(run)).not.toContain(slapd.password);
  });
});

/** `connector`, calling `afterQuery` after each statement run inside one of its transactions. */
function inTransaction(connector: Connector, afterQuery: () => void): Connector {
  const watch = (c: Connector, inside: boolean): Connector =>
    new Proxy(c, {
      get(t, prop) {
        if (prop === 'transaction') {
          return <T>(fn: (tx: Connector) => Promise<T>, opts?: QueryOptions) =>
            t.transaction((tx) => fn(watch(tx, true)), opts);
        }
        if (prop === 'query' && inside) {
          return async (...args: Parameters<Connector['query']>) => {
            const result = await t.query(...args);
            afterQuery();
            return result;
          };
        }
        const value: unknown = Reflect.get(t, prop, t);
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
  return watch(connector, false);
}

describe('ldap_sync: abort', () => {
  it('cancelling mid-sync rolls the target transaction back and ends the run CANCELED', async () => {
    await target.sql('TRUNCATE people');
    await target.sql("INSERT INTO people (dn, uid, cn) VALUES ('uid=keep,dc=x', 'keep', 'kept')");
    const controller = new AbortController();
    let statements = 0;
    // Watch the step's statements inside its transaction; cancel once two batches are written.
    const watched = inTransaction(target.connector, () => {
      if (++statements === 2) controller.abort(new CancelledError('alice'));
    });
    const run = await runJob(
      target,
      step({ page_size: 250, batch_size: 250, prune_query: 'DELETE FROM people WHERE dn <> ALL(:seen)' }),
      { connector: watched, signal: controller.signal },
    );
    expect(statements).toBe(2);
    expect(run.outcome.status).toBe('CANCELED');
    expect(run.outcome.steps[0]).toMatchObject({ status: 'CANCELED', reason: 'cancelled by alice' });
    expect(run.messages.at(-1)).toBe('run cancelled by alice');
    // The 500 rows written before the cancel are gone, the row the prune would have deleted is still there.
    expect(await target.sql('SELECT uid FROM people')).toEqual([{ uid: 'keep' }]);
  });
});

describe('ldap_sync: ldaps://', () => {
  it('refuses a certificate it cannot verify, by default', async () => {
    const run = await runJob(
      target,
      step({ server: slapd.ldapsUrl ?? '', search_filter: '(uid=user0000*)' }),
    );
    expect(run.outcome.status).toBe('FAILED');
    expect(run.error).toMatch(
      new RegExp(
        `^cannot connect to LDAP server ${slapd.ldapsUrl}: self-signed certificate \\(a certificate`,
      ),
    );
    expect(run.outcome.steps[0]?.attempts).toBe(1);
  });

  it('syncs over TLS with tls_reject_unauthorized: false', async () => {
    const run = await runJob(
      target,
      step({
        server: slapd.ldapsUrl ?? '',
        tls_reject_unauthorized: false,
        search_filter: '(uid=user0000*)',
      }),
    );
    expect(succeeded(run)).toEqual({ fetched: 9, upserted: 9, pruned: 0 });
  });
});
