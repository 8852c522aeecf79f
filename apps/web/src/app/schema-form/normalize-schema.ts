import type { JSONSchema7, JSONSchema7Definition } from 'json-schema';

/** The `x-ui` hints a step type's schema may carry (plugins/*\/schema.json). */
export interface XUi {
  widget?: 'sql' | 'connector' | 'key-value' | 'secret' | 'json' | 'textarea' | 'string-list';
  order?: number;
  placeholder?: string;
  secret?: boolean;
}

export type UiSchema = JSONSchema7 & { 'x-ui'?: XUi };

const isSchema = (d: JSONSchema7Definition | undefined): d is UiSchema => typeof d === 'object' && d !== null;

const isConnectorName = (key: string) => key === 'connector' || key.endsWith('_connector');

/**
 * Rewrites a step type's schema into shapes one widget each can edit: formly maps a plain schema
 * well, but it drops the key of `anyOf` fields and has no editor for maps or lists of strings, so
 * those become a widget hint (json, key-value, string-list) before the mapping. Validation stays the
 * server's job: a rewritten field keeps its title, description, default and examples only.
 */
export function normalizeSchema(schema: UiSchema, key = ''): UiSchema {
  const ui: XUi = { ...(schema['x-ui'] ?? {}) };
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const polymorphic = !!(schema.anyOf || schema.oneOf) || types.length > 1;

  if (!ui.widget && isConnectorName(key) && (types.length === 0 || types.includes('string'))) {
    ui.widget = 'connector';
  }
  if (!ui.widget && types[0] === 'object' && !schema.properties && schema.additionalProperties !== false) {
    ui.widget = 'key-value';
  }
  const items = Array.isArray(schema.items) ? undefined : schema.items;
  if (!ui.widget && types[0] === 'array' && isSchema(items) && !items.enum) {
    const item = items;
    if (item.type === 'string' || item.type === 'number' || item.type === 'integer')
      ui.widget = 'string-list';
  }
  if (!ui.widget && polymorphic) ui.widget = 'json';

  if (ui.widget === 'json' || ui.widget === 'key-value' || (polymorphic && ui.widget)) {
    const { title, description, default: def, examples, additionalProperties } = schema;
    return {
      title,
      description,
      default: def,
      examples,
      // key-value editors read the value schema to type their cells
      ...(ui.widget === 'key-value' ? { type: 'object', additionalProperties } : {}),
      'x-ui': ui,
    } as UiSchema;
  }

  const out: UiSchema = { ...schema, 'x-ui': ui };
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, sub]) => [k, isSchema(sub) ? normalizeSchema(sub, k) : sub]),
    );
  }
  return out;
}

/** JSON pointers (relative to the step) of every field the form renders, for error anchoring. */
export function fieldPaths(schema: UiSchema, base = ''): string[] {
  const out: string[] = [];
  for (const [k, sub] of Object.entries(schema.properties ?? {})) {
    const path = `${base}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    out.push(path);
    if (isSchema(sub) && sub.properties) out.push(...fieldPaths(sub, path));
  }
  return out;
}
