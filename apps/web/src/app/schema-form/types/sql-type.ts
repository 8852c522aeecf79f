import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  type OnDestroy,
  effect,
  signal,
  viewChild,
} from '@angular/core';
import type { SqlEditorHandle } from '../codemirror-sql';
import { ValueFieldType } from './value-field-type';

/** x-ui `sql`: CodeMirror 6 with SQL highlighting, imported lazily the first time one is shown. */
@Component({
  selector: 'nf-sql-type',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="lbl" [id]="id + '-label'">{{ label }}{{ props.required ? ' *' : '' }}</div>
    <div #host class="editor nf-mono" [attr.data-sql-field]="key" [attr.aria-busy]="!ready()"></div>
    @if (!ready()) {
      <div class="hint">Loading the SQL editor…</div>
    }
    @if (props.description) {
      <div class="hint">{{ props.description }}</div>
    }
  `,
  styles: `
    :host {
      display: block;
      margin: 4px 0 12px;
    }
    .lbl {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
    .editor {
      border: 1px solid var(--mat-sys-outline);
      border-radius: 4px;
      min-height: 80px;
      background: var(--mat-sys-surface-container-lowest);
    }
    .editor:focus-within {
      border-color: var(--mat-sys-primary);
    }
    .hint {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class SqlFieldType extends ValueFieldType implements OnDestroy {
  private readonly host = viewChild.required<ElementRef<HTMLElement>>('host');
  protected readonly ready = signal(false);
  private editor: SqlEditorHandle | null = null;
  private destroyed = false;

  constructor() {
    super();
    effect(() => {
      const v = this.value();
      this.editor?.setValue(typeof v === 'string' ? v : '');
    });
  }

  override ngOnInit(): void {
    super.ngOnInit();
    void import('../codemirror-sql').then(({ createSqlEditor }) => {
      if (this.destroyed) return;
      const v = this.formControl.value as unknown;
      this.editor = createSqlEditor(this.host().nativeElement, {
        doc: typeof v === 'string' ? v : '',
        label: this.label,
        onChange: (text) => this.write(text === '' ? undefined : text),
      });
      this.ready.set(true);
    });
  }

  override ngOnDestroy(): void {
    super.ngOnDestroy();
    this.destroyed = true;
    this.editor?.destroy();
  }
}
