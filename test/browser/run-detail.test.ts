// Page functions run in the browser: their bodies are typed against the DOM.
// The run detail page in Chromium against a started server: live states, timeline, log format and
// filters, cancel, replay, and the virtual log's follow mode on a log of thousands of lines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { openConsole } from '../support/browser.js';
import type { ConsoleSession } from '../support/browser.js';

/** `HH:MM:SS.mmm LEVEL [step] message`, the step part only on step lines. */
const LINE = /^\d\d:\d\d:\d\d\.\d{3} (DEBUG|INFO|WARNING|ERROR) (\[[^\]]+\] )?\S.*$/;

/** A python step that logs `fast` lines at once, then `slow` more one every `every` seconds. */
const LOUD_PY = `
import time

def lines(ctx, fast=3000, slow=0, every=0.05, **kwargs):
    for i in range(fast):
        print("burst line %d" % i)
    for i in range(slow):
        if ctx.is_cancelled():
            break
        print("trickle line %d" % i)
        time.sleep(every)
    return {"printed": fast + slow}
`;

describe('run detail page (Chromium against a started server)', () => {
  let s: ConsoleSession;
  let page: Page;
  let codeDir: string;
  const savedPythonPath = process.env.NOMAFLOW_PYTHON_PATH;

  beforeAll(async () => {
    // The python step reads its code folder from the environment of the (in-process) server.
    codeDir = mkdtempSync(join(tmpdir(), 'nf-run-detail-'));
    writeFileSync(join(codeDir, 'loud.py'), LOUD_PY);
    process.env.NOMAFLOW_PYTHON_PATH = codeDir;
    // startTestServer reads only the env it is given: hand it the console build under test.
    s = await openConsole();
    page = s.page;
  }, 60_000);

  afterAll(async () => {
    await s?.close();
    if (savedPythonPath === undefined) delete process.env.NOMAFLOW_PYTHON_PATH;
    else process.env.NOMAFLOW_PYTHON_PATH = savedPythonPath;
    rmSync(codeDir, { recursive: true, force: true });
  });

  async function createJob(job: Record<string, unknown>): Promise<void> {
    const res = await s.server.api.post('/api/jobs', job);
    expect(res.status).toBe(201);
  }

  async function trigger(jobId: string): Promise<string> {
    const res = await s.server.api.post<{ run_id: string }>(`/api/jobs/${jobId}/runs`, {});
    expect(res.status).toBe(202);
    return res.body.run_id;
  }

  const stepRow = (name: string) => page.locator(`[data-testid="step-row"][data-step="${name}"]`);

  async function waitForStatus(status: string, timeout = 20_000): Promise<void> {
    await page.locator(`[data-testid="run-status"][data-status="${status}"]`).waitFor({ timeout });
  }

  async function logTexts(): Promise<string[]> {
    return (await page.getByTestId('log-line').allTextContents()).map((t) => t.trim());
  }

  async function chooseOption(testId: string, option: string): Promise<void> {
    await page.getByTestId(testId).click();
    await page.getByRole('option', { name: option, exact: true }).click();
    await page.getByRole('listbox').waitFor({ state: 'detached' });
  }

  let succeededRunId = '';

  it('follows a three-step run live to SUCCEEDED, with every step green and its log lines', async () => {
    await createJob({
      id: 'three-steps',
      steps: [
        { name: 'extract', type: 'noop', ms: 4000, message: 'hello from extract' },
        { name: 'transform', type: 'noop', ms: 600, message: 'hello from transform' },
        { name: 'load', type: 'noop', ms: 300, message: 'hello from load' },
      ],
    });
    const runId = await trigger('three-steps');
    succeededRunId = runId;
    await page.goto(s.url(`/nomaflow/runs/${runId}`));
    expect(await page.getByTestId('run-id').textContent()).toBe(runId);

    await waitForStatus('RUNNING');
    // While the run is live one step is blue; which one depends on how fast the page came up.
    await page.locator('[data-testid="step-row"][data-status="RUNNING"]').first().waitFor();
    await s.screenshot('run-detail-running');

    await waitForStatus('SUCCEEDED');
    for (const name of ['extract', 'transform', 'load']) {
      expect(await stepRow(name).getAttribute('data-status')).toBe('SUCCEEDED');
    }
    expect(
      await page.getByTestId('step-row').evaluateAll((rows) => rows.map((r) => r.dataset['step'])),
    ).toEqual(['extract', 'transform', 'load']);
    // The header links the job and its runs, and shows when the run ran.
    expect(await page.getByRole('link', { name: 'three-steps', exact: true }).getAttribute('href')).toBe(
      '/nomaflow/jobs/three-steps',
    );
    expect(await page.getByRole('link', { name: 'all runs of this job' }).getAttribute('href')).toBe(
      '/nomaflow/jobs/three-steps/runs',
    );
    expect(await page.getByTestId('run-finished').getAttribute('title')).toMatch(/UTC$/);

    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-testid="log-line"]')).some((l) =>
        l.textContent?.includes('step load · SUCCEEDED'),
      ),
    );
    const lines = await logTexts();
    for (const line of lines) expect(line).toMatch(LINE);
    for (const name of ['extract', 'transform', 'load']) {
      expect(lines.some((l) => l.includes(`INFO [${name}] hello from ${name}`))).toBe(true);
      expect(lines.some((l) => new RegExp(`INFO \\[${name}\\] step ${name} · SUCCEEDED`).test(l))).toBe(true);
    }
    await s.screenshot('run-detail-succeeded');
    expect(s.errors).toEqual([]);
  }, 60_000);

  it('filters the log to one step, then by minimum level', async () => {
    const all = await logTexts();
    await chooseOption('log-step-filter', 'transform');
    const only = await logTexts();
    expect(only.length).toBeGreaterThan(0);
    expect(only.length).toBeLessThan(all.length);
    for (const line of only) expect(line).toContain('[transform]');
    expect(await page.getByTestId('log-count').textContent()).toContain(
      `${only.length} of ${all.length} lines`,
    );

    await chooseOption('log-level-filter', 'ERROR');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="log-line"]').length === 0);
    expect(await page.getByTestId('log-count').textContent()).toContain(`0 of ${all.length} lines`);

    await chooseOption('log-level-filter', 'DEBUG');
    await chooseOption('log-step-filter', 'All lines');
    expect((await logTexts()).length).toBe(all.length);
  });

  it('downloads the whole log as <run-id>.log', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-log').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${succeededRunId}.log`);
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('[load] hello from load');
    expect(text.trim().split('\n').length).toBe((await logTexts()).length);
  });

  it('replays a finished run and lands on the new run, which succeeds', async () => {
    await page.getByTestId('replay-run').click();
    await page.waitForURL(
      (url) => url.pathname.startsWith('/nomaflow/runs/') && !url.pathname.endsWith(succeededRunId),
    );
    const newId = page.url().split('/').pop()!;
    expect(newId).not.toBe(succeededRunId);
    await page.locator(`[data-testid="run-id"]`, { hasText: newId }).waitFor();
    await waitForStatus('SUCCEEDED');
    expect(await page.getByRole('link', { name: succeededRunId }).getAttribute('href')).toBe(
      `/nomaflow/runs/${succeededRunId}`,
    );
    expect(await page.getByTestId('step-row').count()).toBe(3);
  }, 30_000);

  it('shows a failed step in red with its error, and the next step CANCELED not reached', async () => {
    await createJob({
      id: 'fails-second',
      steps: [
        { name: 'prepare', type: 'noop', message: 'preparing' },
        { name: 'explode', type: 'noop', fail: true, message: 'about to fail' },
        { name: 'publish', type: 'noop' },
      ],
    });
    const runId = await trigger('fails-second');
    await page.goto(s.url(`/nomaflow/runs/${runId}`));
    await waitForStatus('FAILED');
    expect(await stepRow('prepare').getAttribute('data-status')).toBe('SUCCEEDED');
    await stepRow('explode').and(page.locator('[data-status="FAILED"]')).waitFor();
    expect(await stepRow('explode').getByTestId('step-error').textContent()).toContain('asked to fail');
    expect(await stepRow('explode').getByTestId('step-error').isVisible()).toBe(true);
    expect(await stepRow('publish').getAttribute('data-status')).toBe('CANCELED');
    expect(await stepRow('publish').getByTestId('step-reason').textContent()).toBe(
      'not reached: explode failed',
    );
    const color = await stepRow('explode').evaluate((el) => getComputedStyle(el).borderLeftColor);
    expect(color).toBe('rgb(198, 40, 40)');
    expect(await page.getByTestId('replay-run').isVisible()).toBe(true);
    expect(await page.getByTestId('cancel-run').count()).toBe(0);
    await s.screenshot('run-detail-failed');

    // At 800 px the page still fits: nothing forces a horizontal scrollbar.
    await page.setViewportSize({ width: 800, height: 900 });
    await page.waitForFunction(() => document.documentElement.scrollWidth <= 800);
    await s.screenshot('run-detail-800');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 30_000);

  it('cancels a long run: CANCELED with the last log line "run cancelled by …"', async () => {
    await createJob({
      id: 'long-one',
      steps: [{ name: 'wait', type: 'noop', ms: 60_000, message: 'waiting' }],
    });
    const runId = await trigger('long-one');
    await page.goto(s.url(`/nomaflow/runs/${runId}`));
    await stepRow('wait').and(page.locator('[data-status="RUNNING"]')).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('replay-run').count()).toBe(0);
    await page.getByTestId('cancel-run').click();
    await waitForStatus('CANCELED');
    expect(await stepRow('wait').getAttribute('data-status')).toBe('CANCELED');
    await page.waitForFunction(() => {
      const lines = document.querySelectorAll('[data-testid="log-line"]');
      return /run cancelled by admin$/.test(lines[lines.length - 1]?.textContent?.trim() ?? '');
    });
    expect(await stepRow('wait').getByTestId('step-reason').textContent()).toBe('cancelled by admin');
    await page.getByTestId('replay-run').waitFor();
  }, 40_000);

  it('says so when the run does not exist', async () => {
    await page.goto(s.url('/nomaflow/runs/00000000-0000-4000-8000-000000000000'));
    await page.getByRole('heading', { name: 'Run not found' }).waitFor();
  });

  it('keeps a log of thousands of lines in a virtual viewport that follows, pauses and resumes', async () => {
    await createJob({
      id: 'loud',
      steps: [
        { name: 'shout', type: 'python', callable: 'loud:lines', op_kwargs: { fast: 3000, slow: 600 } },
      ],
    });
    const runId = await trigger('loud');
    await page.goto(s.url(`/nomaflow/runs/${runId}`));
    const viewport = page.getByTestId('log-viewport');
    const count = async () =>
      Number(/(\d+) lines/.exec((await page.getByTestId('log-count').textContent()) ?? '')?.[1]);
    const distanceFromBottom = () =>
      viewport.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

    // Following: the burst is in and the view sits at the bottom.
    await page.waitForFunction(() => document.body.textContent?.includes('burst line 2999'), undefined, {
      timeout: 30_000,
    });
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="log-viewport"]')!;
      return el.scrollHeight - el.scrollTop - el.clientHeight < 5 && el.scrollHeight > 3000 * 20;
    });
    expect(await count()).toBeGreaterThan(3000);
    // Only a window of the log is in the DOM.
    expect(await page.getByTestId('log-line').count()).toBeLessThan(200);

    // The user scrolls up: following pauses, the view stays put while lines keep coming.
    await viewport.hover();
    await page.mouse.wheel(0, -3000);
    await page.getByTestId('jump-to-latest').waitFor();
    const top = await viewport.evaluate((el) => el.scrollTop);
    const seen = await count();
    await page.waitForFunction(
      (n) =>
        Number(
          /(\d+) lines/.exec(document.querySelector('[data-testid="log-count"]')?.textContent ?? '')?.[1],
        ) >
        n + 20,
      seen,
    );
    expect(await viewport.evaluate((el) => el.scrollTop)).toBe(top);
    expect(await distanceFromBottom()).toBeGreaterThan(1000);
    await s.screenshot('run-detail-log-paused');

    // Jump to latest resumes following: new lines keep the view at the bottom.
    await page.getByTestId('jump-to-latest').click();
    await page.getByTestId('jump-to-latest').waitFor({ state: 'detached' });
    const resumedAt = await count();
    await page.waitForFunction(
      (n) =>
        Number(
          /(\d+) lines/.exec(document.querySelector('[data-testid="log-count"]')?.textContent ?? '')?.[1],
        ) >
        n + 20,
      resumedAt,
    );
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="log-viewport"]')!;
      return el.scrollHeight - el.scrollTop - el.clientHeight < 5;
    });
    const last = (await logTexts()).at(-1) ?? '';
    expect(last).toMatch(/\[shout\] trickle line \d+$/);
    await s.server.api.post(`/api/runs/${runId}/cancel`);
    await waitForStatus('CANCELED');
  }, 90_000);
});
