import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from '../support/jobs-table.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

/** Settings → Connectors over HTTP: CRUD, "Test connection", passwords sealed and never returned. */
const PASSWORD = 'pw-Sup3r-secret!';

let server: TestServer;
let target: { host: string; port: number; database: string; user: string };
beforeAll(async () => {
  server = await startTestServer({ env: { NOMAFLOW_ROLES: 'api' } });
  const u = new URL(server.db.url);
  target = {
    host: u.hostname,
    port: Number(u.port || 5432),
    database: u.pathname.slice(1),
    user: u.username || 'postgres',
  };
});
afterAll(async () => {
  await server?.stop();
});

type View = Record<string, unknown> & { name: string; has_password: boolean };

describe('connectors', () => {
  it('lists the server database as the builtin connector `default`', async () => {
    const r = await server.api.get<View[]>('/api/connectors');
    expect(r.status).toBe(200);
    expect(r.body[0]).toMatchObject({ name: 'default', driver: 'postgres', builtin: true });
    expect((await server.api.post('/api/connectors/default/test')).body).toMatchObject({ ok: true });
  });

  it('creates one, never returns its password, seals it at rest', async () => {
    const r = await server.api.post<View>('/api/connectors', {
      name: 'reporting',
      driver: 'postgres',
      ...target,
      password: PASSWORD,
      options: { pool_max: 3 },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: 'reporting',
      driver: 'postgres',
      ...target,
      has_password: true,
      builtin: false,
    });
    expect(JSON.stringify(r.body)).not.toContain(PASSWORD);
    expect(r.body.password).toBeUndefined();
    expect(JSON.stringify((await server.api.get('/api/connectors')).body)).not.toContain(PASSWORD);
    expect(JSON.stringify((await server.api.get('/api/connectors/reporting')).body)).not.toContain(PASSWORD);
    const [row] = await sql<{ password_sealed: string }>(
      server.db.url,
      `SELECT password_sealed FROM connectors WHERE name = 'reporting'`,
    );
    expect(row?.password_sealed).toMatch(/^nomaflow:sealed:v1:/);
    expect(row?.password_sealed).not.toContain(PASSWORD);
  });

  it('tests a saved connection and an unsaved form', async () => {
    const ok = await server.api.post<{ ok: boolean; elapsed_ms: number }>('/api/connectors/reporting/test');
    expect(ok.status).toBe(200);
    expect(ok.body.ok).toBe(true);
    const bad = await server.api.post<{ ok: boolean; error: string }>('/api/connectors/test', {
      name: 'scratch',
      driver: 'postgres',
      host: '127.0.0.1',
      port: 1,
      database: 'nope',
      user: 'nobody',
      password: PASSWORD,
    });
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.error.length).toBeGreaterThan(0);
    expect(bad.body.error).not.toContain(PASSWORD);
  });

  it('keeps the password when a PUT leaves it out, removes it with null', async () => {
    const {
      has_password: _h,
      builtin: _b,
      created_at: _c,
      updated_at: _u,
      ...doc
    } = (await server.api.get<View>('/api/connectors/reporting')).body;
    const kept = await server.api.put<View>('/api/connectors/reporting', {
      ...doc,
      options: { pool_max: 4 },
    });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ has_password: true, options: { pool_max: 4 } });
    const cleared = await server.api.put<View>('/api/connectors/reporting', { ...doc, password: null });
    expect(cleared.body.has_password).toBe(false);
  });

  it('refuses bad input with field errors', async () => {
    const cases: [unknown, number, string][] = [
      [{ name: 'reporting', driver: 'postgres', ...target }, 409, 'duplicate connector name: reporting'],
      [
        { name: 'default', driver: 'postgres', ...target },
        409,
        'the connector default is the server database and cannot be changed',
      ],
      [{ name: 'x', driver: 'oracle', ...target }, 400, 'unknown driver: oracle'],
      [{ name: 'bad name', driver: 'postgres', ...target }, 400, 'must match pattern'],
      [{ name: 'x', driver: 'postgres' }, 400, 'give either url or host'],
      [{ name: 'x', driver: 'postgres', url: 'not a url' }, 400, 'not a valid connection URL'],
      [{ name: 'x', driver: 'postgres', ...target, colour: 'red' }, 400, 'unknown field: colour'],
      [{ name: 'x', driver: 'postgres', ...target, port: 'five' }, 400, 'must be integer'],
    ];
    for (const [body, status, message] of cases) {
      const r = await server.api.post<{ errors: { message: string }[] }>('/api/connectors', body);
      expect([r.status, r.body.errors?.map((e) => e.message).join('; ')]).toEqual([
        status,
        expect.stringContaining(message),
      ]);
    }
    expect(
      (await server.api.put('/api/connectors/reporting', { name: 'renamed', driver: 'postgres', ...target }))
        .status,
    ).toBe(400);
    expect((await server.api.put('/api/connectors/missing', { driver: 'postgres', ...target })).status).toBe(
      404,
    );
  });

  it('shows a URL without its password, and deletes', async () => {
    const url = `postgres://${target.user}:${encodeURIComponent(PASSWORD)}@${target.host}:${target.port}/${target.database}`;
    const r = await server.api.post<View>('/api/connectors', { name: 'by-url', driver: 'postgres', url });
    expect(r.status).toBe(201);
    expect(r.body.has_password).toBe(true);
    expect(String(r.body.url)).not.toContain(encodeURIComponent(PASSWORD));
    expect((await server.api.post<{ ok: boolean }>('/api/connectors/by-url/test')).body.ok).toBe(true);
    expect((await server.api.delete('/api/connectors/by-url')).status).toBe(204);
    expect((await server.api.get('/api/connectors/by-url')).status).toBe(404);
    expect((await server.api.delete('/api/connectors/default')).status).toBe(409);
  });
});
