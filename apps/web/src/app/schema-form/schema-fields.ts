import type { FormlyFieldConfig } from '@ngx-formly/core';
import type { FormlyJsonschema } from '@ngx-formly/core/json-schema';
import type { JSONSchema7 } from 'json-schema';
import { normalizeSchema, type UiSchema, type XUi } from './normalize-schema';

/** The formly type each x-ui widget renders with. */
export const WIDGET_TYPES: Record<NonNullable<XUi['widget']>, string> = {
  sql: 'nf-sql',
  connector: 'nf-connector',
  'key-value': 'nf-key-value',
  secret: 'nf-secret',
  json: 'nf-json',
  textarea: 'textarea',
  'string-list': 'nf-string-list',
};

/** Types drawn inside a mat-form-field (label, hint, outline). */
const FORM_FIELD_TYPES = new Set([
  'input',
  'string',
  'number',
  'integer',
  'enum',
  'select',
  'textarea',
  'nf-connector',
  'nf-secret',
]);

/** Puts the server's error for a field (red border + message) around every field. */
export const SERVER_ERROR_WRAPPER = 'nf-server-error';

function describeDefault(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'object') {
    const text = JSON.stringify(value);
    return text === '{}' || text === '[]' ? undefined : text;
  }
  return String(value);
}

function mapField(field: FormlyFieldConfig, source: JSONSchema7): FormlyFieldConfig {
  const ui: XUi = (source as UiSchema)['x-ui'] ?? {};
  const props = { ...(field.props ?? {}) };
  const type = ui.widget ? WIDGET_TYPES[ui.widget] : field.type === 'boolean' ? 'nf-boolean' : field.type;
  // A default is what the server applies when the key is absent: show it, never write it, so the
  // saved document stays what the operator typed.
  const shownDefault = describeDefault(source.default);
  props['schemaDefault'] = source.default;
  if (ui.placeholder) props.placeholder = ui.placeholder;
  else if (shownDefault !== undefined && type !== 'boolean') props.placeholder = `default: ${shownDefault}`;
  if (ui.secret) props['secret'] = true;
  if (ui.widget === 'key-value') props['valueSchema'] = source.additionalProperties;
  if (ui.widget === 'string-list' && typeof source.items === 'object' && !Array.isArray(source.items)) {
    props['itemType'] = source.items.type;
  }
  if (ui.widget === 'textarea') {
    props.rows = 3;
    props['autosize'] = true;
  }
  if (type === 'enum' && shownDefault !== undefined) props.placeholder = `default: ${shownDefault}`;
  const mapped: FormlyFieldConfig = { ...field, type, props };
  delete mapped.defaultValue;
  if (ui.widget && ui.widget !== 'textarea') {
    // one control holds the whole value: no formly sub-fields, no FormArray
    delete mapped.fieldGroup;
    delete mapped.fieldArray;
  }
  if (mapped.fieldGroup) {
    mapped.fieldGroup = [...mapped.fieldGroup].sort((a, b) => orderOf(a) - orderOf(b));
  }
  // Field-level wrappers replace the type's own: keep Material's form-field where the type has one.
  if (field.key !== undefined) {
    mapped.wrappers = [SERVER_ERROR_WRAPPER, ...(FORM_FIELD_TYPES.has(String(type)) ? ['form-field'] : [])];
  }
  mapped.props = { ...mapped.props, ['xUiOrder']: ui.order };
  return mapped;
}

function orderOf(f: FormlyFieldConfig): number {
  const order = f.props?.['xUiOrder'];
  return typeof order === 'number' ? order : Number.MAX_SAFE_INTEGER;
}

/**
 * A step type's JSON Schema → formly fields: the stock JSON Schema mapping, then one custom type per
 * x-ui widget, fields sorted by `x-ui.order` (stable: unordered fields keep the schema's order).
 */
export function stepFields(jsonschema: FormlyJsonschema, schema: JSONSchema7): FormlyFieldConfig[] {
  const root = jsonschema.toFieldConfig(normalizeSchema(schema as UiSchema) as JSONSchema7, {
    map: mapField,
  });
  return root.fieldGroup ?? [];
}
