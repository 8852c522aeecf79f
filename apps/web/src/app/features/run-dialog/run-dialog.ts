import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';
import type { JobDocument, LogLevel, Params } from '@nomaflow/contracts';
import { Api } from '../../core/api';
import { ApiError } from '../../core/api-types';
import { ParamsEditor } from '../../schema-form/params-editor';
import { type RunForm, initialRunForm, runOverrides } from './run-overrides';

export interface RunDialogData {
  job: JobDocument;
}

/** Run with parameters (SPEC §5): per-run overrides of log level, shared params and steps. */
@Component({
  selector: 'nf-run-dialog',
  imports: [
    MatDialogModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    ParamsEditor,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './run-dialog.html',
  styleUrl: './run-dialog.scss',
})
export class RunDialog {
  private readonly api = inject(Api);
  private readonly router = inject(Router);
  private readonly ref = inject<MatDialogRef<RunDialog, string>>(MatDialogRef);
  protected readonly job = inject<RunDialogData>(MAT_DIALOG_DATA).job;

  protected readonly form = signal<RunForm>(initialRunForm(this.job));
  protected readonly running = signal(false);
  protected readonly errors = signal<string[]>([]);
  protected readonly paramKeys = Object.keys(this.job.params ?? {});

  protected kwargKeys(step: string): string[] {
    return Object.keys(this.job.steps.find((s) => s.name === step)?.op_kwargs ?? {});
  }

  protected setLevel(event: Event): void {
    const level = (event.target as HTMLSelectElement).value as LogLevel;
    this.form.update((f) => ({ ...f, log_level: level }));
  }

  protected setParams(params: Params): void {
    this.form.update((f) => ({ ...f, params }));
  }

  protected setEnabled(step: string, enabled: boolean): void {
    this.form.update((f) => ({ ...f, steps: { ...f.steps, [step]: { ...f.steps[step]!, enabled } } }));
  }

  protected setKwargs(step: string, op_kwargs: Params): void {
    this.form.update((f) => ({ ...f, steps: { ...f.steps, [step]: { ...f.steps[step]!, op_kwargs } } }));
  }

  protected async submit(): Promise<void> {
    if (this.running()) return;
    this.running.set(true);
    this.errors.set([]);
    try {
      const { run_id } = await this.api.trigger(this.job.id, runOverrides(this.job, this.form()));
      this.ref.close(run_id);
      await this.router.navigate(['/nomaflow/runs', run_id]);
    } catch (e) {
      this.errors.set(
        e instanceof ApiError
          ? e.errors.map((x) => (x.path ? `${x.path}: ${x.message}` : x.message))
          : [e instanceof Error ? e.message : String(e)],
      );
    } finally {
      this.running.set(false);
    }
  }
}
