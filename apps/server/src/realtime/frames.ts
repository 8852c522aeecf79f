import type { LogLineEvent, RunEvent, ServerToClientEvents } from '@nomaflow/contracts';

/** One Socket.IO emit: an event name of the contracts map with its payload. */
export type Frame = {
  [E in keyof ServerToClientEvents]: { event: E; data: Parameters<ServerToClientEvents[E]>[0] };
}[keyof ServerToClientEvents];

/** Anything that emits the contracts' server → client events: a socket, a room, a namespace. */
export interface Emitter {
  emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): unknown;
}

/** A run event as its own frame (every type but `log:line`, which travels in batches). */
export function eventFrame(e: Exclude<RunEvent, LogLineEvent>): Frame {
  switch (e.type) {
    case 'run:queued':
      return { event: e.type, data: e };
    case 'run:started':
      return { event: e.type, data: e };
    case 'run:finished':
      return { event: e.type, data: e };
    case 'step:started':
      return { event: e.type, data: e };
    case 'step:retrying':
      return { event: e.type, data: e };
    case 'step:finished':
      return { event: e.type, data: e };
    case 'step:progress':
      return { event: e.type, data: e };
  }
}

/**
 * Events of one run, in seq order, as frames in the same order: consecutive log lines become
 * `log:line` frames of at most `maxLines` lines, every other event is a frame of its own.
 */
export function toFrames(runId: string, events: readonly RunEvent[], maxLines: number): Frame[] {
  const frames: Frame[] = [];
  let lines: LogLineEvent[] | undefined;
  for (const e of events) {
    if (e.type === 'log:line') {
      if (!lines || lines.length >= maxLines) {
        lines = [];
        frames.push({ event: 'log:line', data: { run_id: runId, lines } });
      }
      lines.push(e);
    } else {
      lines = undefined;
      frames.push(eventFrame(e));
    }
  }
  return frames;
}

export function send(to: Emitter, frame: Frame): void {
  // TypeScript cannot correlate the name and the payload of a union member by itself; Frame does.
  (to.emit as (this: Emitter, event: string, data: unknown) => unknown).call(to, frame.event, frame.data);
}
