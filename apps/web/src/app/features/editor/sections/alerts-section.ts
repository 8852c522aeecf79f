import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { ChipsInput } from '../../../schema-form/chips-input';
import { EditorState } from '../editor-state';
import { ErrorAnchor, FieldError } from '../field-error';
import { numberOrUndefined } from './inputs';

/** ⑥ Alerts: where failure and long-run signals go. */
@Component({
  selector: 'nf-alerts-section',
  imports: [MatCheckboxModule, MatFormFieldModule, MatInputModule, ChipsInput, ErrorAnchor, FieldError],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="grid" nfErrorAnchor="/alerts">
      <div nfErrorAnchor="/alerts/on_failure">
        <mat-checkbox [checked]="onFailure()" (change)="state.set(['alerts', 'on_failure'], $event.checked)">
          Alert when a run fails
        </mat-checkbox>
        <nf-field-error path="/alerts/on_failure" />
      </div>
      <div nfErrorAnchor="/alerts/on_success">
        <mat-checkbox
          [checked]="alerts()?.on_success ?? false"
          (change)="state.set(['alerts', 'on_success'], $event.checked)"
        >
          Alert when a run succeeds
        </mat-checkbox>
        <nf-field-error path="/alerts/on_success" />
      </div>
      <div nfErrorAnchor="/alerts/on_long_run_minutes">
        <mat-form-field class="full" subscriptSizing="dynamic">
          <mat-label>Long run after (minutes)</mat-label>
          <input
            matInput
            type="number"
            min="1"
            placeholder="no long-run alert"
            [value]="alerts()?.on_long_run_minutes ?? ''"
            (input)="state.set(['alerts', 'on_long_run_minutes'], num($event))"
          />
        </mat-form-field>
        <nf-field-error path="/alerts/on_long_run_minutes" />
      </div>
      <div nfErrorAnchor="/alerts/recipients" class="wide">
        <nf-chips-input
          label="Recipients"
          placeholder="#channel, @user, e-mail or webhook id"
          hint="Empty = the transports' defaults"
          [values]="alerts()?.recipients ?? []"
          (valuesChange)="state.set(['alerts', 'recipients'], $event.length ? $event : undefined)"
        />
        <nf-field-error path="/alerts/recipients" />
      </div>
    </div>
    <nf-field-error path="/alerts" />
  `,
  styles: `
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
      gap: 12px 16px;
      align-items: center;
    }
    .wide {
      grid-column: 1 / -1;
    }
    .full {
      width: 100%;
    }
  `,
})
export class AlertsSection {
  protected readonly state = inject(EditorState);
  protected readonly alerts = computed(() => this.state.job().alerts);
  // SPEC §1: on_failure defaults to true once the alerts block exists.
  protected readonly onFailure = computed(() => this.alerts()?.on_failure ?? this.alerts() !== undefined);
  protected readonly num = numberOrUndefined;
}
