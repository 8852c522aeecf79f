import type { Run, RunEvent, RunStatus, StepRun, StepStatus } from '@nomaflow/contracts';

export interface StepProgress {
  done: number;
  total: number | null;
  unit: string | null;
}

export interface StepView extends StepRun {
  /** Set by `step:finished`; otherwise derived from started/finished. */
  duration_ms: number | null;
  progress: StepProgress | null;
}

/** The run detail page's view of a run: the API's run with live step extras. */
export interface RunState {
  run: Omit<Run, 'steps'>;
  steps: StepView[];
  /** Highest event seq folded in. */
  seq: number;
}

/*
 * States only move forward. The page folds the whole event history (seq > 0) onto the run read
 * over HTTP, which may already be further along; ranking makes that replay idempotent.
 */
const RUN_RANK: Record<RunStatus, number> = { QUEUED: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 2, CANCELED: 2 };
const STEP_RANK: Record<StepStatus, number> = {
  PENDING: 0,
  RUNNING: 1,
  SUCCEEDED: 2,
  FAILED: 2,
  CANCELED: 2,
};

export function isFinal(status: RunStatus): boolean {
  return RUN_RANK[status] === 2;
}

export function initialRunState(run: Run): RunState {
  const { steps, ...rest } = run;
  return {
    run: rest,
    steps: steps.map((s) => ({ ...s, duration_ms: null, progress: null })),
    seq: 0,
  };
}

function pendingStep(name: string, type: string): StepView {
  return {
    name,
    type,
    status: 'PENDING',
    reason: null,
    attempts: 0,
    started_at: null,
    finished_at: null,
    output: null,
    error: null,
    duration_ms: null,
    progress: null,
  };
}

/** Replaces the named step (creating it at `index` when the run did not list it yet). */
function patchStep(
  steps: StepView[],
  name: string,
  index: number | undefined,
  patch: (s: StepView) => StepView,
): StepView[] {
  const at = steps.findIndex((s) => s.name === name);
  const next = steps.slice();
  if (at >= 0) {
    next[at] = patch(steps[at]!);
  } else {
    const pos = index === undefined ? next.length : Math.min(index, next.length);
    next.splice(pos, 0, patch(pendingStep(name, '')));
  }
  return next;
}

function withRunStatus(state: RunState, status: RunStatus): RunState['run'] {
  return RUN_RANK[status] >= RUN_RANK[state.run.status] ? { ...state.run, status } : state.run;
}

function applyOne(state: RunState, e: RunEvent): RunState {
  switch (e.type) {
    case 'run:queued':
      return state;
    case 'run:started':
      return {
        ...state,
        run: { ...withRunStatus(state, 'RUNNING'), started_at: state.run.started_at ?? e.at },
      };
    case 'run:finished':
      return {
        ...state,
        run: {
          ...withRunStatus(state, e.status),
          finished_at: state.run.finished_at ?? e.at,
          error: e.error ?? state.run.error,
        },
        // A finished run has no live progress left to show.
        steps: state.steps.map((s) => (s.progress ? { ...s, progress: null } : s)),
      };
    case 'step:started':
      return {
        ...state,
        run: { ...withRunStatus(state, 'RUNNING'), started_at: state.run.started_at ?? e.at },
        steps: patchStep(state.steps, e.step, e.index, (s) =>
          STEP_RANK[s.status] > STEP_RANK.RUNNING
            ? s
            : {
                ...s,
                type: s.type || e.step_type,
                status: 'RUNNING',
                attempts: Math.max(s.attempts, e.attempt),
                started_at: s.started_at ?? e.at,
              },
        ),
      };
    case 'step:retrying':
      return {
        ...state,
        steps: patchStep(state.steps, e.step, e.index, (s) =>
          STEP_RANK[s.status] > STEP_RANK.RUNNING
            ? s
            : {
                ...s,
                status: 'RUNNING',
                attempts: Math.max(s.attempts, e.attempt),
                error: e.error,
                progress: null,
              },
        ),
      };
    case 'step:progress':
      return {
        ...state,
        steps: patchStep(state.steps, e.step, undefined, (s) =>
          s.status !== 'RUNNING' && s.status !== 'PENDING'
            ? s
            : { ...s, progress: { done: e.done, total: e.total ?? null, unit: e.unit ?? null } },
        ),
      };
    case 'step:finished':
      return {
        ...state,
        steps: patchStep(state.steps, e.step, e.index, (s) => ({
          ...s,
          status: e.status,
          reason: e.reason,
          attempts: Math.max(s.attempts, e.attempts),
          output: e.output,
          error: e.error,
          finished_at: s.finished_at ?? e.at,
          duration_ms: e.duration_ms,
          progress: null,
        })),
      };
    case 'log:line':
      return state;
  }
}

/** Folds a batch of run events (in seq order) into the view state; already-seen seqs are ignored. */
export function foldRunEvents(state: RunState, events: readonly RunEvent[]): RunState {
  let next = state;
  let seq = state.seq;
  for (const e of events) {
    if (e.run_id !== state.run.id) continue;
    if (e.type !== 'log:line') next = applyOne(next, e);
    seq = Math.max(seq, e.seq);
  }
  return next === state && seq === state.seq ? state : { ...next, seq };
}

/** A step's duration: the engine's own figure when finished, else elapsed since it started. */
export function stepDurationMs(step: StepView, now: number): number | null {
  if (step.duration_ms !== null) return step.duration_ms;
  if (!step.started_at) return null;
  const end = step.finished_at ? Date.parse(step.finished_at) : step.status === 'RUNNING' ? now : null;
  return end === null ? null : end - Date.parse(step.started_at);
}
