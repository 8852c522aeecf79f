import type { JobDocument } from './job.js';
import type { JsonObject } from './json.js';
import type { LogLine, RunStatus, StepStatus, TriggeredBy } from './run.js';

/** Fields every run event carries; `seq` is per run and strictly increasing. */
export interface RunEventBase {
  run_id: string;
  seq: number;
  at: string;
}

export interface RunQueuedEvent extends RunEventBase {
  type: 'run:queued';
  job_id: string;
  triggered_by: TriggeredBy;
}
export interface RunStartedEvent extends RunEventBase {
  type: 'run:started';
  job_id: string;
  step_count: number;
}
export interface RunFinishedEvent extends RunEventBase {
  type: 'run:finished';
  job_id: string;
  status: Extract<RunStatus, 'SUCCEEDED' | 'FAILED' | 'CANCELED'>;
  error: string | null;
}
export interface StepStartedEvent extends RunEventBase {
  type: 'step:started';
  step: string;
  index: number;
  step_type: string;
  attempt: number;
}
export interface StepRetryingEvent extends RunEventBase {
  type: 'step:retrying';
  step: string;
  index: number;
  attempt: number;
  next_attempt: number;
  delay_ms: number;
  error: string;
}
export interface StepFinishedEvent extends RunEventBase {
  type: 'step:finished';
  step: string;
  index: number;
  status: Extract<StepStatus, 'SUCCEEDED' | 'FAILED' | 'CANCELED'>;
  reason: string | null;
  attempts: number;
  output: JsonObject | null;
  error: string | null;
  duration_ms: number | null;
}
export interface StepProgressEvent extends RunEventBase {
  type: 'step:progress';
  step: string;
  done: number;
  total?: number;
  unit?: string;
}
export interface LogLineEvent extends RunEventBase {
  type: 'log:line';
  line: LogLine;
}

export type RunEvent =
  | RunQueuedEvent
  | RunStartedEvent
  | RunFinishedEvent
  | StepStartedEvent
  | StepRetryingEvent
  | StepFinishedEvent
  | StepProgressEvent
  | LogLineEvent;
export type RunEventType = RunEvent['type'];

/** Job-level events for the catalogue room; they carry no run sequence. */
export interface JobChangedEvent {
  type: 'job:changed';
  job_id: string;
  change: 'created' | 'updated' | 'deleted';
  job?: JobDocument;
  at: string;
}
export interface ConfigReloadedEvent {
  type: 'config:reloaded';
  jobs: number;
  at: string;
}

type PayloadOf<E extends { type: string }> = Omit<E, 'type'>;
type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

/** Server → client events: the one typed Socket.IO map (names `noun:verb`). */
export interface ServerToClientEvents {
  'run:queued': (e: PayloadOf<RunEventOf<'run:queued'>>) => void;
  'run:started': (e: PayloadOf<RunEventOf<'run:started'>>) => void;
  'run:finished': (e: PayloadOf<RunEventOf<'run:finished'>>) => void;
  'step:started': (e: PayloadOf<RunEventOf<'step:started'>>) => void;
  'step:retrying': (e: PayloadOf<RunEventOf<'step:retrying'>>) => void;
  'step:finished': (e: PayloadOf<RunEventOf<'step:finished'>>) => void;
  'step:progress': (e: PayloadOf<RunEventOf<'step:progress'>>) => void;
  /** Batched: a burst of lines travels as one frame. */
  'log:line': (e: { run_id: string; lines: LogLineEvent[] }) => void;
  'job:changed': (e: PayloadOf<JobChangedEvent>) => void;
  'config:reloaded': (e: PayloadOf<ConfigReloadedEvent>) => void;
}

/** Client → server requests. */
export interface ClientToServerEvents {
  'run:subscribe': (req: { run_id: string; after_seq?: number }) => void;
  'run:unsubscribe': (req: { run_id: string }) => void;
  'catalogue:subscribe': () => void;
  'catalogue:unsubscribe': () => void;
}

export const RUN_EVENT_TYPES: readonly RunEventType[] = [
  'run:queued',
  'run:started',
  'run:finished',
  'step:started',
  'step:retrying',
  'step:finished',
  'step:progress',
  'log:line',
];

/** Socket.IO room names. */
export const Rooms = {
  run: (runId: string) => `run:${runId}`,
  catalogue: 'catalogue',
} as const;
