import type { FieldError } from '@nomaflow/contracts';
import type { ErrorObject } from 'ajv';

/** Where an ajv error points: the missing or unknown property itself, not its parent object. */
export function ajvErrorPath(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return `${e.instancePath}/${String(params.missingProperty)}`;
  if (e.keyword === 'additionalProperties') return `${e.instancePath}/${String(params.additionalProperty)}`;
  return e.instancePath;
}

/** An operator-readable message for one ajv error. */
export function ajvErrorMessage(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required field: ${String(params.missingProperty)}`;
    case 'additionalProperties':
      return `unknown field: ${String(params.additionalProperty)}`;
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

/** Flattens ajv errors, dropping the noise of `if`/`anyOf` wrappers whose branches are already listed. */
export function ajvErrorsToFieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const item = { path: ajvErrorPath(e), message: ajvErrorMessage(e) };
    const key = `${item.path}\u0000${item.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(item);
    }
  }
  return out;
}
