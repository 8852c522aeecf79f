import { STEP_COMMON_FIELDS } from '@nomaflow/contracts';
import type { FieldError, JSONSchemaObject, StepTypeManifest } from '@nomaflow/contracts';
import semver from 'semver';

export const STEP_TYPE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Checks the parts of a step-type manifest that do not need ajv: names, versions, reserved fields, secrets. */
export function checkStepTypeManifest(manifest: StepTypeManifest): FieldError[] {
  const errors: FieldError[] = [];
  const bad = (path: string, message: string) => errors.push({ path, message });
  if (typeof manifest.type !== 'string' || !STEP_TYPE_NAME.test(manifest.type)) {
    bad('/type', `invalid step type name ${JSON.stringify(manifest.type)}: lower-case letters, digits and _`);
  }
  if (typeof manifest.version !== 'string' || semver.valid(manifest.version) === null) {
    bad('/version', `version ${JSON.stringify(manifest.version)} is not semver`);
  }
  if (typeof manifest.title !== 'string' || manifest.title.trim() === '') bad('/title', 'title is required');
  if (typeof manifest.description !== 'string') bad('/description', 'description is required');
  const schema: unknown = manifest.schema;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    bad('/schema', 'schema must be a JSON Schema object');
    return errors;
  }
  const s = schema as JSONSchemaObject;
  if (s.type !== 'object') bad('/schema/type', 'a step schema must describe an object ("type": "object")');
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  for (const reserved of STEP_COMMON_FIELDS) {
    if (reserved in properties) {
      bad(`/schema/properties/${reserved}`, `field name "${reserved}" is reserved for every step`);
    }
  }
  for (const [i, pointer] of (manifest.secrets ?? []).entries()) {
    const first = /^\/([^/]+)/.exec(pointer)?.[1];
    if (first === undefined || !(unescapePointer(first) in properties)) {
      bad(`/secrets/${i}`, `secret ${JSON.stringify(pointer)} does not point at a field of the schema`);
    }
  }
  return errors;
}

export function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
