import { ChangeDetectionStrategy, Component, Directive, computed, inject, input } from '@angular/core';
import { EditorState } from './editor-state';

/** Marks the element holding the field at `nfErrorAnchor` (a JSON pointer): red border when it has an error. */
@Directive({
  selector: '[nfErrorAnchor]',
  host: {
    '[class.nf-invalid]': 'invalid()',
    '[attr.data-error-path]': 'path()',
    tabindex: '-1',
  },
})
export class ErrorAnchor {
  private readonly state = inject(EditorState);
  readonly path = input.required<string>({ alias: 'nfErrorAnchor' });
  protected readonly invalid = computed(() => this.state.messagesAt(this.path()).length > 0);
}

/** The server's messages for the field at `path`, next to it. */
@Component({
  selector: 'nf-field-error',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (m of messages(); track $index) {
      <div class="nf-error-text" data-testid="field-error" role="alert">{{ m }}</div>
    }
  `,
})
export class FieldError {
  private readonly state = inject(EditorState);
  readonly path = input.required<string>();
  protected readonly messages = computed(() => this.state.messagesAt(this.path()));
}
