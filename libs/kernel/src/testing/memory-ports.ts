import type { LogLine, RunEvent, RunEventType, StepRun } from '@nomaflow/contracts';
import type { EventSink, RunPatch, RunStore } from '../engine/ports.js';

export type StoreWrite =
  | { op: 'updateRun'; runId: string; patch: RunPatch }
  | { op: 'saveStep'; runId: string; index: number; step: StepRun };

/** A RunStore in memory: the latest state per run and every write in order. Values are copied. */
export class MemoryRunStore implements RunStore {
  readonly runs = new Map<string, RunPatch>();
  readonly steps = new Map<string, StepRun[]>();
  readonly writes: StoreWrite[] = [];

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    const copy = structuredClone(patch);
    this.writes.push({ op: 'updateRun', runId, patch: copy });
    this.runs.set(runId, { ...this.runs.get(runId), ...copy });
  }

  async saveStep(runId: string, index: number, step: StepRun): Promise<void> {
    const copy = structuredClone(step);
    this.writes.push({ op: 'saveStep', runId, index, step: copy });
    const list = this.steps.get(runId) ?? [];
    list[index] = copy;
    this.steps.set(runId, list);
  }

  run(runId: string): RunPatch | undefined {
    return this.runs.get(runId);
  }

  stepsOf(runId: string): StepRun[] {
    return this.steps.get(runId) ?? [];
  }
}

/** An EventSink that records every event; `durable` counts the events covered by the last flush. */
export class RecordingEventSink implements EventSink {
  readonly events: RunEvent[] = [];
  flushes = 0;
  durable = 0;

  emit(event: RunEvent): void {
    this.events.push(structuredClone(event));
  }

  async flush(): Promise<void> {
    this.flushes += 1;
    this.durable = this.events.length;
  }

  ofType<T extends RunEventType>(type: T): Extract<RunEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
  }

  lines(): LogLine[] {
    return this.ofType('log:line').map((e) => e.line);
  }

  messages(): string[] {
    return this.lines().map((l) => l.message);
  }
}
