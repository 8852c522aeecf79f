// What each step type costs by itself, against a baseline measured in the same run (targets in brackets):
//  python — an empty function (samples.empty:run) as a step, p95 over a bare `python3 -c pass` spawn
//           of the same interpreter                                                         [≤ 50 ms]
//  http   — a GET to a local node:http server as a step, p50 over the bare undici request
//           to the same server                                                               [≤ 5 ms]
// Samples of a figure and its baseline alternate, so load on the machine hits both alike.
// Each step type is a section: append one with `sections.push({ name, run })` at the end of this file.
// `NOMAFLOW_BENCH_SECTIONS=python,http` runs some of them only.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StepTypeRegistry } from '@nomaflow/kernel';
import { createTestStepContext } from '@nomaflow/kernel/testing';
import { Agent, request } from 'undici';
import { percentile, root, verdict } from './support.mjs';

/** @type {{ name: string, run: () => Promise<void> }[]} */
export const sections = [];

export default async function stepsBench() {
  const only = process.env.NOMAFLOW_BENCH_SECTIONS?.split(',').map((s) => s.trim());
  for (const section of sections) {
    if (only && !only.includes(section.name)) continue;
    console.log(`-- ${section.name}`);
    await section.run();
  }
}

/** A step type loaded the way the server loads it: discovery of its (built) plugin folder. */
async function loadStepType(folder, type) {
  const registry = new StepTypeRegistry();
  const report = await registry.discover([join(root, 'plugins', folder)]);
  if (report.failed.length) throw new Error(`plugin ${folder} failed to load: ${report.failed[0].error}`);
  const stepType = registry.get(type);
  return (config) => {
    const { ctx } = createTestStepContext();
    return stepType.execute(ctx, registry.prepareConfig(type, config));
  };
}

/** Runs `a` and `b` alternately, `rounds` times after `warmup` unrecorded rounds; returns their times in ms. */
async function alternate(rounds, warmup, a, b) {
  const times = { a: [], b: [] };
  for (let i = 0; i < warmup + rounds; i++) {
    for (const [key, fn] of i % 2
      ? [
          ['b', b],
          ['a', a],
        ]
      : [
          ['a', a],
          ['b', b],
        ]) {
      const t = performance.now();
      await fn();
      if (i >= warmup) times[key].push(performance.now() - t);
    }
  }
  return times;
}

const ms = (x) => `${x.toFixed(2)} ms`;

// ---------------------------------------------------------------------------------------------- python

sections.push({
  name: 'python',
  async run() {
    process.env.NOMAFLOW_PYTHON_PATH = join(root, 'test', 'fixtures', 'python');
    const plugin = await import(pathToFileURL(join(root, 'plugins', 'python', 'dist', 'index.js')).href);
    const { executable, version } = await plugin.resolvePython();
    const step = await loadStepType('python', 'python');
    const config = { callable: 'samples.empty:run' };
    // The baseline starts the same interpreter with the same clean environment, and only that.
    const env = plugin.childEnvironment({ env: {}, secret_env: {} }, [process.env.NOMAFLOW_PYTHON_PATH]);
    const bareSpawn = () =>
      new Promise((resolve, reject) => {
        const child = spawn(executable, ['-c', 'pass'], { env, stdio: 'ignore' });
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`python exited ${code}`))));
      });
    const ROUNDS = 100;
    const { a: steps, b: spawns } = await alternate(ROUNDS, 5, () => step(config), bareSpawn);
    const [s50, s95, b50, b95] = [
      percentile(steps, 0.5),
      percentile(steps, 0.95),
      percentile(spawns, 0.5),
      percentile(spawns, 0.95),
    ];
    // p50: round by round; p95: tail against tail (a p95 of per-round differences measures the noise
    // of two process starts more than the step).
    const overhead50 = percentile(
      steps.map((t, i) => t - spawns[i]),
      0.5,
    );
    const overhead95 = s95 - b95;
    console.log(`python ${version} (${executable}), ${ROUNDS} rounds`);
    console.log(`  step, empty function: p50 ${ms(s50)} · p95 ${ms(s95)}`);
    console.log(`  baseline, bare \`python3 -c pass\` spawn: p50 ${ms(b50)} · p95 ${ms(b95)}`);
    console.log(
      `  step overhead over the bare spawn: p50 ${ms(overhead50)} · p95 ${ms(overhead95)} · target p95 ≤ 50 ms: ${verdict(overhead95, 50)} ` +
        `· step p95 ${(s95 / b95).toFixed(2)}× the baseline's`,
    );
  },
});

