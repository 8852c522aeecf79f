import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { openConsole } from '../support/browser.js';
import type { ConsoleSession } from '../support/browser.js';

interface JobBody {
  id: string;
  description?: string;
  schedule?: { cron?: string; timezone?: string };
  params?: Record<string, unknown>;
  steps: Record<string, unknown>[];
}

/** Drags with real mouse moves: CDK drag-drop only starts after intermediate pointer moves. */
async function dragAbove(page: Page, handleOf: string, target: string): Promise<void> {
  const handle = page.locator(
    `[data-testid=step-row][data-step-name="${handleOf}"] [data-testid=drag-handle]`,
  );
  const dest = page.locator(`[data-testid=step-row][data-step-name="${target}"]`);
  const from = (await handle.boundingBox())!;
  const to = (await dest.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2 - 8, { steps: 4 });
  await page.mouse.move(to.x + 20, to.y + 4, { steps: 20 });
  await page.mouse.move(to.x + 20, to.y + 2, { steps: 4 });
  await page.mouse.up();
}

async function addStep(page: Page, type: string): Promise<void> {
  await page.getByTestId('add-step').click();
  await page.locator(`[role=menuitem][data-step-type="${type}"]`).click();
}

jest.setTimeout(60_000);

describe('job editor (Chromium against a started server)', () => {
  let s: ConsoleSession;
  beforeAll(async () => {
    s = await openConsole();
    // A missing element fails with its locator instead of the test's timeout.
    s.page.setDefaultTimeout(10_000);
  }, 60_000);
  afterAll(() => s?.close());

  it('creates the seed job my-first-job entirely through the editor', async () => {
    const { page } = s;
    await page.goto(s.url('/nomaflow/jobs/new'));
    await page.getByTestId('job-id').waitFor();
    await s.screenshot('editor-new');

    await page.getByTestId('job-id').fill('my-first-job');
    await page.getByTestId('job-description').fill('my first Nomaflow job');
    await page.getByTestId('cron').fill('0 2 * * *');
    await page.getByTestId('timezone').fill('Europe/Par');
    await page.getByRole('option', { name: 'Europe/Paris' }).click();
    expect(await page.getByTestId('timezone').inputValue()).toBe('Europe/Paris');

    // Live preview: three fires at 02:00 wall time in Paris.
    const fires = page.locator('[data-testid=schedule-preview] li');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=schedule-preview] li').length === 3,
    );
    for (const text of await fires.allTextContents())
      expect(text).toMatch(/\d{4}-\d{2}-\d{2} 02:00 \(\+0[12]:00\)/);

    await page.getByRole('button', { name: '+ Add shared param' }).click();
    await page.getByRole('textbox', { name: 'Shared params name 1' }).fill('apps_id');
    await page.getByRole('combobox', { name: 'Type of apps_id' }).selectOption('number');
    await page.getByRole('spinbutton', { name: 'Value of apps_id' }).fill('10');

    await addStep(page, 'sql_query');
    const row = page.locator('[data-testid=step-row]').first();
    await row.getByTestId('step-name').fill('refresh-totals');
    // The step's own fields come from the sql_query JSON Schema: a connector picker and CodeMirror.
    await row.getByRole('combobox', { name: 'Connector' }).fill('default');
    const sql = row.getByRole('textbox', { name: 'SQL' });
    await sql.waitFor();
    await sql.click();
    await page.keyboard.type('SELECT 1');
    await s.screenshot('editor-filled');

    await page.getByTestId('save-job').click();
    await page.getByTestId('saved-banner').waitFor();
    await page.waitForURL('**/nomaflow/jobs/my-first-job');
    expect(await page.getByTestId('job-id').getAttribute('readonly')).not.toBeNull();

    const res = await s.server.api.get<JobBody>('/api/jobs/my-first-job');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'my-first-job',
      description: 'my first Nomaflow job',
      schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris' },
      params: { apps_id: 10 },
    });
    expect(res.body.steps).toEqual([
      { name: 'refresh-totals', type: 'sql_query', connector: 'default', query: 'SELECT 1' },
    ]);
  });

  it('shows an invalid id at the id field with a red border', async () => {
    const { page } = s;
    await page.goto(s.url('/nomaflow/jobs/new'));
    await page.getByTestId('job-id').fill('bad id!');
    await addStep(page, 'noop');
    await page.getByTestId('save-job').click();
    const anchor = page.locator('[data-error-path="/id"]');
    await anchor.locator('[data-testid=field-error]').waitFor();
    expect(await anchor.getAttribute('class')).toContain('nf-invalid');
    expect(await anchor.locator('[data-testid=field-error]').textContent()).toContain(
      'job id contains invalid characters',
    );
    // The offending input has the focus.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('job-id');
    await s.screenshot('editor-error');

    // A step error lands at the step's own field, rendered from the schema.
    await page.getByTestId('job-id').fill('needs-sql');
    await page
      .locator('[data-testid=step-row]')
      .first()
      .getByRole('button', { name: /Remove step/ })
      .click();
    await addStep(page, 'sql_query');
    await page.getByTestId('save-job').click();
    const field = page.locator('[data-error-path="/steps/0/connector"]');
    await field.locator('[data-testid=field-error]').waitFor();
    expect(await field.textContent()).toContain('is missing required field(s): connector, query');
    page.once('dialog', (d) => void d.accept());
  });

  it('reorders steps by dragging the handle, and saves the new order', async () => {
    const { page } = s;
    await page.goto(s.url('/nomaflow/jobs/my-first-job'));
    await page.locator('[data-testid=step-row][data-step-name="refresh-totals"]').waitFor();
    await addStep(page, 'noop');
    const second = page.locator('[data-testid=step-row]').nth(1);
    await second.getByTestId('step-name').fill('say-hello');
    // Collapse it so the rows are short and the drag target is clear.
    await second.getByRole('button', { name: /2 · noop · say-hello/ }).click();
    await dragAbove(page, 'say-hello', 'refresh-totals');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=step-row]')?.getAttribute('data-step-name') === 'say-hello',
    );
    await page.getByTestId('save-job').click();
    await page.getByTestId('saved-banner').waitFor();
    const res = await s.server.api.get<JobBody>('/api/jobs/my-first-job');
    expect(res.body.steps.map((x) => x.name)).toEqual(['say-hello', 'refresh-totals']);

    // The keyboard path: move it back down with the ↓ button.
    await page.getByRole('button', { name: 'Move step say-hello down' }).click();
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=step-row]')?.getAttribute('data-step-name') === 'refresh-totals',
    );
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Move step say-hello up',
    );
  });

  it('keeps the JSON view and the form in sync, unknown keys included', async () => {
    const { page } = s;
    await page.goto(s.url('/nomaflow/jobs/my-first-job'));
    await page.getByTestId('job-description').waitFor();
    await page.getByTestId('json-view').click();
    const text = page.getByTestId('json-text');
    const doc = JSON.parse(await text.inputValue()) as JobBody & { steps: Record<string, unknown>[] };
    doc.description = 'edited as JSON';
    (doc.steps[0] as Record<string, unknown>).x_note = 'kept';
    await text.fill(JSON.stringify(doc, null, 2));
    // Invalid JSON shows the parse error and leaves the model alone.
    await text.fill('{ "id": ');
    await page.getByTestId('json-error').waitFor();
    await text.fill(JSON.stringify(doc, null, 2));
    await page.getByTestId('json-view').click();
    expect(await page.getByTestId('job-description').inputValue()).toBe('edited as JSON');
    // Editing the form keeps the key the form does not know.
    await page.getByTestId('job-description').fill('edited as JSON, then in the form');
    await page.getByTestId('json-view').click();
    const back = JSON.parse(await page.getByTestId('json-text').inputValue()) as JobBody;
    expect(back.description).toBe('edited as JSON, then in the form');
    expect(back.steps[0]).toMatchObject({ x_note: 'kept' });
    // Drop the unknown key (the server refuses it) and save.
    delete (back.steps[0] as Record<string, unknown>).x_note;
    await page.getByTestId('json-text').fill(JSON.stringify(back, null, 2));
    await page.getByTestId('json-view').click();
    await page.getByTestId('save-job').click();
    await page.getByTestId('saved-banner').waitFor();
    const res = await s.server.api.get<JobBody>('/api/jobs/my-first-job');
    expect(res.body.description).toBe('edited as JSON, then in the form');
  });

  it('fits an 800 px wide window without sideways scrolling', async () => {
    const { page } = s;
    await page.setViewportSize({ width: 800, height: 900 });
    await page.goto(s.url('/nomaflow/jobs/my-first-job'));
    await page
      .locator('[data-testid=step-row][data-step-name="refresh-totals"]')
      .getByRole('button', { name: /sql_query · refresh-totals/ })
      .click();
    await page.getByRole('textbox', { name: 'SQL' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    await s.screenshot('editor-800');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('asks before leaving with unsaved changes', async () => {
    const { page } = s;
    await page.goto(s.url('/nomaflow/jobs/my-first-job'));
    await page.getByTestId('job-description').fill('not saved');
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await page.getByRole('link', { name: 'Runs' }).click();
    await page.waitForFunction(() => true);
    expect(asked).toContain('unsaved changes');
    expect(page.url()).toContain('/nomaflow/jobs/my-first-job');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('link', { name: 'Runs' }).click();
    await page.waitForURL('**/nomaflow/runs');
    // Refused saves log "Failed to load resource" by design; anything else is a bug.
    expect(s.errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });

  it('exports, duplicates and deletes a job', async () => {
    const { page } = s;
    await page.goto(s.url('/nomaflow/jobs/my-first-job'));
    await page.getByTestId('job-id').waitFor();
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid=job-id]') as HTMLInputElement | null)?.value === 'my-first-job',
    );

    // Export: the whole saved document as <id>.json.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-job').click(),
    ]);
    expect(download.suggestedFilename()).toBe('my-first-job.json');
    const exported = JSON.parse(await streamText(await download.createReadStream())) as JobBody;
    const saved = (await s.server.api.get<JobBody>('/api/jobs/my-first-job')).body;
    expect(exported).toEqual(saved);

    // Duplicate: a new job prefilled with a copy under a new id, saved as its own.
    await page.getByTestId('duplicate-job').click();
    await page.waitForURL(/\/nomaflow\/jobs\/new/);
    expect(await page.getByTestId('job-id').inputValue()).toBe('my-first-job-copy');
    await page.getByTestId('save-job').click();
    await page.getByTestId('saved-banner').waitFor();
    const copy = await s.server.api.get<JobBody>('/api/jobs/my-first-job-copy');
    expect(copy.status).toBe(200);
    expect({ ...copy.body, id: saved.id }).toEqual(saved);

    // Delete, after a confirmation: back on the catalogue, the job is gone, the original stays.
    await page.getByTestId('delete-job').click();
    await page.getByRole('dialog').getByTestId('confirm').click();
    await page.waitForURL('**/nomaflow/jobs');
    expect((await s.server.api.get('/api/jobs/my-first-job-copy')).status).toBe(404);
    expect((await s.server.api.get('/api/jobs/my-first-job')).status).toBe(200);
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}
