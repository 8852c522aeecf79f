import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { Router, RouterLink } from '@angular/router';
import type { LogLine, RunEvent } from '@nomaflow/contracts';
import type { Subscription } from 'rxjs';
import { Api } from '../../core/api';
import { ApiError } from '../../core/api-types';
import { Live } from '../../core/live';
import { LogBuffer } from './log-buffer';
import { LogView } from './log-view';
import { RunHeader } from './run-header';
import { type RunState, foldRunEvents, initialRunState, isFinal } from './run-state';
import { StepTimeline } from './step-timeline';

/** `/nomaflow/runs/:id`: one run, live — header, step timeline, log, cancel and replay. */
@Component({
  selector: 'nf-run-detail-page',
  imports: [MatButtonModule, MatProgressSpinnerModule, RouterLink, LogView, RunHeader, StepTimeline],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="nf-page">
      @if (notFound()) {
        <section class="missing" role="alert" data-testid="run-not-found">
          <h1>Run not found</h1>
          <p>
            There is no run <span class="nf-mono">{{ id() }}</span> (it may have been pruned, or the link is
            wrong).
          </p>
          <a mat-stroked-button routerLink="/nomaflow/runs">All runs</a>
        </section>
      } @else if (loadError(); as error) {
        <p class="nf-error-text" role="alert">Could not load the run: {{ error }}</p>
      } @else if (state(); as s) {
        <nf-run-header [run]="s.run" [now]="now()" />
        <div class="nf-toolbar-row actions">
          @if (!finished()) {
            <button
              mat-flat-button
              class="cancel"
              data-testid="cancel-run"
              (click)="cancel()"
              [disabled]="busy() || cancelling()"
            >
              {{ cancelling() ? 'Cancelling…' : 'Cancel' }}
            </button>
          } @else {
            <button mat-flat-button data-testid="replay-run" (click)="replay()" [disabled]="busy()">
              Replay
            </button>
          }
          @if (streamError(); as error) {
            <span class="nf-error-text" role="alert">Live updates stopped: {{ error }}</span>
          }
          @if (actionError(); as error) {
            <span class="nf-error-text" role="alert">{{ error }}</span>
          }
        </div>
        <section aria-labelledby="steps-title">
          <h2 id="steps-title">Steps</h2>
          <nf-step-timeline [steps]="s.steps" [now]="now()" />
        </section>
        <section aria-labelledby="log-title">
          <h2 id="log-title">Log</h2>
          <nf-log-view [buffer]="buffer()" [runId]="s.run.id" [stepNames]="stepNames()" />
        </section>
      } @else {
        <mat-spinner diameter="32" aria-label="Loading run" />
      }
    </div>
  `,
  styles: `
    .actions {
      margin: 16px 0 8px;
    }
    .cancel {
      --mat-button-filled-container-color: var(--nf-failed);
    }
    h2 {
      font-size: 16px;
      font-weight: 500;
      margin: 20px 0 8px;
    }
    .missing h1 {
      font-size: 22px;
      font-weight: 500;
    }
  `,
})
export class RunDetailPage {
  /** The run id, from the route. */
  readonly id = input.required<string>();

  private readonly api = inject(Api);
  private readonly live = inject(Live);
  private readonly router = inject(Router);

  protected readonly state = signal<RunState | null>(null);
  protected readonly buffer = signal(new LogBuffer());
  protected readonly notFound = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly streamError = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly cancelling = signal(false);
  protected readonly now = signal(Date.now());

  protected readonly finished = computed(() => {
    const s = this.state();
    return s !== null && isFinal(s.run.status);
  });
  private readonly ticking = computed(() => this.state() !== null && !this.finished());
  protected readonly stepNames = computed(() => (this.state()?.steps ?? []).map((s) => s.name), {
    equal: (a, b) => a.length === b.length && a.every((n, i) => n === b[i]),
  });

  private stream: Subscription | undefined;

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.open(id));
    });
    effect((onCleanup) => {
      if (!this.ticking()) return;
      const timer = setInterval(() => this.now.set(Date.now()), 1000);
      onCleanup(() => clearInterval(timer));
    });
    inject(DestroyRef).onDestroy(() => this.stream?.unsubscribe());
  }

  /** Reads the run, then follows its whole event stream from seq 0 (history first, then live). */
  private async open(id: string): Promise<void> {
    this.stream?.unsubscribe();
    this.stream = undefined;
    this.state.set(null);
    this.buffer.set(new LogBuffer());
    this.notFound.set(false);
    this.loadError.set(null);
    this.streamError.set(null);
    this.actionError.set(null);
    this.cancelling.set(false);
    let run;
    try {
      run = await this.api.run(id);
    } catch (e) {
      if (this.id() !== id) return;
      if (e instanceof ApiError && e.status === 404) this.notFound.set(true);
      else this.loadError.set(e instanceof Error ? e.message : String(e));
      return;
    }
    // A later navigation won the race: its own open() owns the page now.
    if (this.id() !== id) return;
    this.state.set(initialRunState(run));
    const buffer = this.buffer();
    this.stream = this.live.run(id, 0).subscribe({
      next: (events) => this.apply(buffer, events),
      error: (e: unknown) => this.streamError.set(e instanceof Error ? e.message : String(e)),
    });
  }

  private apply(buffer: LogBuffer, events: RunEvent[]): void {
    const lines: LogLine[] = [];
    for (const e of events) if (e.type === 'log:line') lines.push(e.line);
    if (lines.length > 0) buffer.append(lines);
    const current = this.state();
    if (current) this.state.set(foldRunEvents(current, events));
    if (this.finished()) this.cancelling.set(false);
  }

  protected async cancel(): Promise<void> {
    this.busy.set(true);
    this.actionError.set(null);
    try {
      const res = await this.api.cancel(this.id());
      // CANCELED (it was still queued) or CANCELLING: either way run:finished will follow.
      if (res.status === 'CANCELLING' && !this.finished()) this.cancelling.set(true);
    } catch (e) {
      this.actionError.set(`Cancel failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.busy.set(false);
    }
  }

  protected async replay(): Promise<void> {
    this.busy.set(true);
    this.actionError.set(null);
    try {
      const { run_id } = await this.api.replay(this.id());
      await this.router.navigate(['/nomaflow/runs', run_id]);
    } catch (e) {
      this.actionError.set(`Replay failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.busy.set(false);
    }
  }
}
