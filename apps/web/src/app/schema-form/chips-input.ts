import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { COMMA, ENTER } from '@angular/cdk/keycodes';
import { type MatChipInputEvent, MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';

/** A list of free labels as chips: Enter or comma adds, the chip's ✕ (or Backspace) removes. */
@Component({
  selector: 'nf-chips-input',
  imports: [MatChipsModule, MatFormFieldModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-form-field class="full" subscriptSizing="dynamic">
      <mat-label>{{ label() }}</mat-label>
      <mat-chip-grid #grid [attr.aria-label]="label()">
        @for (v of values(); track $index; let i = $index) {
          <mat-chip-row (removed)="remove(i)">
            {{ v }}
            <button matChipRemove type="button" [attr.aria-label]="'Remove ' + v">✕</button>
          </mat-chip-row>
        }
        <input
          [matChipInputFor]="grid"
          [matChipInputSeparatorKeyCodes]="separators"
          [matChipInputAddOnBlur]="true"
          [placeholder]="placeholder()"
          [attr.data-testid]="testId() || null"
          (matChipInputTokenEnd)="add($event)"
        />
      </mat-chip-grid>
      @if (hint()) {
        <mat-hint>{{ hint() }}</mat-hint>
      }
    </mat-form-field>
  `,
  styles: `
    .full {
      width: 100%;
    }
  `,
})
export class ChipsInput {
  readonly label = input.required<string>();
  readonly values = input<readonly string[]>([]);
  readonly placeholder = input('');
  readonly hint = input('');
  readonly testId = input('');
  readonly valuesChange = output<string[]>();
  protected readonly separators = [ENTER, COMMA];

  protected add(event: MatChipInputEvent): void {
    const v = event.value.trim();
    if (v !== '' && !this.values().includes(v)) this.valuesChange.emit([...this.values(), v]);
    event.chipInput.clear();
  }

  protected remove(i: number): void {
    this.valuesChange.emit(this.values().filter((_, j) => j !== i));
  }
}
