import { ChangeDetectionStrategy, Component, computed, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatSelectModule } from '@angular/material/select';
import type { JSONSchema7Definition } from 'json-schema';
import { kvCodec } from '../kv-codec';
import { ValueFieldType } from './value-field-type';

interface Row {
  key: string;
  text: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * x-ui `key-value`: rows of key → value for a map field (headers, env, bound params, mappings).
 * Values are masked when the schema says `secret: true`.
 */
@Component({
  selector: 'nf-key-value-type',
  imports: [MatButtonModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <fieldset class="kv">
      <legend>{{ label }}</legend>
      @if (isList()) {
        <p class="hint">A list value: edit it in the JSON view.</p>
      } @else {
        @for (row of rows(); track $index; let i = $index) {
          <div class="row">
            <input
              class="nf-cell"
              [value]="row.key"
              [attr.aria-label]="label + ' key ' + (i + 1)"
              placeholder="key"
              (input)="edit(i, { key: text($event) })"
            />
            @if (codec().options; as options) {
              <select
                class="nf-cell"
                [value]="row.text"
                [attr.aria-label]="label + ' value of ' + (row.key || 'row ' + (i + 1))"
                (change)="edit(i, { text: text($event) })"
              >
                <option value=""></option>
                @for (o of options; track o) {
                  <option [value]="o">{{ o }}</option>
                }
              </select>
            } @else {
              <input
                class="nf-cell"
                [type]="secret() && !shown() ? 'password' : 'text'"
                [value]="row.text"
                [attr.aria-label]="label + ' value of ' + (row.key || 'row ' + (i + 1))"
                placeholder="value"
                autocomplete="off"
                (input)="edit(i, { text: text($event) })"
              />
            }
            <button
              mat-button
              type="button"
              [attr.aria-label]="'Remove ' + label + ' row ' + (i + 1)"
              (click)="remove(i)"
            >
              ✕
            </button>
          </div>
        }
        <div class="actions">
          <button mat-button type="button" (click)="add()">+ Add {{ label.toLowerCase() }} entry</button>
          @if (secret()) {
            <button mat-button type="button" [attr.aria-pressed]="shown()" (click)="shown.set(!shown())">
              {{ shown() ? 'Hide values' : 'Show values' }}
            </button>
          }
        </div>
      }
      @if (props.description) {
        <div class="hint">{{ props.description }}</div>
      }
    </fieldset>
  `,
  styles: `
    .kv {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 6px;
      padding: 4px 8px 8px;
      margin: 4px 0 12px;
    }
    .row {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 2fr) auto;
      gap: 6px;
      align-items: center;
      margin: 4px 0;
    }
    .hint {
      font-size: 12px;
      color: var(--mat-sys-on-surface-variant);
    }
  `,
})
export class KeyValueFieldType extends ValueFieldType {
  /** Rows being edited: kept apart from the value so a blank or duplicate key can exist mid-typing. */
  protected readonly rows = signal<Row[]>([]);
  protected readonly shown = signal(false);
  private lastWritten: unknown = undefined;

  protected readonly codec = computed(() =>
    kvCodec(this.props['valueSchema'] as JSONSchema7Definition | undefined),
  );
  protected readonly secret = computed(() => this.props['secret'] === true);
  protected readonly isList = computed(() => Array.isArray(this.value()));

  override ngDoCheck(): void {
    super.ngDoCheck();
    const v = this.value();
    if (v !== this.lastWritten) {
      this.lastWritten = v;
      const codec = this.codec();
      this.rows.set(
        isPlainObject(v) ? Object.entries(v).map(([key, value]) => ({ key, text: codec.toText(value) })) : [],
      );
    }
  }

  protected text(event: Event): string {
    return (event.target as HTMLInputElement | HTMLSelectElement).value;
  }

  protected edit(i: number, patch: Partial<Row>): void {
    this.rows.update((rows) => rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    this.commit();
  }

  protected add(): void {
    this.rows.update((rows) => [...rows, { key: '', text: '' }]);
  }

  protected remove(i: number): void {
    this.rows.update((rows) => rows.filter((_, j) => j !== i));
    this.commit();
  }

  private commit(): void {
    const codec = this.codec();
    const out: Record<string, unknown> = {};
    for (const r of this.rows()) if (r.key !== '') out[r.key] = codec.fromText(r.text);
    // An emptied optional map is left out of the document rather than saved as {}.
    const next = Object.keys(out).length > 0 ? out : undefined;
    this.lastWritten = next;
    this.write(next);
  }
}
