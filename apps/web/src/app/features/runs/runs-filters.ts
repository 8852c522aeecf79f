import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { RUN_STATUSES, type RunStatus } from '@nomaflow/contracts';
import { PAGE_SIZES, type RunsFilter } from './runs-filter';

/** `2026-01-31T09:05` in the browser's zone, as a datetime-local input wants it. */
export function toLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A datetime-local value (browser zone) as an ISO instant; '' when empty or invalid. */
export function fromLocalInput(value: string): string {
  if (!value) return '';
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? '' : new Date(t).toISOString();
}

/** The filter bar of the runs list: job, states, date range, page size. */
@Component({
  selector: 'nf-runs-filters',
  imports: [MatAutocompleteModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form
      class="nf-toolbar-row filters"
      role="search"
      aria-label="Filter runs"
      (submit)="$event.preventDefault()"
    >
      @if (fixedJob() === null) {
        <mat-form-field subscriptSizing="dynamic" class="job">
          <mat-label>Job</mat-label>
          <input
            matInput
            data-testid="runs-job-filter"
            [value]="filter().job"
            [matAutocomplete]="jobs"
            (input)="typed.set(input.value)"
            (change)="setJob(input.value)"
            (keydown.enter)="setJob(input.value)"
            placeholder="All jobs"
            #input
          />
          <mat-autocomplete #jobs="matAutocomplete" (optionSelected)="setJob($event.option.value)">
            @for (id of suggestions(); track id) {
              <mat-option [value]="id">{{ id }}</mat-option>
            }
          </mat-autocomplete>
        </mat-form-field>
      }
      <mat-form-field subscriptSizing="dynamic" class="states">
        <mat-label>State</mat-label>
        <mat-select
          multiple
          data-testid="runs-status-filter"
          [value]="filter().statuses"
          (selectionChange)="setStatuses($event.value)"
          placeholder="All states"
        >
          @for (s of statuses; track s) {
            <mat-option [value]="s">{{ s }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic" class="date">
        <mat-label>Created from</mat-label>
        <input
          matInput
          type="datetime-local"
          data-testid="runs-from-filter"
          [value]="local(filter().from)"
          (change)="setRange('from', from.value)"
          #from
        />
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic" class="date">
        <mat-label>Created before</mat-label>
        <input
          matInput
          type="datetime-local"
          data-testid="runs-to-filter"
          [value]="local(filter().to)"
          (change)="setRange('to', to.value)"
          #to
        />
      </mat-form-field>
      <mat-form-field subscriptSizing="dynamic" class="size">
        <mat-label>Per page</mat-label>
        <mat-select
          data-testid="runs-page-size"
          [value]="filter().limit"
          (selectionChange)="setLimit($event.value)"
        >
          @for (n of sizes(); track n) {
            <mat-option [value]="n">{{ n }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
      @if (filtered()) {
        <button mat-button type="button" (click)="clear()">Clear filters</button>
      }
    </form>
  `,
  styles: `
    .filters {
      margin-bottom: 12px;
    }
    .job {
      width: 220px;
    }
    .states {
      width: 200px;
    }
    .date {
      width: 210px;
    }
    .size {
      width: 100px;
    }
  `,
})
export class RunsFilters {
  readonly filter = input.required<RunsFilter>();
  /** Set on a job's own runs page: the job filter is fixed there. */
  readonly fixedJob = input<string | null>(null);
  readonly jobIds = input<readonly string[]>([]);
  readonly filterChange = output<RunsFilter>();

  protected readonly statuses = RUN_STATUSES;
  protected readonly sizes = computed(() => {
    const limit = this.filter().limit;
    return PAGE_SIZES.includes(limit) ? PAGE_SIZES : [...PAGE_SIZES, limit].sort((a, b) => a - b);
  });
  protected readonly typed = signal<string | null>(null);

  protected readonly suggestions = computed(() => {
    const text = (this.typed() ?? this.filter().job).trim().toLowerCase();
    const ids = this.jobIds();
    return (text ? ids.filter((id) => id.toLowerCase().includes(text)) : ids).slice(0, 50);
  });

  protected readonly filtered = computed(() => {
    const f = this.filter();
    return (
      (this.fixedJob() === null && f.job !== '') || f.statuses.length > 0 || f.from !== '' || f.to !== ''
    );
  });

  protected local(iso: string): string {
    return toLocalInput(iso);
  }

  private emit(patch: Partial<RunsFilter>): void {
    const next = { ...this.filter(), ...patch };
    this.filterChange.emit(next);
  }

  protected setJob(value: string): void {
    this.typed.set(null);
    const job = value.trim();
    if (job !== this.filter().job) this.emit({ job });
  }

  protected setStatuses(value: RunStatus[]): void {
    this.emit({ statuses: RUN_STATUSES.filter((s) => value.includes(s)) });
  }

  protected setRange(which: 'from' | 'to', value: string): void {
    this.emit({ [which]: fromLocalInput(value) });
  }

  protected setLimit(limit: number): void {
    this.emit({ limit });
  }

  protected clear(): void {
    this.typed.set(null);
    this.emit({ job: this.fixedJob() ?? '', statuses: [], from: '', to: '' });
  }
}
