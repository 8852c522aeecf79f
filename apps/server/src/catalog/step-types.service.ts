import { Injectable } from '@nestjs/common';
import type { PluginLoadFailure, StepTypeView } from '@nomaflow/contracts';
import { StepTypeRegistry } from '@nomaflow/kernel';

/** What the editor renders step forms from, and what Settings → Plugins lists (failures included). */
@Injectable()
export class StepTypesService {
  constructor(private readonly registry: StepTypeRegistry) {}

  list(): { step_types: StepTypeView[]; failed: readonly PluginLoadFailure[] } {
    const step_types = this.registry.list().map((m) => ({
      type: m.type,
      version: m.version,
      title: m.title,
      description: m.description,
      schema: m.schema,
      secrets: m.secrets ?? [],
      idempotent: m.idempotent ?? false,
      source: m.source ?? 'builtin',
      sandboxed: m.sandboxed ?? false,
    }));
    return { step_types, failed: this.registry.failures() };
  }
}
