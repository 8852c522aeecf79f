import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Locator } from 'playwright-core';
import { openConsole } from '../support/browser.js';
import type { ConsoleSession } from '../support/browser.js';
import { waitFor } from '../support/wait.js';

const JOBS = [
  {
    id: 'a-quick',
    description: 'One step, no params.',
    steps: [{ name: 'say-hello', type: 'noop', message: 'hi' }],
  },
  {
    id: 'b-etl',
    description: 'Every five minutes.',
    tags: ['etl', 'reporting'],
    schedule: { cron: '*/5 * * * *', timezone: 'UTC' },
    steps: [
      { name: 'extract', type: 'noop' },
      { name: 'load', type: 'noop' },
    ],
  },
  { id: 'c-off', enabled: false, tags: ['archive'], steps: [{ name: 'noop-it', type: 'noop' }] },
  { id: 'd-long', concurrency: 'skip', steps: [{ name: 'sleep', type: 'noop', ms: 60_000 }] },
];

describe('jobs catalogue (Chromium against a started server)', () => {
  let s: ConsoleSession;
  const card = (id: string): Locator => s.page.locator(`[data-testid="job-card"][data-job-id="${id}"]`);
  const visibleIds = () =>
    s.page
      .locator('[data-testid="job-card"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-job-id')));

  beforeAll(async () => {
    s = await openConsole();
    for (const job of JOBS) {
      const res = await s.server.api.post('/api/jobs', job);
      expect(res.status).toBe(201);
    }
    await s.page.goto(s.url('/nomaflow/jobs'));
    await s.page.getByRole('status', { name: 'Live updates connected' }).waitFor();
    await card('d-long').waitFor();
  }, 60_000);
  afterAll(() => s?.close());

  it('shows one card per job sorted by id with tags, schedule, next fire and step count', async () => {
    expect(await visibleIds()).toEqual(['a-quick', 'b-etl', 'c-off', 'd-long']);
    const etl = card('b-etl');
    expect(await etl.locator('.tag').allTextContents()).toEqual(['etl', 'reporting']);
    expect(await etl.textContent()).toContain('*/5 * * * * · UTC');
    expect(await etl.getByTestId('next-fire').textContent()).toMatch(/in \d+ [sm]/);
    expect(await etl.getByTestId('next-fire').getAttribute('title')).toMatch(/\d\d:\d\d/);
    expect((await etl.getByTestId('step-count').textContent())?.trim()).toBe('2 steps');
    expect(await card('a-quick').textContent()).toContain('manual-only');
    expect((await card('a-quick').getByTestId('last-run').textContent())?.trim()).toBe('never run');
    expect(await card('a-quick').getByRole('link', { name: 'a-quick' }).getAttribute('href')).toBe(
      '/nomaflow/jobs/a-quick',
    );
  });

  it('filters by tag, by state and by free text', async () => {
    const filter = s.page.getByTestId('filter');
    await filter.fill('tag:etl');
    await s.page.waitForFunction(() => document.querySelectorAll('[data-testid="job-card"]').length === 1);
    expect(await visibleIds()).toEqual(['b-etl']);
    await filter.fill('state:disabled');
    await card('b-etl').waitFor({ state: 'detached' });
    expect(await visibleIds()).toEqual(['c-off']);
    await filter.fill('quick');
    await card('a-quick').waitFor();
    expect(await visibleIds()).toEqual(['a-quick']);
    await filter.fill('');
    await card('d-long').waitFor();
    expect(await visibleIds()).toHaveLength(4);
  });

  it('saves the enabled toggle for real', async () => {
    const toggle = card('b-etl').getByRole('switch', { name: 'Enabled: b-etl' });
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    const saved = await waitFor('b-etl saved disabled', async () => {
      const res = await s.server.api.get<{ enabled?: boolean }>('/api/jobs/b-etl');
      return res.body.enabled === false ? res.body : undefined;
    });
    expect(saved.enabled).toBe(false);
    await s.page.waitForFunction(
      () => document.querySelector('[data-job-id="b-etl"]')?.classList.contains('disabled') === true,
    );
    // Disabled: the scheduler no longer has a next fire for it.
    await waitFor('next fire gone', async () =>
      (await card('b-etl').getByTestId('next-fire').textContent())?.includes('disabled'),
    );
    expect(await toggle.isChecked()).toBe(false);
  });

  it('runs a one-step job at once and shows its outcome live, without reloading', async () => {
    await s.page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await card('a-quick').getByTestId('run-now').click();
    await s.page.getByText('Run started').waitFor();
    await card('a-quick').locator('[data-testid="last-run"][data-status="SUCCEEDED"]').waitFor();
    const href = await card('a-quick').getByTestId('last-run').getAttribute('href');
    expect(href).toMatch(/^\/nomaflow\/runs\/.+/);
    expect(
      await s.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
  });

  it('opens the Run-with-parameters modal for a job with several steps', async () => {
    await card('b-etl').getByTestId('run-now').click();
    await s.page.getByTestId('run-dialog').waitFor();
    await s.page.keyboard.press('Escape');
    await s.page.getByTestId('run-dialog').waitFor({ state: 'detached' });
  });

  it('shows a long run in flight, blocks Run now, and cancels it', async () => {
    const long = card('d-long');
    expect(await long.getByTestId('cancel-run').isDisabled()).toBe(true);
    await long.getByTestId('run-now').click();
    await long.getByTestId('running-step').waitFor();
    expect((await long.getByTestId('running-step').textContent())?.trim()).toBe('step 1 / 1');
    await s.page.waitForFunction(
      () =>
        (document.querySelector('[data-job-id="d-long"] [data-testid="run-now"]') as HTMLButtonElement | null)
          ?.disabled === true,
    );
    expect(await long.locator('[data-testid="last-run"]').getAttribute('data-status')).toMatch(
      /RUNNING|QUEUED/,
    );
    await s.screenshot('catalogue-running');
    await long.getByTestId('cancel-run').click();
    await long.locator('[data-testid="last-run"][data-status="CANCELED"]').waitFor();
    await long.getByTestId('running-step').waitFor({ state: 'detached' });
    expect(await long.getByTestId('run-now').isDisabled()).toBe(false);
    await s.screenshot('catalogue');
    expect(s.errors).toEqual([]);
  });
});
