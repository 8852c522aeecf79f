import { NotFoundError } from '@nomaflow/contracts';
import type {
  Connector,
  ConnectorProvider,
  Json,
  PreviousStep,
  StepContext,
  StepProgress,
} from '@nomaflow/contracts';

export interface RecordedLog {
  level: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
  message: string;
}

export interface TestStepContext {
  ctx: StepContext;
  logs: RecordedLog[];
  progress: StepProgress[];
  controller: AbortController;
}

/** A StepContext for unit-testing a step type outside the engine; logs and progress are recorded. */
export function createTestStepContext(
  options: {
    params?: Record<string, Json>;
    stepName?: string;
    attempt?: number;
    logLevel?: 'INFO' | 'DEBUG';
    connectors?: Record<string, Connector>;
    previous?: Record<string, PreviousStep>;
    signal?: AbortSignal;
  } = {},
): TestStepContext {
  const logs: RecordedLog[] = [];
  const progress: StepProgress[] = [];
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const connectors: ConnectorProvider = {
    async get(name) {
      const c = options.connectors?.[name];
      if (!c) throw new NotFoundError(`unknown connector: ${name}`);
      return c;
    },
  };
  const ctx: StepContext = {
    runId: 'test-run',
    jobId: 'test-job',
    stepName: options.stepName ?? 'test-step',
    attempt: options.attempt ?? 1,
    params: options.params ?? {},
    logLevel: options.logLevel ?? 'INFO',
    signal,
    log: {
      debug: (message) => logs.push({ level: 'DEBUG', message }),
      info: (message) => logs.push({ level: 'INFO', message }),
      warn: (message) => logs.push({ level: 'WARNING', message }),
      error: (message) => logs.push({ level: 'ERROR', message }),
    },
    connectors,
    previousStep: (name) => options.previous?.[name],
    progress: (p) => progress.push(p),
  };
  return { ctx, logs, progress, controller };
}
