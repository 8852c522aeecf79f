import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openConsole } from '../support/browser.js';
import type { ConsoleSession } from '../support/browser.js';

describe('settings (Chromium against a started server)', () => {
  let s: ConsoleSession;
  beforeAll(async () => {
    s = await openConsole();
  }, 60_000);
  afterAll(() => s?.close());

  it('creates, tests, edits (keeping the password), and deletes a connector', async () => {
    const db = new URL(s.server.databaseUrl);
    // The test cluster may trust local users: any password then works, and keeping it is still visible
    // through has_password.
    const password = decodeURIComponent(db.password) || 'not-needed-under-trust';
    const { page } = s;
    await page.goto(s.url('/nomaflow/settings'));
    await page.waitForURL('**/nomaflow/settings/connectors');
    const builtin = page.locator('[data-testid="connector-row"][data-name="default"]');
    await builtin.waitFor();
    expect(await builtin.getByTestId('edit-connector').count()).toBe(0);
    expect(await builtin.textContent()).toContain('read-only');

    await page.getByTestId('add-connector').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('testpg');
    await dialog.getByLabel('Host').fill(db.hostname);
    await dialog.getByLabel('Port').fill(db.port || '5432');
    await dialog.getByLabel('Database').fill(decodeURIComponent(db.pathname.slice(1)));
    await dialog.getByLabel('User').fill(decodeURIComponent(db.username));
    await dialog.getByLabel('Password').fill(password);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog.locator('[data-testid="connector-test-result"].ok').waitFor();
    expect(await dialog.getByTestId('connector-test-result').textContent()).toMatch(/ok · \d+ ms/);
    await s.screenshot('settings-connector-dialog');
    await dialog.getByTestId('connector-save').click();
    await dialog.waitFor({ state: 'detached' });

    const row = page.locator('[data-testid="connector-row"][data-name="testpg"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('password set');
    await row.getByRole('button', { name: 'Test connection testpg' }).click();
    await row.locator('[data-testid="test-result"].ok').waitFor();

    // Edit: the password is not pre-filled; leaving it blank keeps the stored one.
    await row.getByRole('button', { name: 'Edit testpg' }).click();
    await dialog.waitFor();
    expect(await dialog.getByLabel('Name').isDisabled()).toBe(true);
    expect(await dialog.getByLabel('Password').inputValue()).toBe('');
    await dialog.getByLabel('Pool max').fill('3');
    await dialog.getByTestId('connector-save').click();
    await dialog.waitFor({ state: 'detached' });
    await row.locator('td', { hasText: 'pool 3' }).waitFor();
    await row.getByRole('button', { name: 'Test connection testpg' }).click();
    await row.locator('[data-testid="test-result"].ok').waitFor();

    const saved = await s.server.api.get<Record<string, unknown>>('/api/connectors/testpg');
    expect(saved.status).toBe(200);
    expect(saved.body).not.toHaveProperty('password');
    expect(JSON.stringify(saved.body)).not.toContain(password);
    expect(saved.body).toMatchObject({ host: db.hostname, has_password: true, options: { pool_max: 3 } });
    expect(await row.textContent()).toContain('password set');
    await s.screenshot('settings-connectors');

    await row.getByRole('button', { name: 'Delete testpg' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await s.server.api.get('/api/connectors/testpg')).status).toBe(404);
  });

  it('shows server validation errors on the field', async () => {
    const { page } = s;
    await page.getByTestId('add-connector').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('nohost');
    await dialog.getByTestId('connector-save').click();
    await dialog.getByText('give either url or host').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('lists the installed step types with their versions', async () => {
    await s.page.getByRole('tab', { name: 'Plugins' }).click();
    await s.page.waitForURL('**/nomaflow/settings/plugins');
    await s.page.getByTestId('plugin-row').first().waitFor();
    const rows = await s.page
      .getByTestId('plugin-row')
      .evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-type'), e.querySelectorAll('td')[2]?.textContent?.trim()]),
      );
    const types = new Map(rows as [string, string][]);
    for (const t of ['sql_query', 'sql_copy', 'python', 'http', 'ldap_sync', 'noop']) {
      expect(types.get(t)).toMatch(/^\d+\.\d+\.\d+/);
    }
    await s.screenshot('settings-plugins');
    // The one expected error: the 400 of the validation test above.
    expect(s.errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });
});
