import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { EditorState } from '../editor-state';
import { ErrorAnchor, FieldError } from '../field-error';
import { allTimezones, filterTimezones } from '../timezones';
import { SchedulePreview } from './schedule-preview';

/** ② Schedule: cron, timezone (autocomplete over the IANA names), live preview. */
@Component({
  selector: 'nf-schedule-section',
  imports: [
    MatFormFieldModule,
    MatInputModule,
    MatAutocompleteModule,
    ErrorAnchor,
    FieldError,
    SchedulePreview,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="grid">
      <div nfErrorAnchor="/schedule/cron">
        <mat-form-field class="full" subscriptSizing="dynamic">
          <mat-label>Cron</mat-label>
          <input
            matInput
            class="nf-mono"
            data-testid="cron"
            placeholder="0 2 * * *"
            spellcheck="false"
            autocomplete="off"
            [value]="cron()"
            (input)="setCron($event)"
          />
          <mat-hint>m h dom mon dow [sec] or &#64;daily…; empty = manual-only</mat-hint>
        </mat-form-field>
        <nf-field-error path="/schedule/cron" />
      </div>
      <div nfErrorAnchor="/schedule/timezone">
        <mat-form-field class="full" subscriptSizing="dynamic">
          <mat-label>Timezone</mat-label>
          <input
            matInput
            data-testid="timezone"
            placeholder="server default"
            autocomplete="off"
            spellcheck="false"
            [value]="timezone()"
            [matAutocomplete]="zones"
            (input)="typed($event)"
          />
          <mat-autocomplete #zones (optionSelected)="setZone($event.option.value)">
            @for (z of matches(); track z) {
              <mat-option [value]="z">{{ z }}</mat-option>
            }
          </mat-autocomplete>
          <mat-hint>IANA name; empty = the server's zone</mat-hint>
        </mat-form-field>
        <nf-field-error path="/schedule/timezone" />
      </div>
    </div>
    <nf-schedule-preview [cron]="cron()" [timezone]="timezone()" />
    <nf-field-error path="/schedule" />
  `,
  styles: `
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
      gap: 12px 16px;
      margin-bottom: 12px;
    }
    .full {
      width: 100%;
    }
  `,
})
export class ScheduleSection {
  protected readonly state = inject(EditorState);
  private readonly zones = allTimezones();
  private readonly query = signal('');
  protected readonly cron = computed(() => this.state.job().schedule?.cron ?? '');
  protected readonly timezone = computed(() => this.state.job().schedule?.timezone ?? '');
  protected readonly matches = computed(() => filterTimezones(this.zones, this.query()));

  protected setCron(event: Event): void {
    const v = (event.target as HTMLInputElement).value;
    this.state.set(['schedule', 'cron'], v.trim() === '' ? undefined : v);
  }

  protected typed(event: Event): void {
    const v = (event.target as HTMLInputElement).value;
    this.query.set(v);
    this.setZone(v);
  }

  protected setZone(v: string): void {
    this.state.set(['schedule', 'timezone'], v.trim() === '' ? undefined : v);
  }
}
