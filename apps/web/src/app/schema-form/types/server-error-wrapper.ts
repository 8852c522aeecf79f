import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import { FieldWrapper } from '@ngx-formly/core';
import { relativePointer, type SchemaFormState } from '../form-state';

/** The server's message for this field, under it, and the red border (SPEC §5 "on error"). */
@Component({
  selector: 'nf-server-error-wrapper',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div
      class="nf-field"
      [class.nf-invalid]="messages().length > 0"
      [attr.data-error-path]="path()"
      tabindex="-1"
    >
      <ng-container #fieldComponent></ng-container>
      @for (m of messages(); track $index) {
        <div class="nf-error-text" data-testid="field-error" role="alert">{{ m }}</div>
      }
    </div>
  `,
  styles: `
    .nf-field:focus {
      outline: none;
    }
    .nf-field.nf-invalid {
      outline: 2px solid var(--nf-invalid);
    }
  `,
})
export class ServerErrorWrapper extends FieldWrapper {
  private get state(): SchemaFormState | undefined {
    return this.options?.formState as SchemaFormState | undefined;
  }
  protected readonly path = computed(() => (this.state?.base() ?? '') + relativePointer(this.field));
  protected readonly messages = computed(() => this.state?.messages().get(this.path()) ?? []);
}
