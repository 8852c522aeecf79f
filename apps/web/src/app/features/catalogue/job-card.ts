import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { CatalogueEntry } from '../../core/api-types';
import { localDateTime, relativeTime } from '../../core/time';
import { AppLink } from '../../shared/app-link';
import { StatusBadge } from '../../shared/status-badge';
import { runNowBlocked } from './catalogue-state';

/**
 * One job of the catalogue. Kept deliberately light (native buttons and switch, plain spans for
 * chips, `title` for hovers): the page renders hundreds of them and must be interactive within 1 s.
 */
@Component({
  selector: 'nf-job-card',
  imports: [AppLink, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    'data-testid': 'job-card',
    '[attr.data-job-id]': 'job().id',
    role: 'article',
    '[attr.aria-label]': '"Job " + job().id',
    '[class.disabled]': 'job().enabled === false',
  },
  templateUrl: './job-card.html',
  styleUrl: './job-card.scss',
})
export class JobCard {
  readonly job = input.required<CatalogueEntry>();
  /** Wall clock for relative times, ticked by the page. */
  readonly now = input.required<number>();
  readonly saving = input(false);

  readonly enabledChange = output<boolean>();
  readonly runNow = output<void>();
  readonly cancelRun = output<void>();

  protected onToggle(event: Event): void {
    this.enabledChange.emit((event.target as HTMLInputElement).checked);
  }

  protected readonly editUrl = computed(() => `/nomaflow/jobs/${encodeURIComponent(this.job().id)}`);
  protected readonly enabled = computed(() => this.job().enabled !== false);
  protected readonly blocked = computed(() => runNowBlocked(this.job()));
  protected readonly schedule = computed(() => {
    const s = this.job().schedule;
    return s?.cron ? `${s.cron}${s.timezone ? ` · ${s.timezone}` : ''}` : null;
  });
  protected readonly nextFire = computed(() => relativeTime(this.job().next_fire?.at, this.now()));
  protected readonly lastFinish = computed(() => {
    const run = this.job().last_run;
    return run?.finished_at ? relativeTime(run.finished_at, this.now()) : null;
  });
  protected readonly lastFinishTitle = computed(() => localDateTime(this.job().last_run?.finished_at));
  protected readonly runningStep = computed(() => {
    const r = this.job().running;
    return r ? `step ${Math.min(r.step_index + 1, r.step_count)} / ${r.step_count}` : null;
  });
}
