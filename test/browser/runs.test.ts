// Page functions run in the browser: their bodies are typed against the DOM.
// The runs list in Chromium against a started server: rows, filters in the URL, cursor paging, and
// live updates from the catalogue room.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Run } from '@nomaflow/contracts';
import type { Page } from 'playwright-core';
import { openConsole } from '../support/browser.js';
import type { ConsoleSession } from '../support/browser.js';
import { waitFor } from '../support/wait.js';

describe('runs list (Chromium against a started server)', () => {
  let s: ConsoleSession;
  let page: Page;
  /** Run ids newest first, as the list shows them. */
  let all: Run[] = [];

  async function trigger(jobId: string): Promise<string> {
    const res = await s.server.api.post<{ run_id: string }>(`/api/jobs/${jobId}/runs`, {});
    expect(res.status).toBe(202);
    return res.body.run_id;
  }

  async function settled(): Promise<Run[]> {
    return waitFor(
      'every run to finish',
      async () => {
        const res = await s.server.api.get<{ runs: Run[] }>('/api/runs?limit=100');
        return (
          res.body.runs.every((r) => ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(r.status)) && res.body.runs
        );
      },
      30_000,
      100,
    );
  }

  beforeAll(async () => {
    // startTestServer reads only the env it is given: hand it the console build under test.
    s = await openConsole();
    page = s.page;
    for (const job of [
      { id: 'alpha', steps: [{ name: 'ok', type: 'noop', message: 'fine' }] },
      { id: 'beta', steps: [{ name: 'boom', type: 'noop', fail: true }] },
    ]) {
      expect((await s.server.api.post('/api/jobs', job)).status).toBe(201);
    }
    // One at a time, so creation order (and the list order) is known.
    for (const job of ['alpha', 'beta', 'alpha', 'beta', 'alpha']) {
      await trigger(job);
      await settled();
    }
    all = await settled();
  }, 90_000);
  afterAll(() => s?.close());

  const rows = () => page.getByTestId('run-row');
  async function rowIds(): Promise<string[]> {
    return rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id') ?? ''));
  }
  async function rowStatuses(): Promise<string[]> {
    return rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-status') ?? ''));
  }
  async function waitForRowCount(n: number): Promise<void> {
    await page.waitForFunction(
      (count) => document.querySelectorAll('[data-testid="run-row"]').length === count,
      n,
    );
  }

  it('lists every run newest first with its state, job and trigger', async () => {
    expect(all).toHaveLength(5);
    await page.goto(s.url('/nomaflow/runs'));
    await waitForRowCount(5);
    expect(await rowIds()).toEqual(all.map((r) => r.id));
    expect(await rowStatuses()).toEqual(['SUCCEEDED', 'FAILED', 'SUCCEEDED', 'FAILED', 'SUCCEEDED']);
    const first = rows().first();
    expect(await first.getByRole('link', { name: `Run ${all[0]!.id}` }).getAttribute('href')).toBe(
      `/nomaflow/runs/${all[0]!.id}`,
    );
    expect(await first.getByTestId('run-job').textContent()).toBe('alpha');
    expect(await rows().nth(1).textContent()).toContain('noop step asked to fail');
    await s.screenshot('runs-list');
    await page.setViewportSize({ width: 800, height: 900 });
    await page.waitForFunction(() => document.documentElement.scrollWidth <= 800);
    await s.screenshot('runs-list-800');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(s.errors).toEqual([]);
  });

  it('filters by job, keeps the filter in the URL, and survives a reload', async () => {
    await page.goto(s.url('/nomaflow/runs'));
    await waitForRowCount(5);
    const job = page.getByTestId('runs-job-filter');
    await job.fill('beta');
    await job.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('job') === 'beta');
    await waitForRowCount(2);
    expect(await rowStatuses()).toEqual(['FAILED', 'FAILED']);
    await page.reload();
    await waitForRowCount(2);
    expect(await page.getByTestId('runs-job-filter').inputValue()).toBe('beta');
  });

  it('filters by state with a multi-select sent as a comma-separated status', async () => {
    await page.goto(s.url('/nomaflow/runs'));
    await waitForRowCount(5);
    await page.getByTestId('runs-status-filter').click();
    await page.getByRole('option', { name: 'SUCCEEDED', exact: true }).click();
    await page.keyboard.press('Escape');
    await page.waitForURL((url) => url.searchParams.get('status') === 'SUCCEEDED');
    await waitForRowCount(3);
    expect(await rowStatuses()).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);

    await page.goto(s.url('/nomaflow/runs?status=FAILED,CANCELED&job=alpha'));
    await page.getByTestId('runs-empty').waitFor();
    expect(await rows().count()).toBe(0);
  });

  it('filters by date range: runs created before the third one', async () => {
    const third = all[2]!;
    await page.goto(s.url(`/nomaflow/runs?to=${encodeURIComponent(third.created_at)}`));
    await waitForRowCount(2);
    expect(await rowIds()).toEqual(all.slice(3).map((r) => r.id));
    await page.goto(s.url(`/nomaflow/runs?from=${encodeURIComponent(third.created_at)}`));
    await waitForRowCount(3);
    expect(await rowIds()).toEqual(all.slice(0, 3).map((r) => r.id));
  });

  it('shows one job on its own runs page, titled with the job', async () => {
    await page.goto(s.url('/nomaflow/jobs/alpha/runs'));
    await page.getByRole('heading', { name: 'Runs of alpha' }).waitFor();
    await waitForRowCount(3);
    expect(await rowIds()).toEqual(all.filter((r) => r.job_id === 'alpha').map((r) => r.id));
    expect(await page.getByTestId('runs-job-filter').count()).toBe(0);
  });

  it('pages with the cursor: next, next, previous', async () => {
    await page.goto(s.url('/nomaflow/runs?limit=2'));
    await waitForRowCount(2);
    const ids = all.map((r) => r.id);
    expect(await rowIds()).toEqual(ids.slice(0, 2));
    expect(await page.getByTestId('runs-previous').isDisabled()).toBe(true);

    await page.getByTestId('runs-next').click();
    await page.getByTestId('runs-page').filter({ hasText: 'Page 2' }).waitFor();
    await page.waitForFunction(
      (id) => document.querySelector('[data-testid="run-row"]')?.getAttribute('data-run-id') === id,
      ids[2],
    );
    expect(await rowIds()).toEqual(ids.slice(2, 4));

    await page.getByTestId('runs-next').click();
    await page.getByTestId('runs-page').filter({ hasText: 'Page 3' }).waitFor();
    await waitForRowCount(1);
    expect(await rowIds()).toEqual(ids.slice(4));
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="runs-next"]') as HTMLButtonElement | null)?.disabled,
    );

    await page.getByTestId('runs-previous').click();
    await page.getByTestId('runs-page').filter({ hasText: 'Page 2' }).waitFor();
    await waitForRowCount(2);
    expect(await rowIds()).toEqual(ids.slice(2, 4));
  });

  it('announces new runs live and updates a shown run in place as it finishes', async () => {
    expect(
      (
        await s.server.api.post('/api/jobs', {
          id: 'gamma',
          steps: [{ name: 'slow', type: 'noop', ms: 2500 }],
        })
      ).status,
    ).toBe(201);
    await page.goto(s.url('/nomaflow/runs'));
    await waitForRowCount(5);
    await page.getByRole('status', { name: 'Live updates connected' }).waitFor();
    const runId = await trigger('gamma');
    const notice = page.getByTestId('new-runs');
    await notice.filter({ hasText: '1 new run' }).waitFor();
    await notice.getByRole('button', { name: 'Show' }).click();
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await row.waitFor();
    expect(['QUEUED', 'RUNNING']).toContain(await row.getAttribute('data-status'));
    await page.locator(`[data-testid="run-row"][data-run-id="${runId}"][data-status="SUCCEEDED"]`).waitFor({
      timeout: 20_000,
    });
    await notice.waitFor({ state: 'detached' });
  }, 40_000);
});
