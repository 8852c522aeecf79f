import { ValidationError } from '@nomaflow/contracts';
import type { JSONSchemaObject } from '@nomaflow/contracts';
import { ajvErrorsToFieldErrors, createAjv } from '@nomaflow/kernel';

const ajv = createAjv();

/** Compiles the schema once; the returned check throws a ValidationError listing every problem. */
export function inputValidator<T>(schema: JSONSchemaObject): (input: unknown) => T {
  const validate = ajv.compile(schema);
  return (input) => {
    if (validate(input)) return input as T;
    throw new ValidationError(ajvErrorsToFieldErrors(validate.errors ?? []));
  };
}

/**
 * Query strings carry only text, so integer-typed parameters are converted before the schema
 * checks their range — the messages then read `must be <= 100` rather than a pattern.
 */
export function queryValidator<T>(schema: JSONSchemaObject): (query: unknown) => T {
  const check = inputValidator<T>(schema);
  const integers = Object.entries(schema.properties ?? {})
    .filter(([, s]) => typeof s === 'object' && s.type === 'integer')
    .map(([name]) => name);
  return (query) => {
    const copy: Record<string, unknown> = { ...(query as Record<string, unknown> | undefined) };
    for (const name of integers) {
      const raw = copy[name];
      if (typeof raw === 'string' && /^-?\d+$/.test(raw)) copy[name] = Number(raw);
    }
    return check(copy);
  };
}

/**
 * The instant a `date-time` string names. The format admits leap seconds (JavaScript cannot hold
 * them) and year 0000 (PostgreSQL refuses it); those are a 400 here, not a crash further on.
 */
export function toInstant(text: string, path: string): Date {
  const at = new Date(text);
  const year = at.getUTCFullYear();
  if (Number.isNaN(at.getTime()) || year < 1 || year > 9999) {
    throw new ValidationError([{ path, message: 'must be an instant between years 1 and 9999' }]);
  }
  return at;
}
