import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import type { Params } from '@nomaflow/contracts';
import { ConnectorInput } from './connector-input';
import {
  type ParamRow,
  type ParamType,
  fromRows,
  isConnectorKey,
  retype,
  rowErrors,
  toRows,
} from './params-rows';
import { sameJson } from './same-json';

/**
 * Rows of key / type / value (shared params, op_kwargs, run overrides): boolean → checkbox, number →
 * number input, string → text, a `connector` / `*_connector` key → connector picker. Keys listed in
 * `locked` keep their name and type (the run dialog overrides values, not shapes).
 */
@Component({
  selector: 'nf-params-editor',
  imports: [MatButtonModule, MatCheckboxModule, ConnectorInput],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="rows" role="group" [attr.aria-label]="label()">
      @for (row of rows(); track $index; let i = $index) {
        @let name = row.key || 'row ' + (i + 1);
        @let isLocked = locked().includes(row.key) && i < lockedCount();
        <div class="row" [attr.data-param]="row.key">
          @if (isLocked) {
            <span class="key nf-mono" [id]="uid + '-k' + i">{{ row.key }}</span>
          } @else {
            <input
              class="nf-cell"
              [value]="row.key"
              [attr.aria-label]="label() + ' name ' + (i + 1)"
              placeholder="name"
              (input)="edit(i, { key: text($event) })"
            />
          }
          <select
            class="nf-cell type"
            [value]="row.type"
            [disabled]="isLocked"
            [attr.aria-label]="'Type of ' + name"
            (change)="setType(i, text($event))"
          >
            <option value="string">string</option>
            <option value="number">number</option>
            <option value="boolean">boolean</option>
          </select>
          <div class="value">
            @switch (row.type) {
              @case ('boolean') {
                <mat-checkbox
                  [checked]="row.text === 'true'"
                  (change)="edit(i, { text: String($event.checked) })"
                >
                  {{ 'Value of ' + name }}
                </mat-checkbox>
              }
              @case ('number') {
                <input
                  class="nf-cell"
                  type="number"
                  [value]="row.text"
                  [attr.aria-label]="'Value of ' + name"
                  (input)="edit(i, { text: text($event) })"
                />
              }
              @default {
                @if (isConnectorKey(row.key)) {
                  <nf-connector-input
                    [label]="'Value of ' + name"
                    [value]="row.text"
                    (valueChange)="edit(i, { text: $event })"
                  />
                } @else {
                  <input
                    class="nf-cell"
                    [value]="row.text"
                    [attr.aria-label]="'Value of ' + name"
                    (input)="edit(i, { text: text($event) })"
                  />
                }
              }
            }
          </div>
          @if (!isLocked) {
            <button mat-button type="button" [attr.aria-label]="'Remove ' + name" (click)="remove(i)">
              ✕
            </button>
          } @else {
            <span></span>
          }
          @if (errors()[i]; as e) {
            <div class="nf-error-text err" role="alert">{{ e }}</div>
          }
        </div>
      }
      <button mat-button type="button" class="add" (click)="add()">+ Add {{ addLabel() }}</button>
    </div>
  `,
  styles: `
    .row {
      display: grid;
      grid-template-columns: minmax(90px, 1fr) 96px minmax(0, 2fr) 48px;
      gap: 6px;
      align-items: center;
      margin: 4px 0;
    }
    .key {
      overflow-wrap: anywhere;
    }
    .err {
      grid-column: 1 / -1;
    }
    @media (max-width: 640px) {
      .row {
        grid-template-columns: 1fr 90px;
      }
      .value {
        grid-column: 1 / -1;
      }
    }
  `,
})
export class ParamsEditor {
  readonly value = input<Params | undefined>(undefined);
  readonly label = input('Params');
  readonly addLabel = input('param');
  readonly locked = input<readonly string[]>([]);
  /** Start with one blank row when there is nothing yet (a section just unfolded). */
  readonly blankRow = input(false);
  readonly valueChange = output<Params>();

  protected readonly uid = `pe${Math.random().toString(36).slice(2, 8)}`;
  protected readonly rows = signal<ParamRow[]>([]);
  protected readonly errors = computed(() => rowErrors(this.rows()));
  protected readonly lockedCount = computed(() => this.locked().length);
  protected readonly isConnectorKey = isConnectorKey;
  protected readonly String = String;
  private lastEmitted: Params | null = null;

  constructor() {
    effect(() => {
      const v = this.value() ?? {};
      untracked(() => {
        if (this.lastEmitted === null || !sameJson(v, this.lastEmitted)) {
          const rows = toRows(v);
          this.rows.set(
            rows.length === 0 && this.blankRow() ? [{ key: '', type: 'string', text: '' }] : rows,
          );
          this.lastEmitted = v;
        }
      });
    });
  }

  protected text(event: Event): string {
    return (event.target as HTMLInputElement | HTMLSelectElement).value;
  }

  protected edit(i: number, patch: Partial<ParamRow>): void {
    this.rows.update((rows) => rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    this.commit();
  }

  protected setType(i: number, type: string): void {
    this.rows.update((rows) => rows.map((r, j) => (j === i ? retype(r, type as ParamType) : r)));
    this.commit();
  }

  protected add(): void {
    this.rows.update((rows) => [...rows, { key: '', type: 'string', text: '' }]);
  }

  protected remove(i: number): void {
    this.rows.update((rows) => rows.filter((_, j) => j !== i));
    this.commit();
  }

  private commit(): void {
    const next = fromRows(this.rows());
    this.lastEmitted = next;
    this.valueChange.emit(next);
  }
}
