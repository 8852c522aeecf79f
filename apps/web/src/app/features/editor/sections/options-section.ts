import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { EditorState } from '../editor-state';
import { ErrorAnchor, FieldError } from '../field-error';
import { selectValue } from './inputs';

/** ⑦ Log level, and the Advanced block (concurrency, catch-up). */
@Component({
  selector: 'nf-options-section',
  imports: [MatFormFieldModule, MatInputModule, ErrorAnchor, FieldError],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div nfErrorAnchor="/log_level" class="level">
      <mat-form-field class="full" subscriptSizing="dynamic">
        <mat-label>Log level</mat-label>
        <select
          matNativeControl
          data-testid="log-level"
          [value]="state.job().log_level ?? 'INFO'"
          (change)="state.set(['log_level'], pick($event))"
        >
          <option value="INFO">INFO (default): row counts, progress, step boundaries</option>
          <option value="DEBUG">DEBUG: adds full SQL and internal state</option>
        </select>
      </mat-form-field>
      <nf-field-error path="/log_level" />
    </div>
    <details class="advanced" [open]="advancedSet()">
      <summary>Advanced</summary>
      <div class="grid">
        <div nfErrorAnchor="/concurrency">
          <mat-form-field class="full" subscriptSizing="dynamic">
            <mat-label>Concurrency</mat-label>
            <select
              matNativeControl
              [value]="state.job().concurrency ?? ''"
              (change)="state.set(['concurrency'], pick($event))"
            >
              <option value="">default (skip)</option>
              <option value="skip">skip: one run at a time, overlapping fires skipped</option>
              <option value="queue">queue: overlapping runs wait</option>
              <option value="parallel">parallel: runs overlap</option>
            </select>
          </mat-form-field>
          <nf-field-error path="/concurrency" />
        </div>
        <div nfErrorAnchor="/catchup">
          <mat-form-field class="full" subscriptSizing="dynamic">
            <mat-label>Catch-up after downtime</mat-label>
            <select
              matNativeControl
              [value]="state.job().catchup ?? ''"
              (change)="state.set(['catchup'], pick($event))"
            >
              <option value="">default (none)</option>
              <option value="none">none: missed fires are recorded, not run</option>
              <option value="last">last: run the latest missed fire</option>
              <option value="all">all: run every missed fire (max 100)</option>
            </select>
          </mat-form-field>
          <nf-field-error path="/catchup" />
        </div>
      </div>
    </details>
  `,
  styles: `
    .full {
      width: 100%;
    }
    .level {
      max-width: 480px;
    }
    .advanced {
      margin-top: 12px;
    }
    summary {
      cursor: pointer;
      font-weight: 500;
      padding: 4px 0;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(260px, 1fr));
      gap: 12px 16px;
      margin-top: 8px;
    }
  `,
})
export class OptionsSection {
  protected readonly state = inject(EditorState);
  protected readonly pick = selectValue;

  protected advancedSet(): boolean {
    const j = this.state.job();
    return j.concurrency !== undefined || j.catchup !== undefined;
  }
}
