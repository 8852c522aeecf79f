import { Clipboard } from '@angular/cdk/clipboard';
import { JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import type { Run } from '@nomaflow/contracts';
import { duration, durationBetween, localDateTime, utcDateTime } from '../../core/time';
import { StatusBadge } from '../../shared/status-badge';

/** Who, when and with what a run ran: the top of the run detail page. */
@Component({
  selector: 'nf-run-header',
  imports: [JsonPipe, MatButtonModule, MatTooltipModule, RouterLink, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="title">
      <h1>
        Run <span class="nf-mono run-id" data-testid="run-id">{{ run().id }}</span>
      </h1>
      <button
        mat-icon-button
        (click)="copyId()"
        [attr.aria-label]="copied() ? 'Run id copied' : 'Copy run id'"
        [matTooltip]="copied() ? 'Copied' : 'Copy run id'"
      >
        @if (copied()) {
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path fill="currentColor" d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z" />
          </svg>
        } @else {
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path
              fill="currentColor"
              d="M16 1H4a2 2 0 0 0-2 2v14h2V3h12V1zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11v14z"
            />
          </svg>
        }
      </button>
      <nf-status-badge data-testid="run-status" [status]="run().status" />
    </div>
    <p class="job">
      Job <a [routerLink]="['/nomaflow/jobs', run().job_id]" data-testid="run-job">{{ run().job_id }}</a> ·
      <a [routerLink]="['/nomaflow/jobs', run().job_id, 'runs']">all runs of this job</a>
    </p>
    <dl class="facts">
      <div>
        <dt>Triggered by</dt>
        <dd>{{ run().triggered_by }}</dd>
      </div>
      @if (run().replay_of; as original) {
        <div>
          <dt>Replay of</dt>
          <dd>
            <a class="nf-mono" [routerLink]="['/nomaflow/runs', original]">{{ original }}</a>
          </dd>
        </div>
      }
      @if (run().scheduled_for; as at) {
        <div>
          <dt>Scheduled for</dt>
          <dd [title]="utc(at)">{{ local(at) }}</dd>
        </div>
      }
      <div>
        <dt>Created</dt>
        <dd [title]="utc(run().created_at)">{{ local(run().created_at) }}</dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd data-testid="run-started" [title]="utc(run().started_at)">{{ local(run().started_at) }}</dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd data-testid="run-finished" [title]="utc(run().finished_at)">{{ local(run().finished_at) }}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd data-testid="run-duration">{{ elapsed() }}</dd>
      </div>
      <div>
        <dt>Log level</dt>
        <dd>{{ run().log_level }}</dd>
      </div>
    </dl>
    @if (run().error; as error) {
      <p class="error" role="alert" data-testid="run-error">{{ error }}</p>
    }
    @if (hasParams()) {
      <details class="params" open>
        <summary>Parameters</summary>
        <pre class="nf-mono" data-testid="run-params">{{ run().params | json }}</pre>
      </details>
    }
  `,
  styles: `
    .title {
      display: flex;
      align-items: center;
      gap: 8px;
      flex-wrap: wrap;
    }
    h1 {
      margin: 0;
      font-size: 22px;
      font-weight: 500;
    }
    .run-id {
      font-size: 16px;
      word-break: break-all;
    }
    .job {
      margin: 4px 0 12px;
    }
    .facts {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
      gap: 8px 16px;
      margin: 0;
    }
    dt {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
    dd {
      margin: 0;
    }
    .error {
      color: var(--nf-failed);
      margin: 12px 0 0;
      white-space: pre-wrap;
    }
    .params {
      margin-top: 12px;
    }
    .params summary {
      cursor: pointer;
    }
    pre {
      margin: 4px 0 0;
      padding: 8px;
      background: var(--mat-sys-surface-container-lowest);
      border-radius: 4px;
      overflow: auto;
    }
  `,
})
export class RunHeader {
  readonly run = input.required<Omit<Run, 'steps'>>();
  /** Ticks while the run is live, so the duration counts up. */
  readonly now = input<number>(Date.now());

  private readonly clipboard = inject(Clipboard);
  protected readonly copied = signal(false);

  protected readonly elapsed = computed(() =>
    duration(durationBetween(this.run().started_at, this.run().finished_at, this.now())),
  );
  protected readonly hasParams = computed(() => Object.keys(this.run().params ?? {}).length > 0);

  protected local(iso: string | null): string {
    return localDateTime(iso);
  }
  protected utc(iso: string | null): string {
    return utcDateTime(iso);
  }

  protected copyId(): void {
    this.copied.set(this.clipboard.copy(this.run().id));
    setTimeout(() => this.copied.set(false), 2000);
  }
}
