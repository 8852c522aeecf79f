import { ChangeDetectionStrategy, Component, inject, input, model } from '@angular/core';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { ConnectorsStore } from './connectors-store';

/**
 * A search-select over the connectors of Settings → Connectors. Free text stays allowed: a job may
 * name a connector that is created later, or a `${kw:source_connector}` template.
 */
@Component({
  selector: 'nf-connector-input',
  imports: [MatFormFieldModule, MatInputModule, MatAutocompleteModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-form-field subscriptSizing="dynamic" class="full">
      <mat-label>{{ label() }}</mat-label>
      <input
        matInput
        [value]="value()"
        [matAutocomplete]="auto"
        [placeholder]="placeholder()"
        (input)="typed($event)"
        (focus)="store.load()"
        autocomplete="off"
      />
      <mat-autocomplete #auto (optionSelected)="value.set($event.option.value)">
        @for (name of store.filter(value()); track name) {
          <mat-option [value]="name">{{ name }}</mat-option>
        }
      </mat-autocomplete>
    </mat-form-field>
  `,
  styles: `
    .full {
      width: 100%;
    }
  `,
})
export class ConnectorInput {
  protected readonly store = inject(ConnectorsStore);
  readonly label = input('Connector');
  readonly placeholder = input('');
  readonly value = model('');

  protected typed(event: Event): void {
    this.value.set((event.target as HTMLInputElement).value);
  }
}