// ---------------------------------------------------------------------------------------------- http

sections.push({
  name: 'http',
  async run() {
    const payload = JSON.stringify({ ok: true, items: [1, 2, 3] });
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end(payload);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${server.address().port}/ping`;
    const agent = new Agent();
    try {
      const step = await loadStepType('http', 'http');
      const config = { url };
      const bare = async () => {
        const res = await request(url, { dispatcher: agent });
        await res.body.text();
      };
      const ROUNDS = 2000;
      const { a: steps, b: bares } = await alternate(ROUNDS, 200, () => step(config), bare);
      const [s50, s95, b50, b95] = [
        percentile(steps, 0.5),
        percentile(steps, 0.95),
        percentile(bares, 0.5),
        percentile(bares, 0.95),
      ];
      const overhead50 = percentile(
        steps.map((t, i) => t - bares[i]),
        0.5,
      );
      console.log(`http GET to a local node:http server, ${ROUNDS} rounds`);
      console.log(`  step: p50 ${ms(s50)} · p95 ${ms(s95)}`);
      console.log(`  baseline, bare undici request: p50 ${ms(b50)} · p95 ${ms(b95)}`);
      console.log(
        `  step overhead over the bare request (round by round): p50 ${ms(overhead50)} · target p50 ≤ 5 ms: ${verdict(overhead50, 5)} ` +
          `· ${(s50 / b50).toFixed(2)}× the baseline`,
      );
    } finally {
      await agent.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  },
});

// ---------------------------------------------------------------------------------------------- ldap
//  ldap   — ldap_sync of 10,000 inetOrgPerson entries from a throwaway slapd (sizelimit 1000, so the
//           search must page) upserted into PostgreSQL through the postgres connector plugin, over a
//           bare paged ldapts search of the same entries that writes nothing         [≥ 5,000 entries/s]
// Needs slapd (`apt-get install -y slapd ldap-utils`) and PostgreSQL on 127.0.0.1:5432.

sections.push({
  name: 'ldap',
  async run() {
    const { mkdirSync, readFileSync, writeFileSync } = await import('node:fs');
    const { default: ts } = await import('typescript');
    const { Client } = await import('ldapts');
    const { withDatabase } = await import('./support.mjs');
    const ENTRIES = 10_000;
    const ROUNDS = 5;
    const TARGET = 5000;
    const perSecond = (t) => Math.round((ENTRIES / t) * 1000);

    // The slapd fixture is TypeScript (for the tests) and self-contained: transpile it, under
    // node_modules so that its bare imports (ldapts) resolve from the workspace.
    const source = join(root, 'test', 'fixtures', 'slapd', 'slapd-fixture.ts');
    const cache = join(root, 'node_modules', '.cache', 'nomaflow-bench');
    mkdirSync(cache, { recursive: true });
    const fixtureFile = join(cache, 'slapd-fixture.mjs');
    writeFileSync(
      fixtureFile,
      ts.transpileModule(readFileSync(source, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        fileName: source,
      }).outputText,
    );
    const fixture = await import(pathToFileURL(fixtureFile).href);

    const slapd = await fixture.startSlapd({
      entries: fixture.generatePeople(ENTRIES).map(fixture.personEntry),
      sizeLimit: 1000,
    });
    try {
      await withDatabase(async (url) => {
        const registry = new StepTypeRegistry();
        await registry.discover([join(root, 'plugins')]);
        const ldapSync = registry.get('ldap_sync');
        const driver = registry.connectorDriver('postgres');
        if (!ldapSync || !driver)
          throw new Error(`plugins missing (npm run build): ${JSON.stringify(registry.failures())}`);
        const u = new URL(url);
        const connector = await driver.open({
          name: 'target',
          driver: 'postgres',
          host: u.hostname,
          port: Number(u.port || 5432),
          database: u.pathname.slice(1),
          user: decodeURIComponent(u.username) || 'postgres',
        });
        try {
          await connector.query(
            'CREATE TABLE people (dn text PRIMARY KEY, uid text NOT NULL, cn text, sn text, mail text, phones text[], photo text)',
          );
          const attributes = ['uid', 'cn', 'sn', 'mail', 'telephoneNumber', 'jpegPhoto'];
          const config = registry.prepareConfig('ldap_sync', {
            server: slapd.url,
            bind_dn: slapd.bindDn,
            bind_password: slapd.password,
            search_base: slapd.peopleDn,
            search_filter: '(objectClass=inetOrgPerson)',
            attributes,
            target_connector: 'target',
            target_query:
              'INSERT INTO people (dn, uid, cn, sn, mail, phones, photo) VALUES (:dn, :uid, :cn, :sn, :mail, :phones, :photo) ' +
              'ON CONFLICT (dn) DO UPDATE SET uid = EXCLUDED.uid, cn = EXCLUDED.cn, sn = EXCLUDED.sn, mail = EXCLUDED.mail, ' +
              'phones = EXCLUDED.phones, photo = EXCLUDED.photo',
            mapping: {
              dn: 'dn',
              uid: 'uid',
              cn: 'cn',
              sn: 'sn',
              mail: 'mail',
              telephoneNumber: 'phones',
              jpegPhoto: 'photo',
            },
            multi_value_overrides: { telephoneNumber: 'array' },
            prune_query: 'DELETE FROM people WHERE dn <> ALL(:seen)',
          });
          const sync = async () => {
            const { ctx } = createTestStepContext({ connectors: { target: connector } });
            const output = await ldapSync.execute(ctx, config);
            if (output.fetched !== ENTRIES || output.upserted !== ENTRIES) {
              throw new Error(`ldap_sync synced ${JSON.stringify(output)}, expected ${ENTRIES} entries`);
            }
          };
          const search = async () => {
            const client = new Client({ url: slapd.url });
            await client.bind(slapd.bindDn, slapd.password);
            let n = 0;
            for await (const page of client.searchPaginated(slapd.peopleDn, {
              filter: '(objectClass=inetOrgPerson)',
              attributes,
              explicitBufferAttributes: ['jpegPhoto'],
              paged: { pageSize: 500 },
            })) {
              n += page.searchEntries.length;
            }
            await client.unbind();
            if (n !== ENTRIES) throw new Error(`paged search returned ${n} entries, expected ${ENTRIES}`);
          };

          const t = performance.now();
          await sync(); // into the empty table: every row inserted
          const insertMs = performance.now() - t;
          // Then re-syncs of the full table (every row updated), alternating with the baseline.
          const { a: syncs, b: searches } = await alternate(ROUNDS, 1, sync, search);
          const [sync50, search50] = [percentile(syncs, 0.5), percentile(searches, 0.5)];
          console.log(
            `ldap_sync of ${ENTRIES} entries (slapd sizelimit 1000, pages of 500) into PostgreSQL, ${ROUNDS} rounds`,
          );
          console.log(
            `  first sync (all inserts): ${insertMs.toFixed(0)} ms · ${perSecond(insertMs)} entries/s`,
          );
          console.log(
            `  re-sync (all upserts, prune): p50 ${sync50.toFixed(0)} ms · ${perSecond(sync50)} entries/s · ` +
              `target ≥ ${TARGET} entries/s: ${verdict(perSecond(sync50), TARGET, false)}`,
          );
          console.log(
            `  baseline, bare paged ldapts search (no writes): p50 ${search50.toFixed(0)} ms · ${perSecond(search50)} entries/s`,
          );
          console.log(`  ${(sync50 / search50).toFixed(2)}× the baseline`);
        } finally {
          await connector.close();
        }
      });
    } finally {
      await slapd.stop();
    }
  },
});
