import { ChangeDetectionStrategy, Component, effect, inject, signal, untracked } from '@angular/core';
import { canonicalJson } from '../../schema-form/same-json';
import { EditorState } from './editor-state';
import { formatJob, parseJob } from './json-sync';

/** The whole job as editable JSON, two-way with the form; invalid text never reaches the model. */
@Component({
  selector: 'nf-json-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label for="job-json" class="lbl">Job document (JSON)</label>
    <textarea
      id="job-json"
      class="nf-mono area"
      data-testid="json-text"
      spellcheck="false"
      [value]="text()"
      [attr.aria-invalid]="error() !== null"
      aria-describedby="job-json-status"
      (input)="edit($event)"
    ></textarea>
    <div id="job-json-status" aria-live="polite">
      @if (error(); as e) {
        <p class="nf-error-text" data-testid="json-error" role="alert">
          Invalid JSON: {{ e }} — the form keeps its last valid state.
        </p>
      } @else {
        <p class="ok">In sync with the form.</p>
      }
    </div>
  `,
  styles: `
    .lbl {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
    .area {
      display: block;
      width: 100%;
      min-height: 480px;
      box-sizing: border-box;
      padding: 8px;
      border: 1px solid var(--mat-sys-outline);
      border-radius: 6px;
      resize: vertical;
    }
    .ok {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class JsonView {
  private readonly state = inject(EditorState);
  protected readonly text = signal('');
  protected readonly error = signal<string | null>(null);

  constructor() {
    effect(() => {
      const job = this.state.job();
      untracked(() => {
        // Rewrite the text only when it says something else than the model (never mid-typing).
        const parsed = parseJob(this.text());
        if (!parsed.ok && this.error() !== null) return;
        if (!parsed.ok || canonicalJson(parsed.job) !== canonicalJson(job)) this.text.set(formatJob(job));
      });
    });
  }

  protected edit(event: Event): void {
    const text = (event.target as HTMLTextAreaElement).value;
    this.text.set(text);
    const parsed = parseJob(text);
    if (!parsed.ok) {
      this.error.set(parsed.error);
      return;
    }
    this.error.set(null);
    this.state.replace(parsed.job);
  }
}
