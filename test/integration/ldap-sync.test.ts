// ldap_sync end to end: a real slapd whose size limit (1000) is below the directory's size (2,600
// people), the step run by RunEngine through discovery, the real PostgreSQL connector plugin.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, SizeLimitExceededError } from 'ldapts';
import {
  fakeJpeg,
  generatePeople,
  personDn,
  personEntry,
  startSlapd,
  type Slapd,
} from '../fixtures/slapd/slapd-fixture.js';
import {
  openTarget,
  PEOPLE_DDL,
  PEOPLE_MAPPING,
  PEOPLE_UPSERT,
  runJob,
  succeeded,
  syncStep,
  type Target,
} from './ldap-harness.js';

const PEOPLE = 2600;
const SIZE_LIMIT = 1000;

let slapd: Slapd;
let target: Target;

beforeAll(async () => {
  [slapd, target] = await Promise.all([
    startSlapd({ entries: generatePeople(PEOPLE).map(personEntry), sizeLimit: SIZE_LIMIT }),
    openTarget(),
  ]);
  await target.sql(PEOPLE_DDL);
}, 60_000);

afterAll(async () => {
  await Promise.all([slapd?.stop(), target?.close()]);
});

describe('ldap_sync against slapd (sizelimit 1000) into PostgreSQL', () => {
  it('the server really limits a plain search of the service account to 1000 entries', async () => {
    const client = new Client({ url: slapd.url });
    try {
      await client.bind(slapd.bindDn, slapd.password);
      const error = await client
        .search(slapd.peopleDn, { filter: '(objectClass=inetOrgPerson)' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SizeLimitExceededError);
    } finally {
      await client.unbind();
    }
  });

  it('syncs all 2,600 entries with a paged search, joins multi-values, base64s photos', async () => {
    const run = await runJob(
      target,
      syncStep(slapd, {
        target_query: PEOPLE_UPSERT,
        mapping: PEOPLE_MAPPING,
        multi_value_overrides: { telephoneNumber: 'array' },
        page_size: 400,
      }),
    );
    expect(succeeded(run)).toEqual({ fetched: PEOPLE, upserted: PEOPLE, pruned: 0 });
    const [{ count }] = (await target.sql<{ count: string }>('SELECT count(*) FROM people')) as [
      { count: string },
    ];
    expect(Number(count)).toBe(PEOPLE);

    // user00015: two mails (joined with ';'), two phones (an array), a non-ASCII-free cn; no photo.
    const [u15] = await target.sql('SELECT * FROM people WHERE uid = $1', ['user00015']);
    expect(u15).toMatchObject({
      dn: personDn('user00015'),
      cn: 'User 00015',
      sn: 'Surname00015',
      mail: 'user00015@example.org;user00015@alias.example.org',
      phones: ['+33 1 00 00 00015', '+33 6 00 00 00015'],
      photo: null,
    });
    // user00014: UTF-8 cn, single phone (still an array), single mail.
    const [u14] = await target.sql('SELECT cn, mail, phones FROM people WHERE uid = $1', ['user00014']);
    expect(u14).toEqual({
      cn: 'Zoë Müller-Łukasz 00014',
      mail: 'user00014@example.org',
      phones: ['+33 1 00 00 00014'],
    });

    // Every 10th person has a jpegPhoto: base64 in the column, the exact bytes once decoded.
    const photos = await target.sql<{ uid: string; bytes: Buffer }>(
      "SELECT uid, decode(photo, 'base64') AS bytes FROM people WHERE photo IS NOT NULL ORDER BY uid",
    );
    expect(photos).toHaveLength(PEOPLE / 10);
    for (const { uid, bytes } of photos) {
      expect(bytes.equals(fakeJpeg(Number(uid.slice(4))))).toBe(true);
    }

    // Progress and counts reach the run log and events.
    expect(run.events.ofType('step:progress').length).toBeGreaterThan(0);
    const summary = run.messages.find((m) => m.startsWith('ldap_sync · fetched'));
    expect(summary).toMatch(
      /^ldap_sync · fetched 2600 entries in 7 page\(s\) · upserted 2600 \(2600 rows affected\)/,
    );
  });

  it('binds multi-valued attributes as arrays', async () => {
    await target.sql(
      'CREATE TABLE people_arrays (dn text PRIMARY KEY, uid text[], mails text[], phones text[])',
    );
    const run = await runJob(
      target,
      syncStep(slapd, {
        search_filter: '(|(uid=user0001*)(uid=user00020))',
        target_query:
          'INSERT INTO people_arrays (dn, uid, mails, phones) VALUES (:dn, :uid, :mails, :phones)',
        mapping: { dn: 'dn', uid: 'uid', mail: 'mails', telephoneNumber: 'phones' },
        multi_value: 'array',
      }),
    );
    expect(succeeded(run)).toEqual({ fetched: 11, upserted: 11, pruned: 0 });
    const rows = await target.sql('SELECT * FROM people_arrays ORDER BY dn');
    expect(rows).toHaveLength(11);
    expect(rows.find((r) => r.dn === personDn('user00015'))).toEqual({
      dn: personDn('user00015'),
      uid: ['user00015'],
      mails: ['user00015@example.org', 'user00015@alias.example.org'],
      phones: ['+33 1 00 00 00015', '+33 6 00 00 00015'],
    });
  });

  it('runs a statement it cannot batch once per entry, in the same way', async () => {
    await target.sql('CREATE TABLE people_cn (dn text PRIMARY KEY, cn text)');
    await target.sql("INSERT INTO people_cn VALUES ($1, 'stale')", [personDn('user00011')]);
    const run = await runJob(
      target,
      syncStep(slapd, {
        search_filter: '(uid=user0001*)',
        target_query:
          'INSERT INTO people_cn (dn, cn) VALUES (:dn, :cn) ON CONFLICT (dn) DO UPDATE SET cn = :cn',
        mapping: { dn: 'dn', cn: 'cn' },
      }),
      { logLevel: 'DEBUG' },
    );
    expect(succeeded(run)).toEqual({ fetched: 10, upserted: 10, pruned: 0 });
    expect(run.messages).toContain(
      'target_query (one statement per entry): INSERT INTO people_cn (dn, cn) VALUES (:dn, :cn) ON CONFLICT (dn) DO UPDATE SET cn = :cn',
    );
    expect(await target.sql('SELECT cn FROM people_cn WHERE dn = $1', [personDn('user00011')])).toEqual([
      { cn: 'User 00011' },
    ]);
  });

  it('prunes the rows of entries deleted from the directory, keyed by dn or by another attribute', async () => {
    await target.sql('TRUNCATE people');
    const sync = (fields: Record<string, string>) =>
      runJob(
        target,
        syncStep(slapd, {
          target_query: PEOPLE_UPSERT,
          mapping: PEOPLE_MAPPING,
          multi_value_overrides: { telephoneNumber: 'array' },
          ...fields,
        }),
      );
    const first = await sync({ prune_query: 'DELETE FROM people WHERE dn <> ALL(:seen)' });
    expect(succeeded(first)).toEqual({ fetched: PEOPLE, upserted: PEOPLE, pruned: 0 });

    const gone = ['user00007', 'user01500', 'user02600'];
    await slapd.remove(gone.map(personDn));
    await slapd.add(generatePeople(1, { start: 9001 }).map(personEntry));
    const second = await sync({ prune_query: 'DELETE FROM people WHERE dn <> ALL(:seen)' });
    expect(succeeded(second)).toEqual({ fetched: PEOPLE - 2, upserted: PEOPLE - 2, pruned: 3 });
    expect(
      await target.sql('SELECT uid FROM people WHERE uid = ANY($1) ORDER BY uid', [[...gone, 'user09001']]),
    ).toEqual([{ uid: 'user09001' }]);
    expect(second.messages.find((m) => m.startsWith('ldap_sync · fetched'))).toContain('· pruned 3 ·');

    await slapd.remove([personDn('user09001')]);
    const byUid = await sync({
      key_attribute: 'uid',
      prune_query: 'DELETE FROM people WHERE uid <> ALL(:seen)',
    });
    expect(succeeded(byUid)).toEqual({ fetched: PEOPLE - 3, upserted: PEOPLE - 3, pruned: 1 });
    const [{ count }] = (await target.sql<{ count: string }>('SELECT count(*) FROM people')) as [
      { count: string },
    ];
    expect(Number(count)).toBe(PEOPLE - 3);
  });

  it('does not prune when the search finds nothing (it would empty the table)', async () => {
    const before = await target.sql('SELECT count(*)::int AS n FROM people');
    const run = await runJob(
      target,
      syncStep(slapd, {
        search_filter: '(uid=nobody-by-that-name)',
        target_query: PEOPLE_UPSERT,
        mapping: PEOPLE_MAPPING,
        multi_value_overrides: { telephoneNumber: 'array' },
        prune_query: 'DELETE FROM people WHERE dn <> ALL(:seen)',
      }),
    );
    expect(succeeded(run)).toEqual({ fetched: 0, upserted: 0, pruned: 0 });
    expect(run.messages).toContain(
      'the search returned no entry: prune_query skipped (it would have deleted every row)',
    );
    expect(await target.sql('SELECT count(*)::int AS n FROM people')).toEqual(before);
  });
});
