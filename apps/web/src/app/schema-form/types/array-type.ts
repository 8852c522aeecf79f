import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { FieldArrayType, FormlyField } from '@ngx-formly/core';

/** An array of objects (none of the built-ins has one; third-party step types may). */
@Component({
  selector: 'nf-array-type',
  imports: [FormlyField, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <fieldset class="group">
      <legend>{{ props.label }}</legend>
      @for (f of field.fieldGroup; track $index; let i = $index) {
        <div class="item">
          <formly-field [field]="f" />
          <button mat-button type="button" [attr.aria-label]="'Remove item ' + (i + 1)" (click)="remove(i)">
            ✕
          </button>
        </div>
      }
      <button mat-button type="button" (click)="add()">+ Add item</button>
      @if (props.description) {
        <p class="hint">{{ props.description }}</p>
      }
    </fieldset>
  `,
  styles: `
    .group {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 6px;
      padding: 4px 12px;
      margin: 4px 0 12px;
    }
    .item {
      display: flex;
      gap: 8px;
      align-items: flex-start;
    }
    .item formly-field {
      flex: 1;
    }
    .hint {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class ArrayFieldType extends FieldArrayType {}
