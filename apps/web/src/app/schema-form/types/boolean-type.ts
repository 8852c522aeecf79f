import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { ValueFieldType } from './value-field-type';

/** A boolean shows the schema default while absent (a `default: true` box starts ticked). */
@Component({
  selector: 'nf-boolean-type',
  imports: [MatCheckboxModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-checkbox [id]="id" [checked]="checked()" (change)="write($event.checked)">{{ label }}</mat-checkbox>
    @if (props.description) {
      <div class="hint">{{ props.description }}</div>
    }
  `,
  styles: `
    :host {
      display: block;
      margin: 0 0 12px;
    }
    .hint {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
      margin-left: 40px;
    }
  `,
})
export class BooleanFieldType extends ValueFieldType {
  protected readonly checked = computed(() => {
    const v = this.value();
    return typeof v === 'boolean' ? v : this.props['schemaDefault'] === true;
  });
}
