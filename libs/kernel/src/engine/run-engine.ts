import { StepReasons, type Params, type RunSnapshot, type StepRun } from '@nomaflow/contracts';
import { runCancellation } from './cancellation.js';
import { RunSession, type FinalRunStatus, type RunEngineDeps } from './run-session.js';
import { runStep } from './step-runner.js';

export type { RunEngineDeps } from './run-session.js';

export interface ExecuteOptions {
  /** Aborted by the host with a CancelledError naming who cancelled. */
  signal?: AbortSignal;
  /** The last seq already used for this run (e.g. by run:queued); events continue from startSeq + 1. */
  startSeq?: number;
}

export interface RunOutcome {
  status: FinalRunStatus;
  error: string | null;
  steps: StepRun[];
  /** The merged shared params stored on the run. */
  params: Params;
  lastSeq: number;
}

/**
 * Executes one run snapshot through the ports (SPEC §2). Holds no state between runs, so one engine
 * serves every run of a worker, concurrently.
 */
export class RunEngine {
  readonly #deps: RunEngineDeps;

  constructor(deps: RunEngineDeps) {
    this.#deps = deps;
  }

  async execute(snapshot: RunSnapshot, opts: ExecuteOptions = {}): Promise<RunOutcome> {
    const cancellation = runCancellation(opts.signal);
    try {
      const session = new RunSession(this.#deps, snapshot, cancellation.signal, opts.startSeq ?? 0);
      await session.start();
      const { status, error } = await runSteps(session);
      await session.finish(status, error);
      return {
        status,
        error,
        steps: session.rows.map((row) => ({ ...row })),
        params: session.params,
        lastSeq: session.events.lastSeq,
      };
    } finally {
      cancellation.dispose();
    }
  }
}

async function runSteps(session: RunSession): Promise<{ status: FinalRunStatus; error: string | null }> {
  for (let index = 0; index < session.rows.length; index++) {
    if (session.signal.aborted) return cancelFrom(session, index);
    const end = await runStep(session, index);
    if (end.status === 'CANCELED') return cancelFrom(session, index + 1);
    if (end.status === 'FAILED') {
      const name = session.stepAt(index).name;
      await session.closeRemaining(index + 1, StepReasons.notReached(name));
      return { status: 'FAILED', error: `step ${name} failed: ${end.error}` };
    }
  }
  return { status: 'SUCCEEDED', error: null };
}

async function cancelFrom(session: RunSession, from: number): Promise<{ status: 'CANCELED'; error: string }> {
  const reason = StepReasons.cancelledBy(session.cancelledBy());
  await session.closeRemaining(from, reason);
  // The last log line of a cancelled run says who stopped it (SPEC §2).
  session.log('WARNING', null, `run ${reason}`);
  return { status: 'CANCELED', error: reason };
}
