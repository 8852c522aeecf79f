import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Subject } from 'rxjs';
import type { CatalogueEntry } from '../../core/api-types';
import { Live, type CatalogueSignal } from '../../core/live';
import { CataloguePage } from './catalogue-page';
import { entry } from './test-entries';

describe('CataloguePage', () => {
  let http: HttpTestingController;
  let live: Subject<CatalogueSignal>;

  let fixture: ReturnType<typeof TestBed.createComponent<CataloguePage>>;

  const settle = async () => {
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
  };
  const cards = (): HTMLElement[] => [...fixture.nativeElement.querySelectorAll('[data-testid="job-card"]')];
  const answerJobs = async (jobs: CatalogueEntry[]) => {
    http.expectOne({ method: 'GET', url: '/api/jobs' }).flush(jobs);
    await settle();
  };

  beforeEach(async () => {
    live = new Subject<CatalogueSignal>();
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: Live, useValue: { catalogue: () => live.asObservable() } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(CataloguePage);
    await settle();
  });
  afterEach(() => http.verify());

  it('renders one card per job sorted by id, and an empty state with none', async () => {
    await answerJobs([
      entry('b-job', { tags: ['etl'] }),
      entry('a-job', { schedule: { cron: '*/5 * * * *' } }),
    ]);
    expect(cards().map((c) => c.dataset['jobId'])).toEqual(['a-job', 'b-job']);
    expect(cards()[0]!.textContent).toContain('*/5 * * * *');
    expect(cards()[1]!.textContent).toContain('manual-only');
    expect(cards()[1]!.querySelector('.tag')!.textContent).toBe('etl');

    live.next({ type: 'job:changed', job_id: 'a-job', change: 'deleted', at: '' });
    await answerJobs([]);
    expect(cards()).toHaveLength(0);
    expect(fixture.nativeElement.textContent).toContain('No jobs yet');
  });

  it('renders a long catalogue a screenful first, then the rest in later tasks', async () => {
    const many = Array.from({ length: 60 }, (_, i) => entry(`job-${String(i).padStart(2, '0')}`));
    http.expectOne({ method: 'GET', url: '/api/jobs' }).flush(many);
    for (let i = 0; i < 10 && cards().length === 0; i++) {
      await Promise.resolve();
      await fixture.whenStable();
    }
    const first = cards().length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(60);
    for (let i = 0; i < 100 && cards().length < 60; i++) await settle();
    expect(cards().map((c) => c.dataset['jobId'])).toEqual(many.map((e) => e.id));
  });

  it('shows live progress and coalesces re-reads while one is in flight', async () => {
    await answerJobs([entry('etl')]);
    const at = new Date().toISOString();
    live.next({ type: 'run:started', run_id: 'r1', seq: 1, at, job_id: 'etl', step_count: 17 });
    live.next({
      type: 'step:started',
      run_id: 'r1',
      seq: 2,
      at,
      step: 's6',
      index: 5,
      step_type: 'noop',
      attempt: 1,
      step_count: 17,
    });
    await settle();
    const card = cards()[0]!;
    expect(card.querySelector('[data-testid="running-step"]')!.textContent!.trim()).toBe('step 6 / 17');
    expect((card.querySelector('[data-testid="run-now"]') as HTMLButtonElement).disabled).toBe(true);

    live.next({
      type: 'run:finished',
      run_id: 'r1',
      seq: 3,
      at,
      job_id: 'etl',
      status: 'SUCCEEDED',
      error: null,
    });
    live.next({ type: 'resync' });
    live.next({ type: 'config:reloaded', jobs: 1, at });
    await settle();
    expect(card.querySelector('[data-testid="running-step"]')).toBeNull();
    expect(card.querySelector('[data-testid="last-run"]')!.getAttribute('data-status')).toBe('SUCCEEDED');
    // Three notices: one read in flight, one trailing.
    const reads = http.match({ method: 'GET', url: '/api/jobs' });
    expect(reads).toHaveLength(1);
    reads[0]!.flush([entry('etl')]);
    await settle();
    http.expectOne({ method: 'GET', url: '/api/jobs' }).flush([entry('etl')]);
    await settle();
  });

  it('saves the enabled toggle as the job document, reloads, re-reads', async () => {
    await answerJobs([
      entry('etl', { tags: ['x'], last_run: null, next_fire: { at: '2026-01-01T00:00:00Z', local: 'x' } }),
    ]);
    (cards()[0]!.querySelector('[data-testid="enabled-toggle"]') as HTMLInputElement).click();
    await settle();
    const put = http.expectOne({ method: 'PUT', url: '/api/jobs/etl' });
    expect(put.request.body).toEqual({
      id: 'etl',
      tags: ['x'],
      steps: [{ name: 'wait', type: 'noop' }],
      enabled: false,
    });
    put.flush({});
    await settle();
    http.expectOne({ method: 'POST', url: '/admin/reload' }).flush({});
    await settle();
    http.expectOne({ method: 'GET', url: '/api/jobs' }).flush([entry('etl', { enabled: false })]);
    await settle();
    expect(cards()[0]!.classList).toContain('disabled');
  });

  it('reverts the toggle when the save is refused', async () => {
    await answerJobs([entry('etl')]);
    (cards()[0]!.querySelector('[data-testid="enabled-toggle"]') as HTMLInputElement).click();
    await settle();
    http
      .expectOne({ method: 'PUT', url: '/api/jobs/etl' })
      .flush(
        { errors: [{ path: '/schedule/cron', message: 'invalid cron expression' }] },
        { status: 400, statusText: 'Bad' },
      );
    await settle();
    expect(cards()[0]!.classList).not.toContain('disabled');
    // The snack bar's code loads on first use.
    for (let i = 0; i < 50 && !document.body.textContent?.includes('invalid cron'); i++) await settle();
    expect(document.body.textContent).toContain('invalid cron expression');
  });

  it('filters by tag and state tokens', async () => {
    await answerJobs([entry('a', { tags: ['etl'] }), entry('b', { enabled: false }), entry('c')]);
    const input = fixture.nativeElement.querySelector('[data-testid="filter"]') as HTMLInputElement;
    input.value = 'tag:etl';
    input.dispatchEvent(new Event('input'));
    await settle();
    expect(cards().map((c) => c.dataset['jobId'])).toEqual(['a']);
    input.value = 'state:disabled';
    input.dispatchEvent(new Event('input'));
    await settle();
    expect(cards().map((c) => c.dataset['jobId'])).toEqual(['b']);
  });
});
