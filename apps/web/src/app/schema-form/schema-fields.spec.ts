import type { FormlyFieldConfig } from '@ngx-formly/core';
import { FormlyJsonschema } from '@ngx-formly/core/json-schema';
import type { JSONSchema7 } from 'json-schema';
import { fieldPaths, normalizeSchema, type UiSchema } from './normalize-schema';
import { SERVER_ERROR_WRAPPER, stepFields } from './schema-fields';

// Trimmed copies of plugins/*/schema.json: every feature the form must render.
const sqlQuery = {
  type: 'object',
  required: ['connector', 'query'],
  properties: {
    connector: { type: 'string', title: 'Connector', 'x-ui': { widget: 'connector' } },
    query: { type: 'string', title: 'SQL', minLength: 1, 'x-ui': { widget: 'sql' } },
    params: {
      type: 'object',
      title: 'Parameters',
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
      default: {},
      'x-ui': { widget: 'key-value' },
    },
  },
} as JSONSchema7;

const sqlCopy = {
  type: 'object',
  properties: {
    source: {
      type: 'object',
      title: 'Source',
      required: ['connector', 'table'],
      properties: {
        connector: { type: 'string', title: 'Source connector', 'x-ui': { widget: 'connector' } },
        table: { type: 'string', title: 'Source table' },
      },
    },
    mode: { type: 'string', enum: ['overwrite', 'append', 'upsert'], default: 'overwrite' },
    key_columns: { type: 'array', items: { type: 'string' } },
    columns: {
      anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'object' }],
      'x-ui': { widget: 'key-value' },
    },
    batch_size: { type: 'integer', default: 10000 },
  },
} as JSONSchema7;

const misc = {
  type: 'object',
  properties: {
    later: { type: 'string', title: 'Later', 'x-ui': { order: 2 } },
    earlier: { type: 'string', title: 'Earlier', 'x-ui': { order: 1, placeholder: 'type here' } },
    bind_password: { type: 'string', 'x-ui': { widget: 'secret' } },
    secret_env: {
      type: 'object',
      additionalProperties: { type: 'string' },
      'x-ui': { widget: 'key-value', secret: true },
    },
    body: { type: ['object', 'array', 'string'], 'x-ui': { widget: 'json' } },
    expected_status: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }] },
    message: { type: 'string', 'x-ui': { widget: 'textarea' } },
    target_connector: { type: 'string', title: 'Target connector' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    fail: { type: 'boolean', default: true },
  },
} as JSONSchema7;

const byKey = (fields: FormlyFieldConfig[]) => new Map(fields.map((f) => [String(f.key), f]));

describe('stepFields: a step type schema → formly fields', () => {
  const js = new FormlyJsonschema();

  it('maps each x-ui widget to its custom type', () => {
    const f = byKey(stepFields(js, sqlQuery));
    expect(f.get('connector')?.type).toBe('nf-connector');
    expect(f.get('query')?.type).toBe('nf-sql');
    expect(f.get('params')?.type).toBe('nf-key-value');
    expect(f.get('params')?.props?.['valueSchema']).toEqual({
      type: ['string', 'number', 'boolean', 'null'],
    });
    const m = byKey(stepFields(js, misc));
    expect(m.get('bind_password')?.type).toBe('nf-secret');
    expect(m.get('secret_env')?.type).toBe('nf-key-value');
    expect(m.get('secret_env')?.props?.['secret']).toBe(true);
    expect(m.get('body')?.type).toBe('nf-json');
    expect(m.get('message')?.type).toBe('textarea');
    expect(m.get('fail')?.type).toBe('nf-boolean');
  });

  it('turns names, maps, lists and polymorphic fields into editable widgets', () => {
    const m = byKey(stepFields(js, misc));
    expect(m.get('target_connector')?.type).toBe('nf-connector'); // *_connector → picker
    expect(m.get('headers')?.type).toBe('nf-key-value'); // additionalProperties map
    expect(m.get('expected_status')?.type).toBe('nf-json'); // anyOf keeps its key
    expect(m.get('expected_status')?.key).toBe('expected_status');
    const c = byKey(stepFields(js, sqlCopy));
    expect(c.get('key_columns')?.type).toBe('nf-string-list');
    expect(c.get('key_columns')?.fieldArray).toBeUndefined();
    expect(c.get('columns')?.type).toBe('nf-key-value');
    expect(c.get('mode')?.type).toBe('enum');
  });

  it('renders nested objects as groups with their own widgets', () => {
    const source = byKey(stepFields(js, sqlCopy)).get('source')!;
    expect(source.type).toBe('object');
    const inner = byKey(source.fieldGroup ?? []);
    expect(inner.get('connector')?.type).toBe('nf-connector');
    expect(inner.get('table')?.props?.label).toBe('Source table');
  });

  it('sorts by x-ui order and shows placeholder, title, description', () => {
    const keys = stepFields(js, misc).map((f) => f.key);
    expect(keys.slice(0, 2)).toEqual(['earlier', 'later']);
    const earlier = byKey(stepFields(js, misc)).get('earlier')!;
    expect(earlier.props?.placeholder).toBe('type here');
    expect(earlier.props?.label).toBe('Earlier');
  });

  it('shows defaults as hints but never writes them into the document', () => {
    const c = byKey(stepFields(js, sqlCopy));
    expect(c.get('batch_size')?.defaultValue).toBeUndefined();
    expect(c.get('batch_size')?.props?.placeholder).toBe('default: 10000');
    expect(c.get('mode')?.props?.placeholder).toBe('default: overwrite');
    expect(byKey(stepFields(js, misc)).get('fail')?.props?.['schemaDefault']).toBe(true);
  });

  it('wraps every keyed field with the server-error wrapper (Material form-field kept for inputs)', () => {
    const f = byKey(stepFields(js, sqlQuery));
    expect(f.get('connector')?.wrappers).toEqual([SERVER_ERROR_WRAPPER, 'form-field']);
    expect(f.get('query')?.wrappers).toEqual([SERVER_ERROR_WRAPPER]);
  });

  it('lists the JSON pointers of every rendered field, nested ones included', () => {
    expect(fieldPaths(normalizeSchema(sqlCopy as UiSchema))).toEqual(
      expect.arrayContaining(['/source', '/source/connector', '/source/table', '/mode', '/columns']),
    );
  });
});
