import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { Api } from '../../core/api';
import type { CalendarFire } from '../../core/api-types';
import { UNTAGGED_COLOUR, calendarDays, collisions, dayEntries, dayKey, tagColour } from './calendar-model';
import { FireChip } from './fire-chip';

const WEEKDAY = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

/** Seven local-day columns of fires across jobs, from today, a week at a time. */
@Component({
  selector: 'nf-schedule-page',
  imports: [MatButtonModule, FireChip],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './schedule-page.html',
  styleUrl: './schedule-page.scss',
})
export class SchedulePage {
  private readonly api = inject(Api);

  protected readonly weekOffset = signal(0);
  protected readonly fires = signal<readonly CalendarFire[]>([]);
  /** Jobs the server listed only the first fires of. */
  protected readonly truncated = signal<readonly string[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  private readonly today = signal(new Date());

  protected readonly days = computed(() =>
    calendarDays(this.today(), this.weekOffset() * 7).map((d) => ({
      ...d,
      label: WEEKDAY.format(d.start),
      isToday: d.key === dayKey(this.today()),
    })),
  );
  protected readonly byDay = computed(() => dayEntries(this.fires()));
  /** Among single fires only: a job firing all day long would collide with everything. */
  protected readonly collide = computed(() =>
    collisions([...this.byDay().values()].flat().flatMap((e) => (e.repeats ? [] : [e.fire]))),
  );
  protected readonly legend = computed(() => {
    const tags = new Set<string>();
    let untagged = false;
    for (const f of this.fires()) {
      if (f.tags[0]) tags.add(f.tags[0]);
      else untagged = true;
    }
    const items = [...tags].sort().map((tag) => ({ tag, colour: tagColour(tag) }));
    return untagged ? [...items, { tag: 'untagged', colour: UNTAGGED_COLOUR }] : items;
  });
  protected readonly noCollisions: readonly string[] = [];

  /** A newer week asked while an older answer is on its way must not be overwritten by it. */
  private requestSeq = 0;

  constructor() {
    void this.load();
  }

  protected shift(weeks: number): void {
    this.weekOffset.update((w) => (weeks === 0 ? 0 : w + weeks));
    this.today.set(new Date());
    void this.load();
  }

  private async load(): Promise<void> {
    const days = this.days();
    const from = days[0]!.start;
    const to = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days.length);
    const seq = ++this.requestSeq;
    this.loading.set(true);
    try {
      const view = await this.api.calendar(from.toISOString(), to.toISOString());
      if (seq !== this.requestSeq) return;
      this.fires.set(view.fires);
      this.truncated.set(view.truncated ?? []);
      this.error.set(null);
    } catch (e) {
      if (seq !== this.requestSeq) return;
      this.error.set(e instanceof Error ? e.message : String(e));
    } finally {
      if (seq === this.requestSeq) this.loading.set(false);
    }
  }
}
