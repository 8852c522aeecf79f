import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatTableModule } from '@angular/material/table';
import { Api } from '../../../core/api';
import type { PluginLoadFailure, StepTypeView } from '../../../core/api-types';

/** The most specific name a failure has: its package, step type or folder. */
export function failureName(f: PluginLoadFailure): string {
  return f.package ?? f.type ?? f.dir ?? '(unknown plugin)';
}

@Component({
  selector: 'nf-plugins-page',
  imports: [MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>Installed step types</h2>
    @if (error(); as e) {
      <p class="nf-error-text" role="alert">Could not read the step types: {{ e }}</p>
    }
    <div class="scroller">
      <table mat-table [dataSource]="stepTypes()" aria-label="Installed step types">
        <ng-container matColumnDef="type">
          <th mat-header-cell *matHeaderCellDef>Type</th>
          <td mat-cell *matCellDef="let t" class="nf-mono">{{ t.type }}</td>
        </ng-container>
        <ng-container matColumnDef="title">
          <th mat-header-cell *matHeaderCellDef>Title</th>
          <td mat-cell *matCellDef="let t" [title]="t.description">{{ t.title }}</td>
        </ng-container>
        <ng-container matColumnDef="version">
          <th mat-header-cell *matHeaderCellDef>Version</th>
          <td mat-cell *matCellDef="let t" class="nf-mono">{{ t.version }}</td>
        </ng-container>
        <ng-container matColumnDef="source">
          <th mat-header-cell *matHeaderCellDef>Source</th>
          <td mat-cell *matCellDef="let t" class="nf-mono source">{{ t.source }}</td>
        </ng-container>
        <ng-container matColumnDef="sandboxed">
          <th mat-header-cell *matHeaderCellDef>Sandboxed</th>
          <td mat-cell *matCellDef="let t">{{ t.sandboxed ? 'yes' : 'no' }}</td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr
          mat-row
          *matRowDef="let t; columns: columns"
          data-testid="plugin-row"
          [attr.data-type]="t.type"
        ></tr>
      </table>
    </div>
    @if (failed().length) {
      <h2>Plugins that failed to load</h2>
      <ul class="failed" role="list" aria-label="Plugins that failed to load">
        @for (f of failed(); track $index) {
          <li data-testid="plugin-failure">
            <strong>{{ name(f) }}</strong>
            @if (f.type && f.type !== name(f)) {
              <span> (step type {{ f.type }})</span>
            }
            <div class="nf-error-text">{{ f.error }}</div>
          </li>
        }
      </ul>
    }
  `,
  styles: `
    h2 {
      margin: 0 0 8px;
    }
    .scroller {
      overflow-x: auto;
      margin-bottom: 24px;
    }
    table {
      width: 100%;
    }
    .source {
      word-break: break-all;
    }
    .failed {
      padding-left: 20px;
    }
    .failed li {
      margin-bottom: 8px;
    }
  `,
})
export class PluginsPage {
  private readonly api = inject(Api);
  protected readonly columns = ['type', 'title', 'version', 'source', 'sandboxed'];
  protected readonly stepTypes = signal<StepTypeView[]>([]);
  protected readonly failed = signal<readonly PluginLoadFailure[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly name = failureName;

  constructor() {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const res = await this.api.stepTypes();
      this.stepTypes.set([...res.step_types].sort((a, b) => a.type.localeCompare(b.type)));
      // api-types declares `{source, error}`; the server sends the registry's richer shape.
      this.failed.set(res.failed);
      this.error.set(null);
    } catch (e) {
      this.error.set(e instanceof Error ? e.message : String(e));
    }
  }
}
