import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  input,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import type { Params, StepDocument } from '@nomaflow/contracts';
import { pointer } from '../../../schema-form/json-pointer';
import { ParamsEditor } from '../../../schema-form/params-editor';
import { StepForm } from '../../../schema-form/step-form';
import { EditorState } from '../editor-state';
import { ErrorAnchor, FieldError } from '../field-error';
import { stepConfig, withConfig } from '../job-doc';
import { StepTypesStore } from '../step-types-store';
import { numberOrUndefined } from './inputs';

/** One step: a row (handle, move, title, enabled, remove) that expands into its whole form. */
@Component({
  selector: 'nf-step-card',
  imports: [
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSlideToggleModule,
    ParamsEditor,
    StepForm,
    ErrorAnchor,
    FieldError,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div
      class="card"
      data-testid="step-row"
      [attr.data-step-name]="step().name"
      [nfErrorAnchor]="base()"
      [class.disabled]="!enabled()"
    >
      <div class="head">
        <ng-content select="[handle]" />
        <span class="moves">
          <button
            #up
            mat-icon-button
            type="button"
            class="move"
            [disabled]="first()"
            [attr.aria-label]="'Move step ' + step().name + ' up'"
            (click)="move(-1, 'up')"
          >
            ↑
          </button>
          <button
            #down
            mat-icon-button
            type="button"
            class="move"
            [disabled]="last()"
            [attr.aria-label]="'Move step ' + step().name + ' down'"
            (click)="move(1, 'down')"
          >
            ↓
          </button>
        </span>
        <button
          type="button"
          class="title"
          [attr.aria-expanded]="open()"
          [attr.aria-controls]="bodyId()"
          (click)="state.toggle(stepKey())"
        >
          <span class="nf-mono"
            >{{ index() + 1 }} · {{ step().type }} · {{ step().name || '(unnamed)' }}</span
          >
          <span class="chev" aria-hidden="true">{{ open() ? '▾' : '▸' }}</span>
        </button>
        <mat-slide-toggle
          [checked]="enabled()"
          [attr.aria-label]="'Step ' + step().name + ' enabled'"
          (change)="patch({ enabled: $event.checked ? undefined : false })"
        />
        <button
          mat-icon-button
          type="button"
          [attr.aria-label]="'Remove step ' + step().name"
          (click)="state.removeStep(index())"
        >
          ✕
        </button>
      </div>
      <nf-field-error [path]="base()" />
      @if (open()) {
        <div class="body" [id]="bodyId()">
          <div class="common">
            <div [nfErrorAnchor]="base() + '/name'">
              <mat-form-field class="full" subscriptSizing="dynamic">
                <mat-label>Name</mat-label>
                <input
                  matInput
                  data-testid="step-name"
                  required
                  spellcheck="false"
                  [value]="step().name"
                  (input)="patch({ name: text($event) })"
                />
                <mat-hint>Unique in the job, verb-noun</mat-hint>
              </mat-form-field>
              <nf-field-error [path]="base() + '/name'" />
            </div>
            <div [nfErrorAnchor]="base() + '/timeout_seconds'">
              <mat-form-field class="full" subscriptSizing="dynamic">
                <mat-label>Timeout (seconds)</mat-label>
                <input
                  matInput
                  type="number"
                  min="1"
                  placeholder="default: 3600"
                  [value]="step().timeout_seconds ?? ''"
                  (input)="patch({ timeout_seconds: num($event) })"
                />
              </mat-form-field>
              <nf-field-error [path]="base() + '/timeout_seconds'" />
            </div>
          </div>
          <div [nfErrorAnchor]="base() + '/op_kwargs'" class="kwargs">
            <h4>op_kwargs</h4>
            <nf-params-editor
              [label]="'op_kwargs of ' + step().name"
              addLabel="kwarg"
              [value]="step().op_kwargs"
              (valueChange)="setKwargs($event)"
            />
            <nf-field-error [path]="base() + '/op_kwargs'" />
          </div>
          <h4>{{ typeTitle() }}</h4>
          @if (schema(); as schema) {
            <nf-step-form
              [schema]="schema"
              [config]="config()"
              [errorBase]="base()"
              [messages]="state.messages()"
              (configChange)="setConfig($event)"
            />
          } @else if (stepTypes.types().length > 0) {
            <p class="nf-error-text">
              Unknown step type {{ step().type }}: edit its fields in the JSON view.
            </p>
          } @else {
            <p>Loading the {{ step().type }} form…</p>
          }
        </div>
      }
    </div>
  `,
  styles: `
    .card {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      background: var(--mat-sys-surface);
    }
    .card.disabled .title {
      opacity: 0.6;
    }
    .head {
      display: flex;
      align-items: center;
      gap: 4px;
      padding: 4px 8px;
      flex-wrap: wrap;
    }
    .moves {
      display: inline-flex;
    }
    .title {
      flex: 1 1 200px;
      display: flex;
      justify-content: space-between;
      align-items: center;
      text-align: left;
      background: none;
      border: none;
      font: inherit;
      padding: 8px;
      cursor: pointer;
      border-radius: 4px;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    .title:hover {
      background: var(--mat-sys-surface-container);
    }
    .body {
      padding: 8px 16px 16px;
      border-top: 1px solid var(--mat-sys-outline-variant);
    }
    .common {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
      gap: 12px 16px;
      margin-bottom: 8px;
    }
    .full {
      width: 100%;
    }
    h4 {
      margin: 12px 0 4px;
      font-weight: 500;
    }
  `,
})
export class StepCard {
  protected readonly state = inject(EditorState);
  protected readonly stepTypes = inject(StepTypesStore);
  private readonly injector = inject(Injector);
  readonly index = input.required<number>();
  readonly stepKey = input.required<number>();
  readonly step = input.required<StepDocument>();
  readonly first = input(false);
  readonly last = input(false);
  private readonly up = viewChild('up', { read: ElementRef<HTMLButtonElement> });
  private readonly down = viewChild('down', { read: ElementRef<HTMLButtonElement> });

  protected readonly base = computed(() => pointer('steps', this.index()));
  protected readonly open = computed(() => this.state.expanded().has(this.stepKey()));
  protected readonly enabled = computed(() => this.step().enabled ?? true);
  protected readonly bodyId = computed(() => `step-body-${this.stepKey()}`);
  protected readonly schema = computed(() => this.stepTypes.schema(this.step().type));
  protected readonly config = computed(() => stepConfig(this.step()));
  protected readonly typeTitle = computed(() => {
    const t = this.stepTypes.get(this.step().type);
    return t ? `${t.title} fields` : `${this.step().type} fields`;
  });
  protected readonly num = numberOrUndefined;

  protected text(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected patch(fields: Partial<StepDocument>): void {
    const next: StepDocument = { ...this.step(), ...fields };
    for (const [k, v] of Object.entries(fields)) if (v === undefined) delete next[k];
    this.state.updateStep(this.index(), next);
  }

  protected setKwargs(kwargs: Params): void {
    this.patch({ op_kwargs: Object.keys(kwargs).length > 0 ? kwargs : undefined });
  }

  protected setConfig(config: Record<string, unknown>): void {
    this.state.updateStep(this.index(), withConfig(this.step(), config));
  }

  /** Keyboard reordering: the focus follows the step to its new place. */
  protected move(delta: number, button: 'up' | 'down'): void {
    this.state.moveStep(this.index(), this.index() + delta);
    afterNextRender(
      () => {
        const target =
          button === 'up' ? (this.first() ? this.down() : this.up()) : this.last() ? this.up() : this.down();
        target?.nativeElement.focus();
      },
      { injector: this.injector },
    );
  }
}
