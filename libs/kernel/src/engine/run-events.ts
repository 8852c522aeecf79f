import type { LogLineLevel, RunEvent, RunEventBase } from '@nomaflow/contracts';
import type { Clock, EventSink } from './ports.js';

type WithoutBase<E> = E extends RunEvent ? Omit<E, keyof RunEventBase> : never;
/** A run event as the engine describes it; the writer stamps run id, seq and time. */
export type RunEventPayload = WithoutBase<RunEvent>;

/**
 * The one place seq numbers are handed out: every event of a run, log lines included, takes the next
 * one, so a client that missed events can ask for "everything after N" and get no gap.
 */
export class RunEventWriter {
  readonly #sink: EventSink;
  readonly #clock: Clock;
  readonly #runId: string;
  #seq: number;

  constructor(sink: EventSink, clock: Clock, runId: string, startSeq: number) {
    this.#sink = sink;
    this.#clock = clock;
    this.#runId = runId;
    this.#seq = startSeq;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  emit(payload: RunEventPayload): RunEvent {
    const seq = ++this.#seq;
    const event = { ...payload, run_id: this.#runId, seq, at: this.#clock.now().toISOString() } as RunEvent;
    this.#sink.emit(event);
    return event;
  }

  log(level: LogLineLevel, step: string | null, message: string): void {
    const seq = ++this.#seq;
    const ts = this.#clock.now().toISOString();
    this.#sink.emit({
      type: 'log:line',
      run_id: this.#runId,
      seq,
      at: ts,
      line: { seq, ts, level, step, message },
    });
  }
}
