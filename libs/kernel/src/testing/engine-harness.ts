import {
  NotFoundError,
  type ConnectorProvider,
  type JobDocument,
  type RunSnapshot,
} from '@nomaflow/contracts';
import { RunEngine, type ExecuteOptions, type RunOutcome } from '../engine/run-engine.js';
import { FakeClock } from './fake-clock.js';
import { FakeStepExecutor, withTestStepTypes } from './fake-step-executor.js';
import { MemoryRunStore, RecordingEventSink } from './memory-ports.js';

export interface EngineHarnessOptions {
  env?: Readonly<Record<string, string | undefined>>;
  connectors?: ConnectorProvider;
  store?: MemoryRunStore;
  events?: RecordingEventSink;
}

export interface EngineHarness {
  clock: FakeClock;
  store: MemoryRunStore;
  events: RecordingEventSink;
  /** Has the test step types of withTestStepTypes; register more as needed. */
  executor: FakeStepExecutor;
  engine: RunEngine;
  /** Starts a run of `job` as `run-1` without moving the clock. */
  start(job: JobDocument, snapshot?: Partial<RunSnapshot>, opts?: ExecuteOptions): Promise<RunOutcome>;
  /** Starts a run and moves the fake clock until no timer is left, then returns the outcome. */
  run(job: JobDocument, snapshot?: Partial<RunSnapshot>, opts?: ExecuteOptions): Promise<RunOutcome>;
}

/** A RunEngine wired to in-memory ports and a fake clock, for engine, plugin and host tests. */
export function createEngineHarness(options: EngineHarnessOptions = {}): EngineHarness {
  const clock = new FakeClock();
  const store = options.store ?? new MemoryRunStore();
  const events = options.events ?? new RecordingEventSink();
  const executor = withTestStepTypes(new FakeStepExecutor(), clock);
  const connectors: ConnectorProvider = options.connectors ?? {
    get: async (name) => {
      throw new NotFoundError(`unknown connector: ${name}`);
    },
  };
  const engine = new RunEngine({ store, events, connectors, clock, executor, env: options.env ?? {} });
  const start: EngineHarness['start'] = (job, snapshot = {}, opts) =>
    engine.execute({ id: 'run-1', job, triggered_by: 'api', ...snapshot }, opts);
  return {
    clock,
    store,
    events,
    executor,
    engine,
    start,
    async run(job, snapshot, opts) {
      const outcome = start(job, snapshot, opts);
      await clock.runUntilIdle();
      return outcome;
    },
  };
}
