import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatInputModule } from '@angular/material/input';
import type { FieldTypeConfig } from '@ngx-formly/core';
import { FormlyAttributes } from '@ngx-formly/core';
import { FieldType } from '@ngx-formly/material';
import { ConnectorsStore } from '../connectors-store';

/** x-ui `connector`: a text input with the connectors as suggestions (inside formly's mat-form-field). */
@Component({
  selector: 'nf-connector-type',
  imports: [ReactiveFormsModule, MatInputModule, MatAutocompleteModule, FormlyAttributes],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <input
      matInput
      [id]="id"
      [formControl]="formControl"
      [formlyAttributes]="field"
      [placeholder]="props.placeholder ?? ''"
      [matAutocomplete]="auto"
      [errorStateMatcher]="errorStateMatcher"
      (focus)="store.load()"
      autocomplete="off"
    />
    <mat-autocomplete #auto>
      @for (name of store.names(); track name) {
        <mat-option [value]="name">{{ name }}</mat-option>
      }
    </mat-autocomplete>
  `,
})
export class ConnectorFieldType extends FieldType<FieldTypeConfig> {
  protected readonly store = inject(ConnectorsStore);
}
