import { JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { duration } from '../../core/time';
import { StatusBadge } from '../../shared/status-badge';
import { type StepProgress, type StepView, stepDurationMs } from './run-state';

/** The run's steps in order, coloured by state, with reason, error and output. */
@Component({
  selector: 'nf-step-timeline',
  imports: [JsonPipe, MatProgressBarModule, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ol class="timeline" aria-label="Steps">
      @for (step of steps(); track step.name; let i = $index) {
        <li
          class="row"
          [class]="'row st-' + step.status.toLowerCase()"
          data-testid="step-row"
          [attr.data-step]="step.name"
          [attr.data-status]="step.status"
        >
          <div class="head">
            <span class="index">{{ i + 1 }}</span>
            <span class="name">{{ step.name }}</span>
            @if (step.type) {
              <span class="type">{{ step.type }}</span>
            }
            <nf-status-badge [status]="step.status" />
            <span class="nf-spacer"></span>
            @if (step.attempts > 1) {
              <span class="fact" title="Attempts">{{ step.attempts }} attempts</span>
            }
            <span class="fact duration" title="Duration">{{ stepDuration(step) }}</span>
          </div>
          @if (step.status === 'RUNNING' && step.progress; as p) {
            <div class="progress">
              @if (p.total) {
                <mat-progress-bar
                  mode="determinate"
                  [value]="(100 * p.done) / p.total"
                  [attr.aria-label]="step.name + ' progress'"
                />
              }
              <span class="fact">{{ progressText(p) }}</span>
            </div>
          }
          @if (step.reason) {
            <div class="reason" data-testid="step-reason">{{ step.reason }}</div>
          }
          @if (step.error) {
            <details class="block error" [open]="step.status === 'FAILED'">
              <summary>Error</summary>
              <pre class="nf-mono" data-testid="step-error">{{ step.error }}</pre>
            </details>
          }
          @if (step.output && hasKeys(step.output)) {
            <details class="block">
              <summary>Output</summary>
              <pre class="nf-mono" data-testid="step-output">{{ step.output | json }}</pre>
            </details>
          }
        </li>
      } @empty {
        <li class="row">No steps yet.</li>
      }
    </ol>
  `,
  styles: `
    .timeline {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    .row {
      border-left: 5px solid var(--nf-canceled);
      background: var(--mat-sys-surface-container-low);
      border-radius: 4px;
      padding: 6px 10px;
    }
    .st-succeeded {
      border-left-color: var(--nf-succeeded);
    }
    .st-running {
      border-left-color: var(--nf-running);
      animation: nf-row-pulse 1.4s ease-in-out infinite;
    }
    .st-failed {
      border-left-color: var(--nf-failed);
      background: color-mix(in srgb, var(--nf-failed) 6%, var(--mat-sys-surface-container-low));
    }
    .st-pending {
      border-left-color: #bdbdbd;
    }
    @keyframes nf-row-pulse {
      50% {
        border-left-color: color-mix(in srgb, var(--nf-running) 40%, transparent);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .st-running {
        animation: none;
      }
    }
    .head {
      display: flex;
      align-items: center;
      gap: 8px;
      flex-wrap: wrap;
    }
    .index {
      color: var(--mat-sys-on-surface-variant);
      min-width: 2ch;
    }
    .name {
      font-weight: 600;
    }
    .type,
    .fact {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
    .progress {
      display: flex;
      align-items: center;
      gap: 8px;
      margin-top: 4px;
    }
    .progress mat-progress-bar {
      max-width: 320px;
    }
    .reason {
      font-size: 13px;
      margin-top: 4px;
      color: var(--mat-sys-on-surface-variant);
    }
    .block {
      margin-top: 4px;
    }
    .block summary {
      cursor: pointer;
      font-size: 13px;
    }
    .error summary {
      color: var(--nf-failed);
    }
    pre {
      margin: 4px 0 0;
      padding: 8px;
      max-height: 320px;
      overflow: auto;
      white-space: pre-wrap;
      word-break: break-word;
      background: var(--mat-sys-surface-container-lowest);
      border-radius: 4px;
    }
  `,
})
export class StepTimeline {
  readonly steps = input.required<readonly StepView[]>();
  /** Ticks while the run is live, so running steps show their elapsed time. */
  readonly now = input<number>(Date.now());

  protected stepDuration(step: StepView): string {
    return duration(stepDurationMs(step, this.now()));
  }

  protected progressText(p: StepProgress): string {
    const unit = p.unit ? ` ${p.unit}` : '';
    return p.total ? `${p.done} / ${p.total}${unit}` : `${p.done}${unit}`;
  }

  protected hasKeys(o: object): boolean {
    return Object.keys(o).length > 0;
  }
}
