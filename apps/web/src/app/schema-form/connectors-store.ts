import { Injectable, inject, signal } from '@angular/core';
import { Api } from '../core/api';

/** The connector names every picker offers; fetched once per page visit, shared by all pickers. */
@Injectable({ providedIn: 'root' })
export class ConnectorsStore {
  private readonly api = inject(Api);
  private loading: Promise<void> | null = null;
  readonly names = signal<readonly string[]>([]);

  load(): Promise<void> {
    this.loading ??= this.api
      .connectors()
      .then((list) => this.names.set(list.map((c) => c.name).sort()))
      .catch(() => {
        // A picker still accepts typed names (and `${kw:…}` templates) without the list.
        this.loading = null;
      });
    return this.loading;
  }

  /** Names containing the typed text, the whole list when it is empty. */
  filter(text: string | null | undefined): readonly string[] {
    const t = (text ?? '').toLowerCase();
    return this.names().filter((n) => n.toLowerCase().includes(t));
  }
}
