import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import type { Params } from '@nomaflow/contracts';
import { ParamsEditor } from '../../../schema-form/params-editor';
import { EditorState } from '../editor-state';
import { ErrorAnchor, FieldError } from '../field-error';

/** ③ Shared params: merged under every step's op_kwargs; folded away while there are none. */
@Component({
  selector: 'nf-params-section',
  imports: [MatButtonModule, ParamsEditor, ErrorAnchor, FieldError],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div nfErrorAnchor="/params">
      @if (open() || count() > 0) {
        <nf-params-editor
          label="Shared params"
          addLabel="shared param"
          [blankRow]="true"
          [value]="state.job().params"
          (valueChange)="set($event)"
        />
      } @else {
        <p class="empty">
          No shared params.
          <button mat-button type="button" (click)="unfold()">+ Add shared param</button>
        </p>
      }
      <nf-field-error path="/params" />
    </div>
  `,
  styles: `
    .empty {
      margin: 0;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class ParamsSection {
  protected readonly state = inject(EditorState);
  protected readonly open = signal(false);
  protected readonly count = computed(() => Object.keys(this.state.job().params ?? {}).length);

  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  protected unfold(): void {
    this.open.set(true);
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLInputElement>('input')?.focus(), {
      injector: this.injector,
    });
  }

  protected set(params: Params): void {
    this.state.set(['params'], Object.keys(params).length > 0 ? params : undefined);
  }
}
