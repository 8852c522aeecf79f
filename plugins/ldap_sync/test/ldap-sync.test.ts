import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError, hasErrorCode } from '@nomaflow/contracts';
import type { Connector, Json } from '@nomaflow/contracts';
import { createTestStepContext, stepTypeContractChecks } from '@nomaflow/kernel/testing';
import { StepTypeRegistry } from '@nomaflow/kernel';
import ldapSync from '../src/index.js';
import { planEntries } from '../src/entries.js';
import { describeLdapError } from '../src/directory.js';
import { findPlaceholders, multiRowForm } from '../src/sql-text.js';
import { planTarget } from '../src/target.js';
import { InvalidCredentialsError, SizeLimitExceededError } from 'ldapts';

const pluginDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A TCP server that accepts LDAP connections and never answers: binds to it block until aborted. */
let silent: Server;
let silentPort = 0;
const silentSockets = new Set<Socket>();
const closedSockets: Socket[] = [];

beforeAll(async () => {
  silent = createServer((socket) => {
    silentSockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => closedSockets.push(socket));
    socket.resume(); // read (and drop) what the client sends, so its hang-up is seen
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  silentPort = typeof address === 'object' && address ? address.port : 0;
});

afterAll(async () => {
  for (const s of silentSockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

const baseConfig = (server: string): Record<string, Json> => ({
  server,
  bind_dn: 'cn=sync,dc=example,dc=org',
  bind_password: 'not-the-password',
  search_base: 'dc=example,dc=org',
  target_connector: 'target',
  target_query: 'INSERT INTO people (dn, uid) VALUES (:dn, :uid)',
  mapping: { dn: 'dn', uid: 'uid' },
});

/** A connector nobody should reach: these tests fail before any SQL runs. */
const unreachable: Connector = new Proxy({} as Connector, {
  get(_t, prop) {
    if (prop === 'name') return 'target';
    if (prop === 'driver') return 'none';
    if (prop === 'then') return undefined;
    return () => Promise.reject(new Error(`connector.${String(prop)} called`));
  },
});

describe('ldap_sync: the kernel contract kit', () => {
  it('passes every contract check', async () => {
    const checks = await stepTypeContractChecks(pluginDir, {
      // A server that accepts the connection and never answers the bind: only abort ends the step.
      abortConfig: baseConfig(`ldap://127.0.0.1:${silentPort}`),
      // Nothing listens on port 1: the connection is refused.
      failConfig: baseConfig('ldap://127.0.0.1:1'),
      invalidConfigs: [
        {},
        { ...baseConfig('http://example.org') },
        { ...baseConfig('ldap://x'), scope: 'subtree' },
        { ...baseConfig('ldap://x'), mapping: {} },
        { ...baseConfig('ldap://x'), mapping: { uid: 'not a column' } },
        { ...baseConfig('ldap://x'), multi_value: 'concat' },
        { ...baseConfig('ldap://x'), page_size: 0 },
        { ...baseConfig('ldap://x'), bind_password: '' },
        { ...baseConfig('ldap://x'), nope: 1 },
      ],
    });
    expect(checks).toHaveLength(6);
    for (const check of checks) {
      await expect(check.run()).resolves.toBeUndefined();
    }
  });

  it('declares bind_password a secret, edited with the secret widget', async () => {
    const registry = new StepTypeRegistry();
    await registry.discover([pluginDir]);
    const manifest = registry.manifest('ldap_sync');
    expect(manifest?.secrets).toEqual(['/bind_password']);
    const properties = manifest?.schema.properties ?? {};
    const hint = (field: string) => (properties[field] as { 'x-ui'?: { widget?: string } })['x-ui']?.widget;
    expect(hint('bind_password')).toBe('secret');
    expect(hint('target_connector')).toBe('connector');
    expect(hint('target_query')).toBe('sql');
    expect(hint('prune_query')).toBe('sql');
    expect(hint('mapping')).toBe('key-value');
  });
});

describe('ldap_sync: failures before any SQL', () => {
  const run = async (config: Record<string, Json>) => {
    const registry = new StepTypeRegistry();
    await registry.discover([pluginDir]);
    const { ctx, controller } = createTestStepContext({ connectors: { target: unreachable } });
    const execution = ldapSync.execute(
      ctx,
      registry.prepareConfig('ldap_sync', config) as Parameters<typeof ldapSync.execute>[1],
    );
    return { execution, controller };
  };

  it('abort destroys the connection to a server that never answers and rejects with the cancel', async () => {
    const before = closedSockets.length;
    const { execution, controller } = await run(baseConfig(`ldap://127.0.0.1:${silentPort}`));
    await new Promise((r) => setTimeout(r, 100));
    controller.abort(new CancelledError('alice'));
    const error = await execution.catch((e: unknown) => e);
    expect(hasErrorCode(error, 'cancelled')).toBe(true);
    expect((error as Error).message).toBe('cancelled by alice');
    await new Promise((r) => setTimeout(r, 100));
    expect(closedSockets.length).toBeGreaterThan(before);
  });

  it('a refused connection is a retryable step failure naming the server', async () => {
    const { execution } = await run(baseConfig('ldap://127.0.0.1:1'));
    const error = await execution.catch((e: unknown) => e);
    expect(hasErrorCode(error, 'step_failed')).toBe(true);
    expect((error as Error).message).toMatch(
      /^cannot connect to LDAP server ldap:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    expect((error as { retryable: boolean }).retryable).toBe(true);
  });

  it('an invalid filter is refused before connecting', async () => {
    const { execution } = await run({ ...baseConfig('ldap://127.0.0.1:1'), search_filter: '(uid=a' });
    const error = await execution.catch((e: unknown) => e);
    expect(hasErrorCode(error, 'validation')).toBe(true);
    expect((error as Error).message).toContain('/search_filter: invalid search_filter (uid=a');
  });

  it('a placeholder the mapping does not produce is refused before connecting', async () => {
    const { execution } = await run({
      ...baseConfig('ldap://127.0.0.1:1'),
      target_query: 'INSERT INTO people (dn, mail) VALUES (:dn, :mail)',
    });
    const error = await execution.catch((e: unknown) => e);
    expect(hasErrorCode(error, 'validation')).toBe(true);
    expect((error as Error).message).toBe(
      '/target_query: target_query uses :mail, which no mapping entry produces (mapping columns: dn, uid)',
    );
  });
});

describe('sql-text', () => {
  it('finds placeholders outside strings, identifiers, comments, dollar quotes and casts', () => {
    const sql =
      "SELECT :a, ':no', \"x:no\", $$ :no $$, $t$ :no $t$, E'\\' :no', :b::text, a:no -- :no\n /* :no /* :no */ */ :c";
    expect(findPlaceholders(sql).map((p) => p.name)).toEqual(['a', 'b', 'c']);
  });

  it('turns a one-row VALUES statement into multi-row statements with renamed placeholders', () => {
    const form = multiRowForm(
      'INSERT INTO t (dn, mail) VALUES (:dn, lower(:mail)) ON CONFLICT (dn) DO UPDATE SET mail = EXCLUDED.mail',
    );
    expect(form?.names).toEqual(['dn', 'mail']);
    expect(form?.perRow).toBe(2);
    expect(form?.render(2)).toBe(
      'INSERT INTO t (dn, mail) VALUES (:dn__0, lower(:mail__0)), (:dn__1, lower(:mail__1)) ON CONFLICT (dn) DO UPDATE SET mail = EXCLUDED.mail',
    );
  });

  it('keeps statements it cannot batch safely one per row', () => {
    expect(multiRowForm('UPDATE t SET mail = :mail WHERE dn = :dn')).toBeUndefined();
    expect(multiRowForm('INSERT INTO t VALUES (:a) ON CONFLICT (a) DO UPDATE SET b = :b')).toBeUndefined();
    expect(multiRowForm('INSERT INTO t VALUES (:a), (:b)')).toBeUndefined();
    expect(
      multiRowForm('INSERT INTO t SELECT :a WHERE NOT EXISTS (SELECT 1 FROM u VALUES (1))'),
    ).toBeUndefined();
    expect(multiRowForm("INSERT INTO t VALUES (:a, 'VALUES (x)')")?.render(1)).toBe(
      "INSERT INTO t VALUES (:a__0, 'VALUES (x)')",
    );
  });

  it('caps rows per statement so a statement stays under the drivers’ parameter limits', () => {
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`c${i}`, `c${i}`]));
    const plan = planTarget({
      targetQuery: `INSERT INTO t VALUES (${Object.keys(wide)
        .map((c) => `:${c}`)
        .join(', ')})`,
      pruneQuery: undefined,
      columns: Object.values(wide),
      batchSize: 10_000,
    });
    expect(plan.rowsPerStatement).toBe(300);
  });

  it('prune_query may only bind :seen', () => {
    expect(() =>
      planTarget({
        targetQuery: 'INSERT INTO t VALUES (:dn)',
        pruneQuery: 'DELETE FROM t WHERE dn <> ALL(:seen) AND src = :src',
        columns: ['dn'],
        batchSize: 10,
      }),
    ).toThrow('prune_query may only use :seen (the keys of the entries fetched), not :src');
  });
});

describe('entries', () => {
  const plan = (over: Partial<Parameters<typeof planEntries>[0]> = {}) =>
    planEntries({
      attributes: [],
      binaryAttributes: [],
      mapping: { dn: 'dn', uid: 'uid', mail: 'mail', telephoneNumber: 'phones', jpegPhoto: 'photo' },
      keyAttribute: 'dn',
      multiValue: 'join',
      multiValueOverrides: {},
      joinSeparator: ';',
      ...over,
    });

  it('asks for all user attributes plus the mapped ones, never dn; certificates with ;binary', () => {
    expect(plan().requested).toEqual(['*', 'uid', 'mail', 'telephoneNumber', 'jpegPhoto']);
    expect(
      plan({ attributes: ['cn'], mapping: { dn: 'dn', userCertificate: 'cert' }, keyAttribute: 'entryUUID' })
        .requested,
    ).toEqual(['cn', 'userCertificate;binary', 'entryUUID']);
    expect(plan().explicitBuffers).toContain('jpegPhoto');
  });

  it('joins, lists or picks multi-valued attributes; base64 for bytes; NULL when absent', () => {
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x41]);
    const entry = {
      dn: 'uid=a,dc=x',
      uid: 'a',
      MAIL: ['a@x', 'b@x'],
      telephoneNumber: ['1', '2'],
      'jpegPhoto;binary': photo,
    };
    expect(plan().convert(entry)).toEqual({
      row: { dn: 'uid=a,dc=x', uid: 'a', mail: 'a@x;b@x', phones: '1;2', photo: photo.toString('base64') },
      key: 'uid=a,dc=x',
    });
    expect(plan({ multiValue: 'array' }).convert(entry).row).toMatchObject({
      dn: 'uid=a,dc=x',
      uid: ['a'],
      mail: ['a@x', 'b@x'],
    });
    expect(plan({ multiValueOverrides: { telephonenumber: 'array' } }).convert(entry).row).toMatchObject({
      uid: 'a',
      mail: 'a@x;b@x',
      phones: ['1', '2'],
    });
    expect(plan({ multiValue: 'first', keyAttribute: 'mail' }).convert(entry)).toMatchObject({
      row: { mail: 'a@x' },
      key: 'a@x',
    });
    expect(plan().convert({ dn: 'uid=b,dc=x', mail: [] }).row).toEqual({
      dn: 'uid=b,dc=x',
      uid: null,
      mail: null,
      phones: null,
      photo: null,
    });
  });

  it('re-encodes a binary value that came back decoded as UTF-8', () => {
    const row = plan().convert({ dn: 'x', jpegPhoto: 'abc' }).row;
    expect(row.photo).toBe(Buffer.from('abc').toString('base64'));
  });
});

describe('describeLdapError', () => {
  it('names the LDAP result in words', () => {
    expect(describeLdapError(new InvalidCredentialsError(''))).toBe('invalid credentials (LDAP result 49)');
    expect(describeLdapError(new SizeLimitExceededError('too many'))).toBe(
      'size limit exceeded (LDAP result 4): too many',
    );
  });
});
