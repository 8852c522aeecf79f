import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import type { CalendarFire } from '../../core/api-types';
import { clockOf, tagColour } from './calendar-model';
import type { DayEntry } from './calendar-model';

/** One fire: a future one opens its job, a past one the run it started (or the job when none). */
@Component({
  selector: 'nf-fire-chip',
  imports: [RouterLink, MatTooltipModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a
      class="chip"
      data-testid="fire-chip"
      [attr.data-job-id]="fire().job_id"
      [attr.data-past]="fire().past"
      [attr.data-repeats]="repeats()?.count ?? null"
      [class.past]="fire().past"
      [style.background]="colour()"
      [routerLink]="link()"
      [title]="title()"
      [attr.aria-label]="title()"
    >
      <span class="time">{{ clock() }}</span>
      <span class="job">{{ fire().job_id }}</span>
      @if (repeats(); as r) {
        <span class="count">×{{ r.count }}</span>
      }
      @if (fire().note; as note) {
        <span class="mark dst" [matTooltip]="'DST: ' + note" aria-hidden="true">DST</span>
      }
      @if (collidesWith().length) {
        <span class="mark" data-testid="collision-flag" [matTooltip]="collisionText()" aria-hidden="true"
          >⚠</span
        >
      }
      @if (fire().past && fire().outcome; as outcome) {
        <span class="outcome">{{ outcome }}</span>
      }
    </a>
  `,
  styles: `
    .chip {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 2px 6px;
      padding: 3px 8px;
      border-radius: 8px;
      color: white;
      text-decoration: none;
      font-size: 12px;
      line-height: 1.4;
    }
    .chip:focus-visible {
      outline: 2px solid var(--mat-sys-primary);
      outline-offset: 2px;
    }
    .past {
      opacity: 0.7;
    }
    .time {
      font-variant-numeric: tabular-nums;
      font-weight: 600;
    }
    .job {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      min-width: 0;
      flex: 1 1 auto;
    }
    .mark {
      cursor: help;
    }
    .dst {
      font-size: 9px;
      font-weight: 700;
      padding: 0 3px;
      border: 1px solid currentColor;
      border-radius: 3px;
    }
    .count {
      font-weight: 600;
    }
    .outcome {
      flex-basis: 100%;
      font-size: 11px;
      opacity: 0.9;
    }
  `,
})
export class FireChip {
  readonly fire = input.required<CalendarFire>();
  readonly collidesWith = input<readonly string[]>([]);
  /** Set when the chip stands for a frequent job's fires of the day, from `fire` to `last`. */
  readonly repeats = input<DayEntry['repeats'] | null>(null);

  protected readonly clock = computed(() => {
    const r = this.repeats();
    return r ? `${clockOf(this.fire().at)}–${clockOf(r.last.at)}` : clockOf(this.fire().at);
  });
  protected readonly colour = computed(() => tagColour(this.fire().tags[0]));
  protected readonly link = computed(() => {
    const f = this.fire();
    if (this.repeats()) return ['/nomaflow/jobs', f.job_id, 'runs'];
    return f.past && f.run_id ? ['/nomaflow/runs', f.run_id] : ['/nomaflow/jobs', f.job_id];
  });
  protected readonly collisionText = computed(
    () => `Collision risk: ${this.collidesWith().join(', ')} start within 15 min`,
  );
  protected readonly title = computed(() => {
    const f = this.fire();
    const r = this.repeats();
    const parts = r
      ? [`${this.clock()} ${f.job_id}`, `${r.count} fires this day`]
      : [`${this.clock()} ${f.job_id}`, f.local];
    if (f.past) parts.push(f.outcome ? `outcome: ${f.outcome}` : 'past');
    if (f.note) parts.push(`DST: ${f.note}`);
    if (this.collidesWith().length) parts.push(this.collisionText());
    return parts.join(' · ');
  });
}
