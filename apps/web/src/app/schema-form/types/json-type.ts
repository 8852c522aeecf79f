import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { ValueFieldType } from './value-field-type';

/** x-ui `json` (and any polymorphic field): the value as JSON text; a parse error is shown, not saved. */
@Component({
  selector: 'nf-json-type',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label class="lbl" [for]="id">{{ label }}</label>
    <textarea
      [id]="id"
      class="nf-mono area"
      rows="4"
      spellcheck="false"
      [value]="text()"
      [placeholder]="props.placeholder ?? ''"
      [attr.aria-invalid]="error() !== null"
      [attr.aria-describedby]="id + '-hint'"
      (input)="onInput($event)"
    ></textarea>
    <div [id]="id + '-hint'">
      @if (error(); as e) {
        <div class="nf-error-text" role="alert">Invalid JSON: {{ e }}</div>
      }
      @if (props.description) {
        <div class="hint">{{ props.description }}</div>
      }
    </div>
  `,
  styles: `
    :host {
      display: block;
      margin: 4px 0 12px;
    }
    .lbl {
      display: block;
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
    .area {
      width: 100%;
      box-sizing: border-box;
      padding: 6px;
      border: 1px solid var(--mat-sys-outline);
      border-radius: 4px;
    }
    .hint {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class JsonFieldType extends ValueFieldType {
  protected readonly text = signal('');
  protected readonly error = signal<string | null>(null);
  private lastWritten: unknown = Symbol('unset');

  override ngDoCheck(): void {
    super.ngDoCheck();
    const v = this.value();
    if (v !== this.lastWritten) {
      this.lastWritten = v;
      this.text.set(v === undefined ? '' : JSON.stringify(v, null, 2));
      this.error.set(null);
    }
  }

  protected onInput(event: Event): void {
    const text = (event.target as HTMLTextAreaElement).value;
    this.text.set(text);
    if (text.trim() === '') {
      this.error.set(null);
      this.lastWritten = undefined;
      this.write(undefined);
      return;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      this.error.set(null);
      this.lastWritten = parsed;
      this.write(parsed);
    } catch (e) {
      this.error.set(e instanceof Error ? e.message : String(e));
    }
  }
}
