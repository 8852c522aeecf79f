import { ChangeDetectionStrategy, Component } from '@angular/core';
import { FieldType, FormlyField } from '@ngx-formly/core';

/** A nested object (sql_copy's source / target): its fields in a titled group. */
@Component({
  selector: 'nf-object-type',
  imports: [FormlyField],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <fieldset class="group">
      @if (props.label) {
        <legend>{{ props.label }}</legend>
      }
      @if (props.description) {
        <p class="hint">{{ props.description }}</p>
      }
      @for (f of field.fieldGroup; track $index) {
        <formly-field [field]="f" />
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
    .hint {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
      margin: 0 0 8px;
    }
  `,
})
export class ObjectFieldType extends FieldType {}
