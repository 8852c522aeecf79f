import { Injectable, computed, inject, signal } from '@angular/core';
import type { JSONSchema7 } from 'json-schema';
import { Api } from '../../core/api';
import type { StepTypeView } from '../../core/api-types';

/** The installed step types (GET /api/step-types), fetched once. */
@Injectable({ providedIn: 'root' })
export class StepTypesStore {
  private readonly api = inject(Api);
  private loading: Promise<void> | null = null;
  readonly types = signal<readonly StepTypeView[]>([]);
  readonly error = signal<string | null>(null);
  private readonly byType = computed(() => new Map(this.types().map((t) => [t.type, t])));

  load(): Promise<void> {
    this.loading ??= this.api
      .stepTypes()
      .then((r) => {
        this.types.set([...r.step_types].sort((a, b) => a.type.localeCompare(b.type)));
        this.error.set(null);
      })
      .catch((e: unknown) => {
        this.loading = null;
        this.error.set(`step types unavailable: ${e instanceof Error ? e.message : String(e)}`);
      });
    return this.loading;
  }

  get(type: string): StepTypeView | undefined {
    return this.byType().get(type);
  }

  schema(type: string): JSONSchema7 | undefined {
    return this.get(type)?.schema as JSONSchema7 | undefined;
  }
}
