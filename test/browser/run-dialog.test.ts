import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { openConsole } from '../support/browser.js';
import type { ConsoleSession } from '../support/browser.js';

interface RunBody {
  id: string;
  status: string;
  log_level: string;
  params: Record<string, unknown>;
  steps: { name: string; status: string; reason: string | null; output: Record<string, unknown> | null }[];
}

jest.setTimeout(60_000);

const JOB = {
  id: 'run-with-params',
  description: 'two noop steps',
  params: { apps_id: 10, region: 'eu', dry_run: false },
  steps: [
    { name: 'first-step', type: 'noop', op_kwargs: { batch: 5 } },
    { name: 'second-step', type: 'noop', message: 'hello' },
  ],
};

describe('run with parameters (Chromium against a started server)', () => {
  let s: ConsoleSession;
  beforeAll(async () => {
    s = await openConsole();
    s.page.setDefaultTimeout(10_000);
    const created = await s.server.api.post('/api/jobs', JOB);
    expect(created.status).toBe(201);
  }, 60_000);
  afterAll(() => s?.close());

  it('sends only what changed and lands on the new run', async () => {
    const { page } = s;
    await page.goto(s.url(`/nomaflow/jobs/${JOB.id}`));
    await page.getByTestId('run-job').click();
    const dialog = page.getByTestId('run-dialog');
    await dialog.waitFor();
    // Focus starts inside the modal, on its first field.
    // (Material moves it there once the opening animation has run.)
    await page.waitForFunction(() => !!document.activeElement?.closest('[data-testid=run-dialog]'));

    // Prefilled from the job.
    expect(await dialog.getByRole('spinbutton', { name: 'Value of apps_id' }).inputValue()).toBe('10');
    expect(await dialog.getByRole('textbox', { name: 'Value of region' }).inputValue()).toBe('eu');
    const second = dialog.locator('[data-testid=run-dialog-step][data-step="second-step"]');
    expect(await second.getByRole('checkbox').isChecked()).toBe(true);
    const first = dialog.locator('[data-testid=run-dialog-step][data-step="first-step"]');
    expect(await first.getByRole('spinbutton', { name: 'Value of batch' }).inputValue()).toBe('5');

    // Capture the trigger body to check "only what changed".
    const sent = page.waitForRequest(
      (r) => r.method() === 'POST' && /\/api\/jobs\/[^/]+\/runs$/.test(r.url()),
    );
    await dialog.getByRole('textbox', { name: 'Value of region' }).fill('us');
    await second.getByRole('checkbox').uncheck();
    await s.screenshot('run-dialog');
    await page.getByTestId('run-dialog-submit').click();
    expect((await sent).postDataJSON()).toEqual({
      params: { region: 'us' },
      steps: { 'second-step': { enabled: false } },
    });

    await page.waitForURL(/\/nomaflow\/runs\/[^/]+$/);
    const runId = decodeURIComponent(page.url().split('/').pop() as string);
    await expect(page.getByTestId('run-dialog').count()).resolves.toBe(0);

    let run: RunBody | undefined;
    for (let i = 0; i < 100; i++) {
      run = (await s.server.api.get<RunBody>(`/api/runs/${encodeURIComponent(runId)}`)).body;
      if (['SUCCEEDED', 'FAILED', 'CANCELED'].includes(run.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(run?.status).toBe('SUCCEEDED');
    expect(run?.params).toEqual({ apps_id: 10, region: 'us', dry_run: false });
    expect(run?.log_level).toBe('INFO');
    const steps = Object.fromEntries((run?.steps ?? []).map((x) => [x.name, x]));
    expect(steps['first-step']?.status).toBe('SUCCEEDED');
    expect(steps['second-step']).toMatchObject({ status: 'CANCELED', reason: 'skipped: disabled' });
  });

  it('shows a refused trigger in the dialog, and Escape closes it', async () => {
    const { page } = s;
    await page.goto(s.url(`/nomaflow/jobs/${JOB.id}`));
    // Once the editor has loaded the job, deleting it behind the page's back makes the trigger fail.
    await page.waitForFunction(() => {
      const run = document.querySelector('[data-testid=run-job]');
      return !!run && !run.hasAttribute('disabled');
    });
    await s.server.api.delete(`/api/jobs/${JOB.id}`);
    await page.getByTestId('run-job').click();
    await page.getByTestId('run-dialog-submit').click();
    const error = page.getByTestId('run-dialog-error');
    await error.waitFor();
    expect((await error.textContent())?.length).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('run-dialog').waitFor({ state: 'detached' });
  });
});
