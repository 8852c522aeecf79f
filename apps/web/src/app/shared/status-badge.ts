import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { RunStatus, StepStatus } from '@nomaflow/contracts';

/**
 * A run or step state as a coloured pill: green SUCCEEDED, blue (pulsing) RUNNING, red FAILED,
 * grey CANCELED/PENDING, purple QUEUED. Colours come from the `--nf-*` variables in styles.scss.
 */
@Component({
  selector: 'nf-status-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[attr.data-status]': 'status()', role: 'status', '[attr.aria-label]': 'label()' },
  template: `<span class="badge" [class]="'badge s-' + status().toLowerCase()">{{ text() }}</span>`,
  styles: `
    .badge {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      padding: 1px 8px;
      border-radius: 10px;
      font-size: 11px;
      font-weight: 600;
      letter-spacing: 0.3px;
      color: white;
      background: var(--nf-canceled);
    }
    .s-succeeded {
      background: var(--nf-succeeded);
    }
    .s-running {
      background: var(--nf-running);
      animation: nf-pulse 1.4s ease-in-out infinite;
    }
    .s-failed {
      background: var(--nf-failed);
    }
    .s-queued {
      background: var(--nf-queued);
    }
    .s-pending {
      background: #bdbdbd;
      color: #212121;
    }
    @keyframes nf-pulse {
      50% {
        opacity: 0.55;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .s-running {
        animation: none;
      }
    }
  `,
})
export class StatusBadge {
  readonly status = input.required<RunStatus | StepStatus>();
  /** Text shown instead of the state name (e.g. "step 6 / 17"). */
  readonly detail = input<string | null>(null);
  protected readonly text = computed(() => this.detail() ?? this.status());
  protected readonly label = computed(() =>
    this.detail() ? `${this.status()}: ${this.detail()}` : this.status(),
  );
}
