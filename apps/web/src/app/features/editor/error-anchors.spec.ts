import type { JobDocument } from '@nomaflow/contracts';
import type { JSONSchema7 } from 'json-schema';
import { anchorErrors, knownAnchors, stepIndexOf } from './error-anchors';

const schemas: Record<string, JSONSchema7> = {
  sql_query: { type: 'object', properties: { connector: { type: 'string' }, query: { type: 'string' } } },
  sql_copy: {
    type: 'object',
    properties: { source: { type: 'object', properties: { table: { type: 'string' } } } },
  },
};

const job: JobDocument = {
  id: 'x',
  steps: [
    { name: 'a', type: 'sql_copy' },
    { name: 'b', type: 'sql_query' },
  ],
};

describe('error anchoring', () => {
  const known = knownAnchors(job, (t) => schemas[t]);

  it('puts each server error at the deepest field the page shows', () => {
    const r = anchorErrors(
      [
        { path: '/id', message: 'job id contains invalid characters' },
        { path: '/schedule/cron', message: 'invalid cron expression' },
        { path: '/steps/1/query', message: 'step b is missing required field(s): query' },
        { path: '/steps/0/source/table', message: 'too short' },
        { path: '/steps/0', message: 'step a is missing required field(s): source' },
        { path: '/tags/2', message: 'must be string' },
      ],
      known,
    );
    expect(r.placed.get('/id')).toEqual(['job id contains invalid characters']);
    expect(r.placed.get('/steps/1/query')).toEqual(['step b is missing required field(s): query']);
    expect(r.placed.get('/steps/0/source/table')).toEqual(['too short']);
    expect(r.placed.get('/steps/0')).toEqual(['step a is missing required field(s): source']);
    expect(r.placed.get('/tags')).toEqual(['must be string']);
    expect(r.order[0]).toBe('/id');
    expect(r.unplaced).toEqual([]);
  });

  it('sends errors without a field on the page to the banner', () => {
    const r = anchorErrors(
      [
        { path: '', message: 'a job must be a JSON object' },
        { path: '/nope', message: 'unknown field: nope' },
      ],
      known,
    );
    expect(r.unplaced.map((e) => e.message)).toEqual(['a job must be a JSON object', 'unknown field: nope']);
  });

  it('knows which step a path belongs to', () => {
    expect(stepIndexOf('/steps/3/query')).toBe(3);
    expect(stepIndexOf('/steps/0')).toBe(0);
    expect(stepIndexOf('/schedule/cron')).toBeNull();
  });
});
