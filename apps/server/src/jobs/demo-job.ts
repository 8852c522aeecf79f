import type { JobDocument } from '@nomaflow/contracts';

/** Seeded on a first start: manual-only, `noop` steps only, showing params, templating, progress and disabled steps. */
export const DEMO_JOB: JobDocument = {
  id: 'demo-hello',
  description:
    'A demo seeded on first start. Press ▶ Run to watch it live: a greeting from the job params, a ' +
    '1.5 s wait with its own op_kwargs, and a disabled step that fails on purpose (enable it to see ' +
    'a failure and its alert). Edit or delete it freely; it is not seeded again.',
  tags: ['demo'],
  enabled: true,
  params: { greeting: 'hello' },
  steps: [
    { name: 'say-hello', type: 'noop', message: '${kw:greeting} from Nomaflow' },
    {
      name: 'wait-a-bit',
      type: 'noop',
      ms: 1500,
      op_kwargs: { batch: 'demo', rows: 42 },
      message: 'pretending to copy ${kw:rows} rows of batch ${kw:batch}',
    },
    {
      name: 'fail-on-purpose',
      type: 'noop',
      enabled: false,
      fail: true,
      message: 'this step fails when enabled',
    },
  ],
};
