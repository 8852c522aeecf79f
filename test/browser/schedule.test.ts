import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openConsole } from '../support/browser.js';
import type { ConsoleSession } from '../support/browser.js';

describe('schedule view (Chromium against a started server)', () => {
  let s: ConsoleSession;
  beforeAll(async () => {
    s = await openConsole();
    const jobs = [
      { id: 'nightly-load', tags: ['etl'], schedule: { cron: '0 3 * * *', timezone: 'UTC' } },
      { id: 'nightly-report', tags: ['reporting', 'etl'], schedule: { cron: '10 3 * * *', timezone: 'UTC' } },
      { id: 'noon-alone', schedule: { cron: '0 13 * * 1', timezone: 'UTC' } },
      { id: 'every-five', tags: ['ops'], schedule: { cron: '*/5 * * * *', timezone: 'UTC' } },
    ];
    for (const job of jobs) {
      const res = await s.server.api.post('/api/jobs', { ...job, steps: [{ name: 'wait', type: 'noop' }] });
      expect(res.status).toBe(201);
    }
  }, 60_000);
  afterAll(() => s?.close());

  it('shows 7 day columns starting today with both fires, flagged as a collision risk', async () => {
    await s.page.goto(s.url('/nomaflow/schedule'));
    const days = s.page.getByTestId('calendar-day');
    await s.page.locator('[data-testid="fire-chip"]').first().waitFor();
    expect(await days.count()).toBe(7);
    // The browser runs in UTC: 03:00 and 03:10 are today's or tomorrow's first fires.
    const firstTwo = [days.nth(0), days.nth(1)];
    const load = s.page.locator('[data-testid="fire-chip"][data-job-id="nightly-load"]').first();
    const report = s.page.locator('[data-testid="fire-chip"][data-job-id="nightly-report"]').first();
    let found = false;
    for (const day of firstTwo) {
      const ids = await day
        .getByTestId('fire-chip')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-job-id')));
      if (ids.includes('nightly-load')) {
        expect(ids.indexOf('nightly-report')).toBe(ids.indexOf('nightly-load') + 1);
        found = true;
        break;
      }
    }
    expect(found).toBe(true);
    expect(await load.innerText()).toMatch(/03:00\s+nightly-load/);
    expect(await report.innerText()).toMatch(/03:10\s+nightly-report/);
    await load.getByTestId('collision-flag').waitFor();
    await report.getByTestId('collision-flag').waitFor();
    expect(await load.getAttribute('aria-label')).toContain('nightly-report');
    expect(await report.getAttribute('aria-label')).toContain('nightly-load');
    // Different first tags give different colours; the weekly job collides with nothing.
    const colour = (l: typeof load) => l.evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await colour(load)).not.toBe(await colour(report));
    const alone = s.page.locator('[data-testid="fire-chip"][data-job-id="noon-alone"]');
    if ((await alone.count()) > 0) expect(await alone.first().getByTestId('collision-flag').count()).toBe(0);
    expect(await load.getAttribute('data-past')).toBe('false');
    await s.screenshot('schedule');
  });

  it('folds a job firing every 5 minutes into one chip a day, out of the collision flags', async () => {
    const chips = s.page.locator('[data-testid="fire-chip"][data-job-id="every-five"]');
    await chips.first().waitFor();
    const days = s.page.getByTestId('calendar-day');
    for (let i = 1; i < 7; i++) {
      const mine = days.nth(i).locator('[data-testid="fire-chip"][data-job-id="every-five"]');
      expect(await mine.count()).toBe(1);
      expect(await mine.getAttribute('data-repeats')).toBe('288');
    }
    expect(await chips.locator('[data-testid="collision-flag"]').count()).toBe(0);
    const load = s.page.locator('[data-testid="fire-chip"][data-job-id="nightly-load"]').first();
    expect(await load.getAttribute('aria-label')).not.toContain('every-five');
  });

  it('pages by week and back', async () => {
    const first = () => s.page.getByTestId('calendar-day').first().getAttribute('data-day');
    const today = await first();
    await s.page.getByRole('button', { name: 'Next week' }).click();
    await s.page.waitForFunction(
      (t) => document.querySelector('[data-testid="calendar-day"]')?.getAttribute('data-day') !== t,
      today,
    );
    const next = await first();
    expect(Date.parse(next!) - Date.parse(today!)).toBe(7 * 86_400_000);
    await s.page.locator('[data-testid="fire-chip"][data-job-id="nightly-load"]').first().waitFor();
    await s.page.getByRole('button', { name: 'Previous week' }).click();
    await s.page.waitForFunction(
      (t) => document.querySelector('[data-testid="calendar-day"]')?.getAttribute('data-day') === t,
      today,
    );
  });

  it('opens the job from a future fire', async () => {
    await s.page.locator('[data-testid="fire-chip"][data-job-id="nightly-report"]').first().click();
    await s.page.waitForURL('**/nomaflow/jobs/nightly-report');
    expect(s.errors).toEqual([]);
  });

  it('scrolls the columns sideways at tablet width', async () => {
    await s.page.setViewportSize({ width: 800, height: 900 });
    await s.page.goto(s.url('/nomaflow/schedule'));
    await s.page.locator('[data-testid="fire-chip"]').first().waitFor();
    const scroll = await s.page.locator('.scroller').evaluate((e) => ({
      scroll: e.scrollWidth,
      client: e.clientWidth,
      page: document.documentElement.scrollWidth,
    }));
    expect(scroll.scroll).toBeGreaterThan(scroll.client);
    expect(scroll.page).toBeLessThanOrEqual(800);
    await s.screenshot('schedule-tablet');
  });

  it('links a past fire to the run it started', async () => {
    // Fires every 2 s (the 6th cron field is seconds) until the first run exists, then is disabled.
    const tick = { id: 'tick', schedule: { cron: '* * * * * */2', timezone: 'UTC' } };
    expect(
      (await s.server.api.post('/api/jobs', { ...tick, steps: [{ name: 'wait', type: 'noop' }] })).status,
    ).toBe(201);
    let runId: string | undefined;
    for (let i = 0; i < 100 && !runId; i++) {
      const { body } = await s.server.api.get<{ runs: { id: string }[] }>('/api/runs?job=tick');
      runId = body.runs.at(-1)?.id;
      if (!runId) await new Promise((r) => setTimeout(r, 200));
    }
    expect(runId).toBeDefined();
    const off = { ...tick, enabled: false, steps: [{ name: 'wait', type: 'noop' }] };
    expect((await s.server.api.put('/api/jobs/tick', off)).status).toBe(200);

    await s.page.goto(s.url('/nomaflow/schedule'));
    const past = s.page.locator('[data-testid="fire-chip"][data-job-id="tick"][data-past="true"]');
    await past.first().waitFor();
    const { body } = await s.server.api.get<{ runs: { id: string }[] }>('/api/runs?job=tick');
    const runIds = body.runs.map((r) => r.id);
    await past.first().click();
    await s.page.waitForURL(/\/nomaflow\/runs\/[0-9a-f-]{36}$/);
    expect(runIds).toContain(s.page.url().split('/').pop());
  });
});
