// The run engine's own cost per step: a job of 40 sequential noop steps executed by RunEngine with
// in-memory ports, against the baseline of calling the noop step type 40 times directly.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InProcessStepExecutor, RunEngine, StepTypeRegistry, SystemClock } from '@nomaflow/kernel';
import { createTestStepContext } from '@nomaflow/kernel/testing';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STEPS = 40;
const ROUNDS = 200;

const percentile = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

export default async function engineBench() {
  const registry = new StepTypeRegistry();
  await registry.discover([join(root, 'plugins')]);
  const noop = registry.get('noop');
  const job = {
    id: 'bench-40',
    params: { a: 1 },
    steps: Array.from({ length: STEPS }, (_, i) => ({
      name: `s${i}`,
      type: 'noop',
      message: 'step ${ctx:run_id}',
    })),
  };
  let events = 0;
  const engine = new RunEngine({
    clock: new SystemClock(),
    executor: new InProcessStepExecutor(registry),
    connectors: { get: async () => Promise.reject(new Error('none')) },
    store: { updateRun: async () => {}, saveStep: async () => {} },
    events: { emit: () => void events++, flush: async () => {} },
  });

  const runTimes = [];
  const baseTimes = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    const outcome = await engine.execute({ id: `run-${r}`, job, triggered_by: 'api' });
    runTimes.push(performance.now() - t);
    if (outcome.status !== 'SUCCEEDED') throw new Error(`bench run ${outcome.status}: ${outcome.error}`);

    t = performance.now();
    for (let i = 0; i < STEPS; i++) {
      const { ctx } = createTestStepContext({ params: { a: 1 } });
      await noop.execute(ctx, registry.prepareConfig('noop', { message: 'step x' }));
    }
    baseTimes.push(performance.now() - t);
  }
  const run50 = percentile(runTimes.slice(20), 0.5);
  const base50 = percentile(baseTimes.slice(20), 0.5);
  console.log(`40 sequential noop steps through RunEngine (in-memory ports), ${ROUNDS} rounds:`);
  console.log(`  run p50 ${run50.toFixed(2)} ms · p95 ${percentile(runTimes.slice(20), 0.95).toFixed(2)} ms`);
  console.log(`  baseline (40 direct noop calls) p50 ${base50.toFixed(2)} ms`);
  console.log(
    `  engine overhead per step ${(((run50 - base50) / STEPS) * 1000).toFixed(0)} µs · ratio ${(run50 / base50).toFixed(1)}× baseline`,
  );
  console.log(`  events emitted per run: ${events / ROUNDS}`);
}
