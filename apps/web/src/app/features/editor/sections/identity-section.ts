import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { ChipsInput } from '../../../schema-form/chips-input';
import { EditorState } from '../editor-state';
import { ErrorAnchor, FieldError } from '../field-error';

/** ① Identity: id (locked once saved), description, tags, enabled. */
@Component({
  selector: 'nf-identity-section',
  imports: [MatFormFieldModule, MatInputModule, MatSlideToggleModule, ChipsInput, ErrorAnchor, FieldError],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="grid">
      <div nfErrorAnchor="/id">
        <mat-form-field class="full" subscriptSizing="dynamic">
          <mat-label>Id</mat-label>
          <input
            matInput
            data-testid="job-id"
            required
            [value]="job().id"
            [readonly]="!state.isNew()"
            [attr.aria-readonly]="!state.isNew()"
            (input)="state.set(['id'], text($event))"
            autocomplete="off"
            spellcheck="false"
          />
          <mat-hint>{{
            state.isNew()
              ? 'Letters, digits, - and _. Used in URLs and run history.'
              : 'Locked: a saved job keeps its id.'
          }}</mat-hint>
        </mat-form-field>
        <nf-field-error path="/id" />
      </div>
      <div nfErrorAnchor="/description">
        <mat-form-field class="full" subscriptSizing="dynamic">
          <mat-label>Description</mat-label>
          <input
            matInput
            data-testid="job-description"
            [value]="job().description ?? ''"
            (input)="state.set(['description'], text($event) || undefined)"
          />
        </mat-form-field>
        <nf-field-error path="/description" />
      </div>
      <div nfErrorAnchor="/tags">
        <nf-chips-input
          label="Tags"
          placeholder="etl, nightly… (Enter to add)"
          testId="job-tags"
          [values]="job().tags ?? []"
          (valuesChange)="state.set(['tags'], $event.length ? $event : undefined)"
        />
        <nf-field-error path="/tags" />
      </div>
      <div nfErrorAnchor="/enabled" class="toggle">
        <mat-slide-toggle [checked]="enabled()" (change)="state.set(['enabled'], $event.checked)">
          Enabled (off: the schedule is ignored, manual runs still work)
        </mat-slide-toggle>
        <nf-field-error path="/enabled" />
      </div>
    </div>
  `,
  styles: `
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(320px, 1fr));
      gap: 12px 16px;
    }
    .full {
      width: 100%;
    }
    .toggle {
      align-self: center;
    }
  `,
})
export class IdentitySection {
  protected readonly state = inject(EditorState);
  protected readonly job = this.state.job;
  protected readonly enabled = computed(() => this.job().enabled ?? true);

  protected text(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }
}
