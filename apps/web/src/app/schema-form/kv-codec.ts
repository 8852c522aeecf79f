import type { JSONSchema7Definition } from 'json-schema';

/** How a map's values travel between a text cell and the document, by the map's value schema. */
export interface KvCodec {
  toText(value: unknown): string;
  fromText(text: string): unknown;
  /** The choices when every value is one of an enum (a select instead of a text cell). */
  options: readonly string[] | null;
}

function valueTypes(schema: JSONSchema7Definition | undefined): Set<string> {
  if (schema === undefined || schema === true) return new Set(['any']);
  if (schema === false) return new Set();
  const out = new Set<string>();
  const t = schema.type;
  for (const x of Array.isArray(t) ? t : t ? [t] : []) out.add(x === 'integer' ? 'number' : x);
  for (const sub of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    for (const x of valueTypes(sub)) out.add(x);
  }
  if (out.size === 0) out.add('any');
  return out;
}

/**
 * A map of strings keeps cells verbatim; a map that also takes numbers, booleans, null or objects
 * reads `10`, `true`, `null`, `{"type": "decimal"}` as JSON and anything else as text — so a cell
 * holding `${kw:apps_id}` stays a string.
 */
export function kvCodec(valueSchema: JSONSchema7Definition | undefined): KvCodec {
  const types = valueTypes(valueSchema);
  const stringOnly = types.size === 1 && types.has('string');
  const enumValues =
    typeof valueSchema === 'object' && Array.isArray(valueSchema.enum) && stringOnly
      ? valueSchema.enum.map(String)
      : null;
  const accepts = (v: unknown): boolean => {
    if (types.has('any')) return true;
    if (v === null) return types.has('null');
    if (Array.isArray(v)) return types.has('array');
    return types.has(typeof v);
  };
  return {
    options: enumValues,
    toText: (value) => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)),
    fromText: (text) => {
      if (stringOnly) return text;
      const trimmed = text.trim();
      if (trimmed !== '') {
        try {
          const parsed: unknown = JSON.parse(trimmed);
          if (typeof parsed !== 'string' && accepts(parsed)) return parsed;
        } catch {
          // not JSON: a plain string
        }
      }
      return text;
    },
  };
}
