#!/usr/bin/env node
// `npm start` until the server lands: loads the plugins through discovery, validates a demo job,
// previews its schedule and executes one run with the kernel's real run engine, printing it live.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  InProcessStepExecutor,
  JobValidator,
  RunEngine,
  StepTypeRegistry,
  SystemClock,
  nextFires,
} from '@nomaflow/kernel';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const demoJob = {
  id: 'demo-hello',
  description: 'A demo job: three noop steps, one of them disabled.',
  tags: ['demo'],
  schedule: { cron: '30 2 * * *', timezone: 'Europe/Paris' },
  params: { greeting: 'hello', apps_id: 10 },
  steps: [
    { name: 'say-hello', type: 'noop', message: '${kw:greeting} from Nomaflow (run ${ctx:run_id})' },
    { name: 'wait-a-bit', type: 'noop', ms: 400, op_kwargs: { apps_id: 11 }, message: 'waiting 400 ms' },
    {
      name: 'report-params',
      type: 'noop',
      message: 'previous step saw apps_id=${out:wait-a-bit.params.apps_id}',
    },
    { name: 'try-failing', type: 'noop', fail: true, enabled: false },
  ],
  retry: { attempts: 2, backoff: 'fixed', base_seconds: 1 },
};

const registry = new StepTypeRegistry();
const report = await registry.discover([join(root, 'plugins')]);
for (const p of report.loaded) console.log(`plugin loaded: ${p.type} ${p.version} (${p.source})`);
for (const f of report.failed) console.log(`plugin FAILED: ${f.package ?? f.dir}: ${f.error}`);

const validator = new JobValidator(registry);
const job = validator.assertValid(demoJob);
console.log(`\njob ${job.id} is valid; next fires of "${job.schedule.cron}" in ${job.schedule.timezone}:`);
for (const fire of nextFires(job.schedule.cron, job.schedule.timezone, new Date(), 3)) {
  console.log(`  ${fire.local}  (${fire.iso})`);
}
console.log('the same cron across the spring-forward night of 2027-03-28:');
for (const fire of nextFires(job.schedule.cron, job.schedule.timezone, new Date('2027-03-27T12:00:00Z'), 2)) {
  console.log(`  ${fire.local}${fire.note ? `  — ${fire.note}` : ''}`);
}

const time = (iso) => iso.slice(11, 23);
const engine = new RunEngine({
  clock: new SystemClock(),
  executor: new InProcessStepExecutor(registry),
  connectors: { get: async (name) => Promise.reject(new Error(`no connectors yet (asked for ${name})`)) },
  store: { updateRun: async () => {}, saveStep: async () => {} },
  events: {
    emit(e) {
      if (e.type === 'log:line') {
        const l = e.line;
        console.log(`${time(l.ts)} ${l.level.padEnd(7)} ${l.step ?? '-'} · ${l.message}`);
      } else if (e.type === 'run:finished') {
        console.log(`${time(e.at)} run ${e.status}${e.error ? ` (${e.error})` : ''}`);
      }
    },
    flush: async () => {},
  },
});

console.log(`\nrunning ${job.id} now:`);
const outcome = await engine.execute({ id: 'demo-run-1', job, triggered_by: 'cli' });
for (const s of outcome.steps) {
  console.log(`  ${s.name.padEnd(14)} ${s.status.padEnd(9)} ${s.reason ?? JSON.stringify(s.output)}`);
}
console.log(
  '\nThe server and console (API on http://localhost:3000) are not built yet; this is the kernel at work.',
);
process.exitCode = outcome.status === 'SUCCEEDED' ? 0 : 1;
