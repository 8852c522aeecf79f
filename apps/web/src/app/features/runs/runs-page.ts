import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { Run } from '@nomaflow/contracts';
import { Api } from '../../core/api';
import { Live } from '../../core/live';
import {
  FIRST_PAGE,
  type PagerState,
  hasNext,
  hasPrevious,
  nextPage,
  pageLoaded,
  pageNumber,
  previousPage,
} from './pager';
import { type RunsFilter, filterFromParams, filterToParams, sameFilter, toRunsQuery } from './runs-filter';
import { RunsFilters } from './runs-filters';
import { applyToRows, newRunFor } from './runs-live';
import { RunsTable } from './runs-table';

/** `/nomaflow/runs` and `/nomaflow/jobs/:id/runs`: the run history, filtered, paged, live. */
@Component({
  selector: 'nf-runs-page',
  imports: [MatButtonModule, MatProgressBarModule, RouterLink, RunsFilters, RunsTable],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="nf-page">
      <div class="nf-toolbar-row title">
        @if (fixedJob(); as jobId) {
          <h1>
            Runs of <a [routerLink]="['/nomaflow/jobs', jobId]">{{ jobId }}</a>
          </h1>
          <a mat-button routerLink="/nomaflow/runs">All runs</a>
        } @else {
          <h1>Runs</h1>
        }
      </div>
      <nf-runs-filters
        [filter]="filter()"
        [fixedJob]="fixedJob()"
        [jobIds]="jobIds()"
        (filterChange)="applyFilter($event)"
      />
      @if (newRuns().size > 0) {
        <div class="notice" role="status" data-testid="new-runs">
          {{ newRuns().size }} new {{ newRuns().size === 1 ? 'run' : 'runs' }}
          <button mat-button (click)="showNewest()">Show</button>
        </div>
      }
      @if (loading()) {
        <mat-progress-bar mode="indeterminate" aria-label="Loading runs" />
      }
      @if (error(); as e) {
        <p class="nf-error-text" role="alert">Could not load runs: {{ e }}</p>
      }
      <nf-runs-table [runs]="rows()" [showJob]="fixedJob() === null" [now]="now()" />
      @if (!loading() && rows().length === 0 && !error()) {
        <p class="empty" data-testid="runs-empty">No runs match these filters.</p>
      }
      <nav class="nf-toolbar-row pager" aria-label="Pages">
        <button mat-stroked-button data-testid="runs-previous" (click)="previous()" [disabled]="!canGoBack()">
          ‹ Previous
        </button>
        <span data-testid="runs-page">Page {{ page() }}</span>
        <button mat-stroked-button data-testid="runs-next" (click)="next()" [disabled]="!canGoOn()">
          Next ›
        </button>
      </nav>
    </div>
  `,
  styles: `
    h1 {
      font-size: 22px;
      font-weight: 500;
      margin: 0 0 12px;
    }
    .notice {
      display: flex;
      align-items: center;
      gap: 8px;
      padding: 4px 12px;
      margin-bottom: 8px;
      border-radius: 4px;
      background: var(--mat-sys-secondary-container);
    }
    .empty {
      color: var(--mat-sys-on-surface-variant);
    }
    .pager {
      justify-content: flex-end;
      margin-top: 12px;
    }
  `,
})
export class RunsPage {
  /** The job id on `/nomaflow/jobs/:id/runs`. */
  readonly id = input<string>();
  /** Query params, bound by the router. */
  readonly job = input<string>();
  readonly status = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();
  readonly limit = input<string>();

  private readonly api = inject(Api);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly fixedJob = computed(() => this.id() ?? null);
  protected readonly filter = computed<RunsFilter>(
    () =>
      filterFromParams(
        { job: this.job(), status: this.status(), from: this.from(), to: this.to(), limit: this.limit() },
        this.fixedJob(),
      ),
    { equal: sameFilter },
  );

  protected readonly rows = signal<readonly Run[]>([]);
  protected readonly pager = signal<PagerState>(FIRST_PAGE);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly newRuns = signal<ReadonlySet<string>>(new Set());
  protected readonly jobIds = signal<readonly string[]>([]);
  protected readonly now = signal(Date.now());

  protected readonly page = computed(() => pageNumber(this.pager()));
  protected readonly canGoBack = computed(() => !this.loading() && hasPrevious(this.pager()));
  protected readonly canGoOn = computed(() => !this.loading() && hasNext(this.pager()));
  private readonly anyLive = computed(() => this.rows().some((r) => r.status === 'RUNNING'));

  private request = 0;
  private resyncs = 0;

  constructor() {
    effect(() => {
      this.filter();
      untracked(() => this.load(FIRST_PAGE));
    });
    effect((onCleanup) => {
      if (!this.anyLive()) return;
      const timer = setInterval(() => this.now.set(Date.now()), 1000);
      onCleanup(() => clearInterval(timer));
    });
    inject(Live)
      .catalogue()
      .pipe(takeUntilDestroyed())
      .subscribe((m) => {
        if (m.type === 'resync') {
          // The first one only confirms the subscription; later ones mean notices may be lost.
          if (this.resyncs++ > 0) void this.load(this.pager(), true);
          return;
        }
        this.rows.set(applyToRows(this.rows(), m));
        const fresh = newRunFor(this.filter(), this.rows(), m);
        if (fresh) this.newRuns.update((s) => new Set(s).add(fresh));
      });
    this.api.jobs().then(
      (jobs) => this.jobIds.set(jobs.map((j) => j.id).sort()),
      () => this.jobIds.set([]),
    );
  }

  /** Reads one page; an answer to an older request (filters changed meanwhile) is dropped. */
  private async load(state: PagerState, quiet = false): Promise<void> {
    const mine = ++this.request;
    if (!quiet) this.loading.set(true);
    this.error.set(null);
    try {
      const res = await this.api.runs(toRunsQuery(this.filter(), state.cursor));
      if (mine !== this.request) return;
      this.rows.set(res.runs);
      this.pager.set(pageLoaded(state, res.next_cursor));
      if (state.cursor === null) this.newRuns.set(new Set());
    } catch (e) {
      if (mine !== this.request) return;
      this.error.set(e instanceof Error ? e.message : String(e));
    } finally {
      if (mine === this.request) this.loading.set(false);
    }
  }

  protected applyFilter(filter: RunsFilter): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: filterToParams(filter, this.fixedJob()),
    });
  }

  protected next(): void {
    void this.load(nextPage(this.pager()));
  }

  protected previous(): void {
    void this.load(previousPage(this.pager()));
  }

  protected showNewest(): void {
    void this.load(FIRST_PAGE);
  }
}
