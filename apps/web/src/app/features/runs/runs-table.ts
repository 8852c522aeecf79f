import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Run } from '@nomaflow/contracts';
import { duration, durationBetween, localDateTime, utcDateTime } from '../../core/time';
import { StatusBadge } from '../../shared/status-badge';

const ERROR_EXCERPT = 80;

/** First line of an error, cut short: the full text is on hover and on the run page. */
export function errorExcerpt(error: string | null): string {
  if (!error) return '';
  const first = error.split('\n', 1)[0]!;
  return first.length > ERROR_EXCERPT ? `${first.slice(0, ERROR_EXCERPT - 1)}…` : first;
}

/** One row per run, newest first. */
@Component({
  selector: 'nf-runs-table',
  imports: [RouterLink, StatusBadge],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="scroll">
      <table aria-label="Runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            @if (showJob()) {
              <th scope="col">Job</th>
            }
            <th scope="col">State</th>
            <th scope="col">Triggered by</th>
            <th scope="col">Created</th>
            <th scope="col" class="wide">Started</th>
            <th scope="col">Duration</th>
            <th scope="col" class="wide">Error</th>
          </tr>
        </thead>
        <tbody>
          @for (run of runs(); track run.id) {
            <tr data-testid="run-row" [attr.data-run-id]="run.id" [attr.data-status]="run.status">
              <td>
                <a
                  class="nf-mono"
                  [routerLink]="['/nomaflow/runs', run.id]"
                  [attr.aria-label]="'Run ' + run.id"
                  >{{ run.id.slice(0, 8) }}</a
                >
              </td>
              @if (showJob()) {
                <td>
                  <a [routerLink]="['/nomaflow/jobs', run.job_id, 'runs']" data-testid="run-job">{{
                    run.job_id
                  }}</a>
                </td>
              }
              <td><nf-status-badge [status]="run.status" /></td>
              <td>{{ run.triggered_by }}</td>
              <td [title]="utc(run.created_at)">{{ local(run.created_at) }}</td>
              <td class="wide" [title]="utc(run.started_at)">{{ local(run.started_at) }}</td>
              <td>{{ elapsed(run) }}</td>
              <td class="wide error" [title]="run.error ?? ''">{{ excerpt(run.error) }}</td>
            </tr>
          }
        </tbody>
      </table>
    </div>
  `,
  styles: `
    .scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-size: 13px;
    }
    th {
      text-align: left;
      font-weight: 500;
      color: var(--mat-sys-on-surface-variant);
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      padding: 6px 8px;
      white-space: nowrap;
    }
    td {
      padding: 6px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      white-space: nowrap;
    }
    tbody tr:hover {
      background: var(--mat-sys-surface-container-low);
    }
    .error {
      color: var(--nf-failed);
      max-width: 320px;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    @media (max-width: 960px) {
      .wide {
        display: none;
      }
    }
  `,
})
export class RunsTable {
  readonly runs = input.required<readonly Run[]>();
  readonly showJob = input(true);
  /** Ticks while a visible run is live, so its duration counts up. */
  readonly now = input<number>(Date.now());

  protected local(iso: string | null): string {
    return localDateTime(iso);
  }
  protected utc(iso: string | null): string {
    return utcDateTime(iso);
  }
  protected excerpt(error: string | null): string {
    return errorExcerpt(error);
  }
  protected elapsed(run: Run): string {
    return duration(durationBetween(run.started_at, run.finished_at, this.now()));
  }
}
