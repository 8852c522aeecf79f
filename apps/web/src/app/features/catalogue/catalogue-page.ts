import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  signal,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { Api } from '../../core/api';
import type { CatalogueEntry } from '../../core/api-types';
import { Live } from '../../core/live';
import { Overlays } from '../../core/overlays';
import type { RunDialogData } from '../run-dialog/run-dialog';
import { FILTER_HINT, matchesFilter, parseFilter } from './catalogue-filter';
import { applyRunEvent, mergeEntries, needsReread, runsDirectly, toJobDocument } from './catalogue-state';
import { coalesced } from './coalesce';
import { JobCard } from './job-card';

/** Relative times ("in 14 m") age locally; this ticks the clock, it does not ask the server. */
const CLOCK_TICK_MS = 30_000;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const FIRST_CARDS = 12;
/** Small enough that rendering them stays well under a 50 ms long task on a slow machine. */
const MORE_CARDS = 2;

@Component({
  selector: 'nf-catalogue-page',
  imports: [RouterLink, JobCard],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './catalogue-page.html',
  styleUrl: './catalogue-page.scss',
})
export class CataloguePage {
  private readonly api = inject(Api);
  private readonly live = inject(Live);
  private readonly overlays = inject(Overlays);
  private readonly router = inject(Router);

  protected readonly filterHint = FILTER_HINT;
  protected readonly entries = signal<readonly CatalogueEntry[]>([]);
  protected readonly loaded = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly filterText = signal('');
  protected readonly now = signal(Date.now());
  /** Jobs whose enabled toggle is being saved. */
  protected readonly saving = signal<ReadonlySet<string>>(new Set());

  private readonly filter = computed(() => parseFilter(this.filterText()));
  protected readonly visible = computed(() => {
    const f = this.filter();
    return this.entries().filter((e) => matchesFilter(e, f));
  });
  /**
   * Cards in the DOM: a first screenful at once, then more in short tasks of their own, so a
   * catalogue of hundreds of jobs never blocks input while it renders.
   */
  private readonly rendered = signal(FIRST_CARDS);
  protected readonly shown = computed(() => this.visible().slice(0, this.rendered()));

  /** Re-reads the catalogue; notices arriving meanwhile collapse into one trailing read. */
  readonly refresh = coalesced(() => this.load());

  constructor() {
    const sub = this.live.catalogue().subscribe((m) => {
      this.entries.update((list) => applyRunEvent(list, m));
      if (needsReread(m)) void this.refresh();
    });
    const tick = setInterval(() => this.now.set(Date.now()), CLOCK_TICK_MS);
    inject(DestroyRef).onDestroy(() => {
      sub.unsubscribe();
      clearInterval(tick);
    });
    void this.refresh();
    effect((onCleanup) => {
      const n = this.rendered();
      if (n >= this.visible().length) return;
      const next = setTimeout(() => this.rendered.set(n + MORE_CARDS), 0);
      onCleanup(() => clearTimeout(next));
    });
  }

  private async load(): Promise<void> {
    try {
      const fresh = await this.api.jobs();
      this.entries.update((list) => mergeEntries(list, fresh));
      this.loadError.set(null);
    } catch (e) {
      this.loadError.set(messageOf(e));
    } finally {
      this.loaded.set(true);
      this.now.set(Date.now());
    }
  }

  protected onFilter(event: Event): void {
    this.filterText.set((event.target as HTMLInputElement).value);
  }

  protected isSaving(id: string): boolean {
    return this.saving().has(id);
  }

  private setEnabled(id: string, enabled: boolean): void {
    this.entries.update((list) => list.map((e) => (e.id === id ? { ...e, enabled } : e)));
  }

  private markSaving(id: string, on: boolean): void {
    this.saving.update((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  /** A real save: the job document with `enabled` flipped, then a scheduler reload. */
  protected async toggleEnabled(entry: CatalogueEntry, enabled: boolean): Promise<void> {
    const before = entry.enabled !== false;
    this.markSaving(entry.id, true);
    this.setEnabled(entry.id, enabled);
    try {
      await this.api.replaceJob(entry.id, { ...toJobDocument(entry), enabled });
      await this.api.reload();
      await this.refresh();
    } catch (e) {
      this.setEnabled(entry.id, before);
      void this.overlays.snack(
        `Could not ${enabled ? 'enable' : 'disable'} ${entry.id}: ${messageOf(e)}`,
        'Dismiss',
      );
    } finally {
      this.markSaving(entry.id, false);
    }
  }

  protected async runNow(entry: CatalogueEntry): Promise<void> {
    if (!runsDirectly(entry)) {
      // Loaded on first use: the catalogue's own chunk stays small.
      const { RunDialog } = await import('../run-dialog/run-dialog');
      await this.overlays.dialog(RunDialog, {
        data: { job: toJobDocument(entry) } satisfies RunDialogData,
        width: '720px',
      });
      return;
    }
    try {
      const { run_id } = await this.api.trigger(entry.id);
      const snack = await this.overlays.snack('Run started', 'Open', { duration: 6000 });
      snack.onAction().subscribe(() => void this.router.navigate(['/nomaflow/runs', run_id]));
    } catch (e) {
      void this.overlays.snack(`Run of ${entry.id} refused: ${messageOf(e)}`, 'Dismiss', { duration: 8000 });
    }
  }

  protected async cancel(entry: CatalogueEntry): Promise<void> {
    const running = entry.running;
    if (!running) return;
    try {
      const res = await this.api.cancel(running.run_id);
      if (res.status === 'CANCELLING') void this.overlays.snack('Cancelling…', undefined, { duration: 3000 });
    } catch (e) {
      void this.overlays.snack(`Cancel failed: ${messageOf(e)}`, 'Dismiss', { duration: 8000 });
    }
  }

  protected async reload(): Promise<void> {
    try {
      await this.api.reload();
      await this.refresh();
      void this.overlays.snack('Jobs reloaded', undefined, { duration: 3000 });
    } catch (e) {
      void this.overlays.snack(`Reload failed: ${messageOf(e)}`, 'Dismiss', { duration: 8000 });
    }
  }
}
