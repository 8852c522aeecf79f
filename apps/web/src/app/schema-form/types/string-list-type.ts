import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import { ChipsInput } from '../chips-input';
import { ValueFieldType } from './value-field-type';

/** An array of strings or numbers (ldap attributes, key columns): chips. */
@Component({
  selector: 'nf-string-list-type',
  imports: [ChipsInput],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nf-chips-input
      [label]="label"
      [values]="items()"
      (valuesChange)="set($event)"
      [hint]="props.description ?? ''"
    />
  `,
})
export class StringListFieldType extends ValueFieldType {
  protected readonly items = computed(() => {
    const v = this.value();
    return Array.isArray(v) ? v.map(String) : [];
  });

  protected set(values: string[]): void {
    const numeric = this.props['itemType'] === 'number' || this.props['itemType'] === 'integer';
    const out = numeric ? values.map((v) => (Number.isFinite(Number(v)) ? Number(v) : v)) : values;
    this.write(out.length > 0 ? out : undefined);
  }
}
