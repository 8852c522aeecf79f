import type { JobDocument, StepDocument } from '@nomaflow/contracts';
import { duplicateOf, moveItem, setIn, stepConfig, uniqueStepName, withConfig } from './job-doc';
import { parseJob } from './json-sync';

describe('job document edits', () => {
  it('sets nested values, removes cleared keys and the blocks they empty', () => {
    const job = { id: 'a', steps: [], extra: { keep: 1 } } as unknown as JobDocument;
    const withCron = setIn(job, ['schedule', 'cron'], '0 2 * * *');
    expect(withCron.schedule).toEqual({ cron: '0 2 * * *' });
    expect(setIn(withCron, ['schedule', 'cron'], undefined)).toEqual(job);
    expect((withCron as unknown as { extra: unknown }).extra).toEqual({ keep: 1 });
  });

  it('splits a step into common fields and its type config, keeping unknown keys', () => {
    const step: StepDocument = {
      name: 's',
      type: 'sql_query',
      enabled: false,
      connector: 'c',
      x_note: 'kept',
    };
    expect(stepConfig(step)).toEqual({ connector: 'c', x_note: 'kept' });
    // The form's edits come back as a config: unknown keys in it survive the round trip.
    expect(withConfig(step, { ...stepConfig(step), query: 'SELECT 1' })).toEqual({
      name: 's',
      type: 'sql_query',
      enabled: false,
      connector: 'c',
      x_note: 'kept',
      query: 'SELECT 1',
    });
  });

  it('moves, names and duplicates', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(uniqueStepName([{ name: 'x', type: 't' }], 'x')).toBe('x-2');
    expect(duplicateOf({ id: 'j', steps: [] }).id).toBe('j-copy');
  });
});

describe('JSON view parsing', () => {
  it('takes any object as typed, unknown keys included', () => {
    const r = parseJob('{"id":"a","steps":[{"name":"s","type":"noop","zz":1}],"custom":true}');
    expect(r).toEqual({
      ok: true,
      job: { id: 'a', steps: [{ name: 's', type: 'noop', zz: 1 }], custom: true },
    });
  });

  it('reports a parse error instead of a document', () => {
    const r = parseJob('{ "id": ');
    expect(r.ok).toBe(false);
    expect(parseJob('[1]')).toEqual({ ok: false, error: 'a job must be a JSON object' });
  });
});
