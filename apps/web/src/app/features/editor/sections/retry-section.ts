import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { EditorState } from '../editor-state';
import { ErrorAnchor, FieldError } from '../field-error';
import { numberOrUndefined } from './inputs';

/** ⑤ Retry policy, applied per step. */
@Component({
  selector: 'nf-retry-section',
  imports: [MatFormFieldModule, MatInputModule, ErrorAnchor, FieldError],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="grid" nfErrorAnchor="/retry">
      <div nfErrorAnchor="/retry/attempts">
        <mat-form-field class="full" subscriptSizing="dynamic">
          <mat-label>Attempts</mat-label>
          <input
            matInput
            type="number"
            min="1"
            placeholder="default: 1 (no retry)"
            [value]="retry()?.attempts ?? ''"
            (input)="state.set(['retry', 'attempts'], num($event))"
          />
          <mat-hint>Total tries: 2 = first try + one retry</mat-hint>
        </mat-form-field>
        <nf-field-error path="/retry/attempts" />
      </div>
      <div nfErrorAnchor="/retry/backoff">
        <mat-form-field class="full" subscriptSizing="dynamic">
          <mat-label>Backoff</mat-label>
          <select
            matNativeControl
            [value]="retry()?.backoff ?? ''"
            (change)="state.set(['retry', 'backoff'], str($event))"
          >
            <option value="">default (fixed)</option>
            <option value="fixed">fixed</option>
            <option value="exponential">exponential (doubles each wait)</option>
          </select>
        </mat-form-field>
        <nf-field-error path="/retry/backoff" />
      </div>
      <div nfErrorAnchor="/retry/base_seconds">
        <mat-form-field class="full" subscriptSizing="dynamic">
          <mat-label>Base seconds</mat-label>
          <input
            matInput
            type="number"
            min="0"
            placeholder="default: 60"
            [value]="retry()?.base_seconds ?? ''"
            (input)="state.set(['retry', 'base_seconds'], num($event))"
          />
          <mat-hint>Wait before the first retry</mat-hint>
        </mat-form-field>
        <nf-field-error path="/retry/base_seconds" />
      </div>
    </div>
    <nf-field-error path="/retry" />
  `,
  styles: `
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(200px, 1fr));
      gap: 12px 16px;
    }
    .full {
      width: 100%;
    }
  `,
})
export class RetrySection {
  protected readonly state = inject(EditorState);
  protected readonly retry = computed(() => this.state.job().retry);
  protected readonly num = numberOrUndefined;

  protected str(event: Event): string | undefined {
    return (event.target as HTMLSelectElement).value || undefined;
  }
}
