import { ChangeDetectionStrategy, Component, effect, inject, input, signal } from '@angular/core';
import { Api } from '../../../core/api';
import { ApiError, type FireView } from '../../../core/api-types';

type Preview =
  | { kind: 'manual' }
  | { kind: 'loading' }
  | { kind: 'fires'; fires: FireView[] }
  | { kind: 'error'; message: string };

const DEBOUNCE_MS = 300;

/** The next three fires of the cron being typed (GET /api/schedule/preview), with DST notes. */
@Component({
  selector: 'nf-schedule-preview',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div data-testid="schedule-preview" class="preview" aria-live="polite">
      <span class="lbl">Next fires</span>
      @switch (preview().kind) {
        @case ('manual') {
          <p class="muted">manual-only: no cron, the job runs only when started by hand</p>
        }
        @case ('loading') {
          <p class="muted">…</p>
        }
        @case ('error') {
          <p class="nf-error-text">{{ errorText() }}</p>
        }
        @case ('fires') {
          <ul>
            @for (f of fires(); track f.at) {
              <li>
                <span class="nf-mono">{{ wall(f.local) }}</span>
                @if (f.note) {
                  <span class="note">· {{ f.note }}</span>
                }
              </li>
            }
          </ul>
        }
      }
    </div>
  `,
  styles: `
    .preview {
      background: var(--mat-sys-surface-container-low);
      border-radius: 6px;
      padding: 6px 12px;
    }
    .lbl {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
    ul {
      margin: 4px 0;
      padding-left: 20px;
    }
    p {
      margin: 4px 0;
    }
    .muted {
      color: var(--mat-sys-on-surface-variant);
    }
    .note {
      color: #8a5a00;
      margin-left: 4px;
    }
  `,
})
export class SchedulePreview {
  private readonly api = inject(Api);
  readonly cron = input<string | undefined>('');
  readonly timezone = input<string | undefined>('');
  protected readonly preview = signal<Preview>({ kind: 'manual' });
  private seq = 0;

  constructor() {
    effect((onCleanup) => {
      const cron = (this.cron() ?? '').trim();
      const timezone = (this.timezone() ?? '').trim() || undefined;
      const seq = ++this.seq;
      if (cron === '') {
        this.preview.set({ kind: 'manual' });
        return;
      }
      const timer = setTimeout(() => void this.fetch(seq, cron, timezone), DEBOUNCE_MS);
      onCleanup(() => clearTimeout(timer));
    });
  }

  protected fires(): FireView[] {
    const p = this.preview();
    return p.kind === 'fires' ? p.fires : [];
  }

  protected errorText(): string {
    const p = this.preview();
    return p.kind === 'error' ? p.message : '';
  }

  /** `2026-03-29T03:00:00+02:00` → `2026-03-29 03:00 (+02:00)`: the wall time reads first. */
  protected wall(local: string): string {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?(.*)$/.exec(local);
    if (!m) return local;
    const seconds = m[3] && m[3] !== ':00' ? m[3] : '';
    return `${m[1]} ${m[2]}${seconds}${m[4] ? ` (${m[4]})` : ''}`;
  }

  private async fetch(seq: number, cron: string, timezone: string | undefined): Promise<void> {
    try {
      const { fires } = await this.api.schedulePreview(cron, timezone, 3);
      if (seq === this.seq) this.preview.set({ kind: 'fires', fires });
    } catch (e) {
      if (seq !== this.seq) return;
      const message =
        e instanceof ApiError ? e.errors.map((x) => x.message).join('; ') : 'preview unavailable';
      this.preview.set({ kind: 'error', message });
    }
  }
}
