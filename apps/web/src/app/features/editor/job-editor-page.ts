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
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { Router } from '@angular/router';
import type { FieldError, JobDocument } from '@nomaflow/contracts';
import { Api } from '../../core/api';
import { ApiError } from '../../core/api-types';
import type { HasUnsavedChanges } from '../../core/unsaved-changes';
import { RunDialog, type RunDialogData } from '../run-dialog/run-dialog';
import { ConfirmDialog, type ConfirmData } from '../../shared/confirm-dialog';
import { EditorState } from './editor-state';
import { focusAnchor } from './error-focus';
import { duplicateOf, emptyJob } from './job-doc';
import { JsonView } from './json-view';
import { AlertsSection } from './sections/alerts-section';
import { IdentitySection } from './sections/identity-section';
import { OptionsSection } from './sections/options-section';
import { ParamsSection } from './sections/params-section';
import { RetrySection } from './sections/retry-section';
import { ScheduleSection } from './sections/schedule-section';
import { StepsSection } from './sections/steps-section';
import { StepTypesStore } from './step-types-store';

interface EditorNavState {
  nfSaved?: boolean;
  nfCopy?: JobDocument;
}

/** The job editor (SPEC §5): one page of sections over one job document, one Save. */
@Component({
  selector: 'nf-job-editor-page',
  imports: [
    MatButtonModule,
    JsonView,
    IdentitySection,
    ScheduleSection,
    ParamsSection,
    StepsSection,
    RetrySection,
    AlertsSection,
    OptionsSection,
  ],
  providers: [EditorState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(window:beforeunload)': 'beforeUnload($event)' },
  templateUrl: './job-editor-page.html',
  styleUrl: './job-editor-page.scss',
})
export class JobEditorPage implements HasUnsavedChanges {
  private readonly api = inject(Api);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  protected readonly state = inject(EditorState);
  protected readonly stepTypes = inject(StepTypesStore);

  /** Route param `:id` (absent on /nomaflow/jobs/new). */
  readonly id = input<string | undefined>(undefined);
  /** `?from=<id>`: a new job prefilled with a copy of that one. */
  readonly from = input<string | undefined>(undefined);

  protected readonly loading = signal(false);
  protected readonly saving = signal(false);
  protected readonly savedBanner = signal(false);
  protected readonly banner = signal<string | null>(null);
  protected readonly jsonMode = signal(false);
  protected readonly title = computed(() =>
    this.state.isNew()
      ? this.state.job().id
        ? `New job · ${this.state.job().id}`
        : 'New job'
      : this.state.job().id,
  );
  protected readonly unplaced = computed(() => this.state.anchored().unplaced);

  constructor() {
    void this.stepTypes.load();
    const nav = (this.router.currentNavigation()?.extras.state ?? {}) as EditorNavState;
    if (nav.nfSaved) this.savedBanner.set(true);
    effect(() => {
      const id = this.id();
      const from = this.from();
      untracked(() => void this.open(id, from, nav.nfCopy));
    });
  }

  hasUnsavedChanges(): boolean {
    return this.state.dirty();
  }

  protected beforeUnload(event: BeforeUnloadEvent): void {
    if (!this.state.dirty()) return;
    event.preventDefault();
    // Older browsers need returnValue set to show their "leave site?" prompt.
    event.returnValue = '';
  }

  private async open(
    id: string | undefined,
    from: string | undefined,
    copy: JobDocument | undefined,
  ): Promise<void> {
    this.banner.set(null);
    this.state.errors.set([]);
    if (id === undefined) {
      if (copy) {
        this.state.load(copy, false);
        return;
      }
      if (!from) {
        this.state.load(emptyJob(), false);
        return;
      }
    }
    this.loading.set(true);
    try {
      const job = await this.api.job(id ?? (from as string));
      if (id !== undefined) this.state.load(job, true);
      else this.state.load(duplicateOf(job), false);
    } catch (e) {
      this.banner.set(e instanceof ApiError && e.status === 404 ? `No job ${id ?? from}.` : messageOf(e));
    } finally {
      this.loading.set(false);
    }
  }

  protected async save(): Promise<void> {
    if (this.saving()) return;
    this.saving.set(true);
    this.savedBanner.set(false);
    this.banner.set(null);
    this.state.errors.set([]);
    const job = this.state.job();
    const isNew = this.state.isNew();
    try {
      const saved = isNew
        ? await this.api.createJob(job)
        : await this.api.replaceJob(this.state.savedJob()!.id, job);
      this.state.markSaved(saved ?? job);
      try {
        await this.api.reload();
      } catch (e) {
        this.banner.set(`Saved, but the scheduler reload failed: ${messageOf(e)}`);
      }
      if (isNew) {
        await this.router.navigate(['/nomaflow/jobs', job.id], {
          replaceUrl: true,
          state: { nfSaved: true },
        });
      } else {
        this.savedBanner.set(true);
      }
    } catch (e) {
      this.showSaveError(e);
    } finally {
      this.saving.set(false);
    }
  }

  private showSaveError(e: unknown): void {
    if (!(e instanceof ApiError) || (e.status !== 400 && e.status !== 409)) {
      this.banner.set(`Save failed: ${messageOf(e)}`);
      return;
    }
    // A clash on create belongs to the id, whatever path the server gave it.
    const errors: FieldError[] = e.errors.map((x) =>
      e.status === 409 && (x.path === '' || /duplicate job id/.test(x.message)) ? { ...x, path: '/id' } : x,
    );
    if (this.jsonMode()) this.jsonMode.set(false);
    this.state.showErrors(errors);
    const first = this.state.anchored().order[0];
    if (first !== undefined) focusAnchor(first);
  }

  protected toggleJson(): void {
    this.jsonMode.update((v) => !v);
  }

  protected async remove(): Promise<void> {
    const saved = this.state.savedJob();
    if (!saved) return;
    const data: ConfirmData = {
      title: `Delete ${saved.id}?`,
      message: 'The job leaves the catalogue and its schedule stops. Its run history is kept.',
      confirm: 'Delete',
    };
    const ok = await new Promise<boolean>((resolve) =>
      this.dialog
        .open(ConfirmDialog, { data, width: '420px' })
        .afterClosed()
        .subscribe((r: unknown) => resolve(r === true)),
    );
    if (!ok) return;
    try {
      await this.api.deleteJob(saved.id);
      await this.api.reload().catch(() => undefined);
      this.state.discard();
      await this.router.navigate(['/nomaflow/jobs']);
    } catch (e) {
      this.banner.set(`Delete failed: ${messageOf(e)}`);
    }
  }

  protected duplicate(): void {
    const job = this.state.job();
    void this.router.navigate(['/nomaflow/jobs/new'], {
      queryParams: this.state.savedJob() ? { from: this.state.savedJob()!.id } : {},
      state: { nfCopy: duplicateOf(job) },
    });
  }

  protected exportJson(): void {
    const job = this.state.job();
    const blob = new Blob([JSON.stringify(job, null, 2) + '\n'], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${job.id || 'job'}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  protected run(): void {
    const job = this.state.savedJob();
    if (!job) return;
    const data: RunDialogData = { job };
    this.dialog.open(RunDialog, { data, width: '720px' });
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
