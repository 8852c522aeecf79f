import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { Api } from '../../../core/api';
import { ApiError, type ConnectorTestResult, type ConnectorView } from '../../../core/api-types';
import {
  DRIVERS,
  type ConnectorFormValue,
  connectorInput,
  emptyConnectorForm,
  errorsByControl,
  formFromConnector,
} from './connector-form';

export interface ConnectorDialogData {
  /** The connector being edited; absent = a new one. */
  connector?: ConnectorView;
}

const HOST_FIELDS = ['host', 'port', 'database', 'user'] as const;

@Component({
  selector: 'nf-connector-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './connector-dialog.html',
  styleUrl: './connector-dialog.scss',
})
export class ConnectorDialog {
  private readonly api = inject(Api);
  private readonly ref = inject<MatDialogRef<ConnectorDialog, ConnectorView>>(MatDialogRef);
  protected readonly existing = inject<ConnectorDialogData>(MAT_DIALOG_DATA).connector;
  protected readonly drivers = DRIVERS;

  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [Validators.required, Validators.pattern(/^[A-Za-z0-9_-]+$/)]],
    driver: ['postgres', Validators.required],
    mode: ['fields' as ConnectorFormValue['mode']],
    host: [''],
    port: [5432 as number | null, [Validators.min(1), Validators.max(65535)]],
    database: [''],
    user: [''],
    url: [''],
    password: [''],
    ssl: [false],
    pool_max: [null as number | null, [Validators.min(1), Validators.max(100)]],
  });
  protected readonly mode = toSignal(this.form.controls.mode.valueChanges, {
    initialValue: this.form.controls.mode.value,
  });

  protected readonly saving = signal(false);
  protected readonly testing = signal(false);
  protected readonly testResult = signal<ConnectorTestResult | null>(null);
  /** Errors the server gave that belong to no field. */
  protected readonly formErrors = signal<string[]>([]);

  constructor() {
    const initial = this.existing ? formFromConnector(this.existing) : emptyConnectorForm();
    this.form.setValue(initial);
    if (this.existing) this.form.controls.name.disable();
  }

  private value(): ConnectorFormValue {
    return this.form.getRawValue();
  }

  protected serverError(control: keyof ConnectorFormValue): string | null {
    const errors = this.form.controls[control].errors;
    return errors && typeof errors['server'] === 'string' ? errors['server'] : null;
  }

  private showErrors(e: unknown): void {
    if (!(e instanceof ApiError)) {
      this.formErrors.set([e instanceof Error ? e.message : String(e)]);
      return;
    }
    const unplaced: string[] = [];
    for (const [key, messages] of errorsByControl(e.errors)) {
      // In URL mode the host fields are hidden: their errors belong to the URL.
      const target =
        this.value().mode === 'url' && (HOST_FIELDS as readonly string[]).includes(key) ? 'url' : key;
      if (target === '' || !(target in this.form.controls)) {
        unplaced.push(...messages);
        continue;
      }
      const control = this.form.controls[target as keyof ConnectorFormValue];
      control.setErrors({ ...(control.errors ?? {}), server: messages.join('; ') });
      control.markAsTouched();
    }
    this.formErrors.set(unplaced);
  }

  private clearServerErrors(): void {
    this.formErrors.set([]);
    for (const control of Object.values(this.form.controls)) {
      if (control.errors?.['server']) control.updateValueAndValidity({ emitEvent: false });
    }
  }

  protected async test(): Promise<void> {
    this.clearServerErrors();
    this.testing.set(true);
    this.testResult.set(null);
    try {
      this.testResult.set(await this.api.testConnectorInput(connectorInput(this.value())));
    } catch (e) {
      this.showErrors(e);
    } finally {
      this.testing.set(false);
    }
  }

  protected async save(): Promise<void> {
    this.clearServerErrors();
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    try {
      const input = connectorInput(this.value());
      const saved = this.existing
        ? await this.api.replaceConnector(this.existing.name, input)
        : await this.api.createConnector(input);
      this.ref.close(saved);
    } catch (e) {
      this.showErrors(e);
    } finally {
      this.saving.set(false);
    }
  }
}
