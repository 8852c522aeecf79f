import type { FieldError, JobDocument } from '@nomaflow/contracts';

/**
 * A step keeps its type for life: its run history, outputs and `${out:…}` references mean what
 * that type produces. Steps are matched by name; added and removed steps are free. `next` may be
 * an invalid document (its other errors are reported alongside), so it is read defensively.
 */
export function stepTypeLockErrors(saved: JobDocument, next: unknown, basePath = ''): FieldError[] {
  const steps = (next as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return [];
  const typeOf = new Map(saved.steps.map((s) => [s.name, s.type]));
  const errors: FieldError[] = [];
  steps.forEach((step: unknown, i) => {
    const { name, type } = (step ?? {}) as { name?: unknown; type?: unknown };
    if (typeof name !== 'string' || typeof type !== 'string') return;
    const old = typeOf.get(name);
    if (old !== undefined && old !== type) {
      errors.push({
        path: `${basePath}/steps/${i}/type`,
        message: `step ${name} type cannot be changed (${old} → ${type})`,
      });
    }
  });
  return errors;
}
