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
  /**
   * Steps in the run ("step 6 / 17" is `index + 1` / `step_count`). Set on the catalogue room's
   * frames; the run room sends events exactly as stored, where `run:started` carries it.
   */
  step_count?: number;
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

type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

/** One `log:line` frame: consecutive lines of one run, in seq order (a burst travels as few frames). */
export interface LogLineFrame {
  run_id: string;
  lines: LogLineEvent[];
}

/**
 * Server → client events: the one typed Socket.IO map (names `noun:verb`). Every payload is the
 * event itself, `type` included (`{run_id, seq, type, at, …}`), exactly as `GET /api/runs/:id/events`
 * returns it; only `log:line` groups consecutive lines into one frame.
 */
export interface ServerToClientEvents {
  'run:queued': (e: RunEventOf<'run:queued'>) => void;
  'run:started': (e: RunEventOf<'run:started'>) => void;
  'run:finished': (e: RunEventOf<'run:finished'>) => void;
  'step:started': (e: RunEventOf<'step:started'>) => void;
  'step:retrying': (e: RunEventOf<'step:retrying'>) => void;
  'step:finished': (e: RunEventOf<'step:finished'>) => void;
  'step:progress': (e: RunEventOf<'step:progress'>) => void;
  /** Batched: a burst of lines travels as one frame. */
  'log:line': (e: LogLineFrame) => void;
  'job:changed': (e: JobChangedEvent) => void;
  'config:reloaded': (e: ConfigReloadedEvent) => void;
}

/** `run:subscribe`: every event of the run with `seq > after_seq` (default 0), stored ones first, then live. */
export interface RunSubscribeRequest {
  run_id: string;
  after_seq?: number;
}

/**
 * The answer to `run:subscribe`, sent once the stored events up to `seq` have been written to the
 * socket (the live ones follow); an error when the request is invalid, the run does not exist or
 * the caller may not see it.
 */
export type RunSubscribeAck = { ok: true; run_id: string; seq: number } | { ok: false; error: string };

export type SubscribeAck = { ok: true } | { ok: false; error: string };

/** Client → server requests; the optional last argument is an acknowledgement callback. */
export interface ClientToServerEvents {
  'run:subscribe': (req: RunSubscribeRequest, ack?: (res: RunSubscribeAck) => void) => void;
  'run:unsubscribe': (req: { run_id: string }, ack?: (res: SubscribeAck) => void) => void;
  'catalogue:subscribe': (ack?: (res: SubscribeAck) => void) => void;
  'catalogue:unsubscribe': (ack?: (res: SubscribeAck) => void) => void;
}

/**
 * The Socket.IO handshake (`io(url, { auth })`): the same credential as the API's
 * `Authorization: Bearer <token>`. Checked before the connection is accepted; a refused one gets
 * `connect_error` with the message `unauthorized`.
 */
export interface SocketHandshakeAuth {
  token?: string;
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

/**
 * Socket.IO room names: `run:<id>` (the subscribers of a run that are in step with its live
 * stream) and `catalogue` (job changes and the state changes of every run).
 */
export const Rooms = {
  run: (runId: string) => `run:${runId}`,
  catalogue: 'catalogue',
} as const;
