import { describe, expect, it } from '@jest/globals';
import { hasErrorCode, type Json } from '@nomaflow/contracts';
import { findTemplateRefs, renderString, renderTemplates, type TemplateScope } from './templating.js';

const outputs: Record<string, Json> = {
  load: { rows: 42, meta: { table: 'customers', cols: ['id', 'name'] }, empty: null },
};

const scope: TemplateScope = {
  env: { SLACK_WEBHOOK_URL: 'https://hooks.example/x', EMPTY: '' },
  kwargs: { apps_id: 10, source_connector: 'erp', dry_run: false },
  context: { run_id: 'run-1', job_id: 'job-1', scheduled_for: '2026-01-01T02:00:00.000Z' },
  stepOutput: (name) => {
    if (name === 'later') return { unavailable: 'step later runs after current' };
    if (name === 'skipped') return { unavailable: 'step skipped did not run (skipped: disabled)' };
    const output = outputs[name];
    return output === undefined ? { unavailable: `unknown step ${name}` } : { output };
  },
};

function renderError(value: Json): { message: string; retryable: boolean } {
  try {
    renderTemplates(value, scope);
  } catch (e) {
    if (hasErrorCode(e, 'step_failed')) return { message: e.message, retryable: e.retryable };
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(value)} to fail`);
}

describe('renderTemplates', () => {
  it('substitutes each namespace inside longer strings', () => {
    expect(renderString('url=${env:SLACK_WEBHOOK_URL}', scope)).toBe('url=https://hooks.example/x');
    expect(renderString('apps ${kw:apps_id} via ${kw:source_connector}', scope)).toBe('apps 10 via erp');
    expect(renderString('${ctx:job_id}/${ctx:run_id}@${ctx:scheduled_for}', scope)).toBe(
      'job-1/run-1@2026-01-01T02:00:00.000Z',
    );
    expect(renderString('rows: ${out:load.rows}', scope)).toBe('rows: 42');
  });

  it('keeps the type of a value when the string is exactly one placeholder', () => {
    expect(renderString('${kw:apps_id}', scope)).toBe(10);
    expect(renderString('${kw:dry_run}', scope)).toBe(false);
    expect(renderString('${out:load.meta}', scope)).toEqual({ table: 'customers', cols: ['id', 'name'] });
    expect(renderString('${out:load.empty}', scope)).toBeNull();
    expect(renderString('${env:EMPTY}', scope)).toBe('');
  });

  it('stringifies objects as JSON and null as nothing inside longer strings', () => {
    expect(renderString('meta=${out:load.meta}', scope)).toBe(
      'meta={"table":"customers","cols":["id","name"]}',
    );
    expect(renderString('[${out:load.empty}]', scope)).toBe('[]');
    expect(renderString('${kw:apps_id}${kw:apps_id}', scope)).toBe('1010');
  });

  it('reads nested output fields and array indexes', () => {
    expect(renderString('${out:load.meta.table}', scope)).toBe('customers');
    expect(renderString('${out:load.meta.cols.1}', scope)).toBe('name');
    expect(renderString('${out:load}', scope)).toEqual(outputs['load']);
  });

  it('treats $${ as a literal ${', () => {
    expect(renderString('cost: $${kw:apps_id}', scope)).toBe('cost: ${kw:apps_id}');
    expect(renderString('$${', scope)).toBe('${');
    expect(renderString('a $$ b $ c', scope)).toBe('a $$ b $ c');
  });

  it('recurses through arrays and objects but never renders keys', () => {
    const value: Json = {
      source: { connector: '${kw:source_connector}', schema: 'public' },
      list: ['${kw:apps_id}', 'x-${kw:apps_id}', 3, true, null],
      '${kw:apps_id}': 'key stays',
    };
    expect(renderTemplates(value, scope)).toEqual({
      source: { connector: 'erp', schema: 'public' },
      list: [10, 'x-10', 3, true, null],
      '${kw:apps_id}': 'key stays',
    });
  });

  it('leaves non-strings and placeholder-free strings alone', () => {
    expect(renderTemplates(5, scope)).toBe(5);
    expect(renderTemplates(null, scope)).toBeNull();
    expect(renderTemplates('plain $ text {}', scope)).toBe('plain $ text {}');
  });

  it.each<[string, string]>([
    ['${env:SLACK_WEBHOOK}', 'environment variable SLACK_WEBHOOK is not set'],
    ['${kw:nope}', 'unknown kwarg nope in ${kw:nope}'],
    ['${ctx:user}', 'unknown context value user in ${ctx:user} (use run_id, job_id, scheduled_for)'],
    ['${out:ghost.rows}', 'unknown step ghost in ${out:ghost.rows}'],
    ['${out:later.rows}', 'step later runs after current in ${out:later.rows}'],
    ['${out:skipped.rows}', 'step skipped did not run (skipped: disabled) in ${out:skipped.rows}'],
    ['${out:load.missing}', 'output of step load has no field missing in ${out:load.missing}'],
    ['${out:load.meta.cols.5}', 'output of step load has no field meta.cols.5 in ${out:load.meta.cols.5}'],
    ['${secret:x}', '${secret:x}: unknown namespace "secret" (use env, kw, ctx, out)'],
    ['${nocolon}', '${nocolon}: malformed placeholder (expected ${namespace:name})'],
    ['${kw:}', '${kw:}: malformed placeholder (expected ${namespace:name})'],
    ['${out:load..rows}', '${out:load..rows}: malformed placeholder (expected ${out:step.field})'],
    ['x ${kw:apps_id', '${kw:apps_id: unterminated placeholder (write $${ for a literal ${)'],
  ])('fails %s with a non-retryable error naming it', (template, message) => {
    expect(renderError({ field: [template] })).toEqual({ message, retryable: false });
  });

  it('does not read inherited properties as kwargs or env vars', () => {
    expect(renderError('${kw:constructor}').message).toBe('unknown kwarg constructor in ${kw:constructor}');
    expect(renderError('${env:toString}').message).toBe('environment variable toString is not set');
  });
});

describe('findTemplateRefs', () => {
  it('lists every placeholder with its pointer', () => {
    const refs = findTemplateRefs({
      url: '${env:HOOK}/x/${kw:id}',
      body: { 'a/b~c': ['lit', '${out:load.meta.table}'] },
      n: 3,
      escaped: '$${kw:not_a_ref}',
    });
    expect(refs).toEqual([
      { placeholder: '${env:HOOK}', namespace: 'env', name: 'HOOK', path: [], pointer: '/url' },
      { placeholder: '${kw:id}', namespace: 'kw', name: 'id', path: [], pointer: '/url' },
      {
        placeholder: '${out:load.meta.table}',
        namespace: 'out',
        name: 'load',
        path: ['meta', 'table'],
        pointer: '/body/a~1b~0c/1',
      },
    ]);
  });

  it('reports malformed placeholders with a problem instead of throwing', () => {
    const refs = findTemplateRefs(['${bad}', '${zzz:x}', 'tail ${kw:x']);
    expect(refs.map((r) => [r.pointer, r.placeholder, r.problem])).toEqual([
      ['/0', '${bad}', 'malformed placeholder (expected ${namespace:name})'],
      ['/1', '${zzz:x}', 'unknown namespace "zzz" (use env, kw, ctx, out)'],
      ['/2', '${kw:x', 'unterminated placeholder (write $${ for a literal ${)'],
    ]);
  });

  it('finds nothing in values without placeholders', () => {
    expect(findTemplateRefs({ a: 'x', b: [1, null, { c: 'y' }] })).toEqual([]);
    expect(findTemplateRefs('${kw:a}')).toEqual([
      { placeholder: '${kw:a}', namespace: 'kw', name: 'a', path: [], pointer: '' },
    ]);
  });
});
