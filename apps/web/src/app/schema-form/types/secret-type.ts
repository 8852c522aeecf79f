import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatInputModule } from '@angular/material/input';
import type { FieldTypeConfig } from '@ngx-formly/core';
import { FormlyAttributes } from '@ngx-formly/core';
import { FieldType } from '@ngx-formly/material';

/** x-ui `secret`: a password input with a show/hide button. */
@Component({
  selector: 'nf-secret-type',
  imports: [ReactiveFormsModule, MatInputModule, MatButtonModule, FormlyAttributes],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <input
      matInput
      [id]="id"
      [type]="shown() ? 'text' : 'password'"
      [formControl]="formControl"
      [formlyAttributes]="field"
      [placeholder]="props.placeholder ?? ''"
      [errorStateMatcher]="errorStateMatcher"
      autocomplete="new-password"
    />
    <ng-template #matSuffix>
      <button
        mat-button
        type="button"
        [attr.aria-label]="(shown() ? 'Hide ' : 'Show ') + (props.label ?? 'secret')"
        [attr.aria-pressed]="shown()"
        (click)="shown.set(!shown())"
      >
        {{ shown() ? 'Hide' : 'Show' }}
      </button>
    </ng-template>
  `,
})
export class SecretFieldType extends FieldType<FieldTypeConfig> {
  protected readonly shown = signal(false);
}
