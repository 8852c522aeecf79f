import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { firstValueFrom } from 'rxjs';
import { Api } from '../../../core/api';
import type { ConnectorTestResult, ConnectorView } from '../../../core/api-types';
import { ConfirmDialog, type ConfirmData } from '../../../shared/confirm-dialog';
import { ConnectorDialog, type ConnectorDialogData } from './connector-dialog';

type RowTest =
  { state: 'testing' } | { state: 'done'; result: ConnectorTestResult } | { state: 'error'; message: string };

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Where a connector points, password-free (the server already redacts URLs). */
export function connectorTarget(c: ConnectorView): string {
  if (c.url) return c.url;
  if (!c.host) return c.builtin ? "the server's own database" : '—';
  return `${c.host}${c.port ? `:${c.port}` : ''}${c.database ? `/${c.database}` : ''}`;
}

@Component({
  selector: 'nf-connectors-page',
  imports: [MatTableModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './connectors-page.html',
  styleUrl: './connectors-page.scss',
})
export class ConnectorsPage {
  private readonly api = inject(Api);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly columns = ['name', 'driver', 'target', 'user', 'password', 'options', 'test', 'actions'];
  protected readonly connectors = signal<ConnectorView[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  protected readonly tests = signal<ReadonlyMap<string, RowTest>>(new Map());
  protected readonly target = connectorTarget;

  constructor() {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const list = await this.api.connectors();
      this.connectors.set(
        [...list].sort((a, b) => Number(b.builtin) - Number(a.builtin) || a.name.localeCompare(b.name)),
      );
      this.error.set(null);
    } catch (e) {
      this.error.set(messageOf(e));
    } finally {
      this.loading.set(false);
    }
  }

  protected optionsText(c: ConnectorView): string {
    const parts: string[] = [];
    if (c.options['ssl'] === true) parts.push('ssl');
    if (typeof c.options['pool_max'] === 'number') parts.push(`pool ${c.options['pool_max']}`);
    return parts.join(', ') || '—';
  }

  private setTest(name: string, test: RowTest): void {
    this.tests.update((m) => new Map(m).set(name, test));
  }

  protected async test(c: ConnectorView): Promise<void> {
    this.setTest(c.name, { state: 'testing' });
    try {
      this.setTest(c.name, { state: 'done', result: await this.api.testConnector(c.name) });
    } catch (e) {
      this.setTest(c.name, { state: 'error', message: messageOf(e) });
    }
  }

  protected async edit(connector?: ConnectorView): Promise<void> {
    const ref = this.dialog.open<ConnectorDialog, ConnectorDialogData, ConnectorView>(ConnectorDialog, {
      data: { connector },
      width: '640px',
      maxWidth: '95vw',
    });
    const saved = await firstValueFrom(ref.afterClosed());
    if (!saved) return;
    this.snackBar.open(`Connector ${saved.name} saved`, undefined, { duration: 3000 });
    this.tests.update((m) => {
      const next = new Map(m);
      next.delete(saved.name);
      return next;
    });
    await this.load();
  }

  protected async remove(c: ConnectorView): Promise<void> {
    const ref = this.dialog.open<ConfirmDialog, ConfirmData, boolean>(ConfirmDialog, {
      data: {
        title: `Delete connector ${c.name}?`,
        message: 'Steps that use it will fail until a connector of that name exists again.',
        confirm: 'Delete',
      },
    });
    if (!(await firstValueFrom(ref.afterClosed()))) return;
    try {
      await this.api.deleteConnector(c.name);
      this.snackBar.open(`Connector ${c.name} deleted`, undefined, { duration: 3000 });
      await this.load();
    } catch (e) {
      this.snackBar.open(`Could not delete ${c.name}: ${messageOf(e)}`, 'Dismiss');
    }
  }
}
