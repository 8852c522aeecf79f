import { Injectable, signal } from '@angular/core';
import type {
  ClientToServerEvents,
  ConfigReloadedEvent,
  JobChangedEvent,
  RunEvent,
  RunEventType,
  ServerToClientEvents,
} from '@nomaflow/contracts';
import { Observable } from 'rxjs';
import { io, type Socket } from 'socket.io-client';

type NomaflowSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the catalogue room carries; `resync` means notices may have been lost: re-read the list. */
export type CatalogueMessage =
  Exclude<RunEvent, { type: 'log:line' }> | JobChangedEvent | ConfigReloadedEvent;
export type CatalogueSignal = CatalogueMessage | { type: 'resync' };

const RUN_STATE_EVENTS = [
  'run:queued',
  'run:started',
  'run:finished',
  'step:started',
  'step:retrying',
  'step:finished',
  'step:progress',
] as const satisfies readonly Exclude<RunEventType, 'log:line'>[];

/**
 * The console's one Socket.IO connection. Run streams resume from the last seq seen after a
 * reconnect, so no event is lost or doubled; nothing in the console polls.
 */
@Injectable({ providedIn: 'root' })
export class Live {
  private socket: NomaflowSocket | undefined;
  readonly connected = signal(false);

  /** Opens the shared connection (idempotent). */
  connect(): NomaflowSocket {
    if (!this.socket) {
      const socket: NomaflowSocket = io({ path: '/socket.io', transports: ['websocket'] });
      socket.on('connect', () => this.connected.set(true));
      socket.on('disconnect', () => this.connected.set(false));
      this.socket = socket;
    }
    return this.socket;
  }

  /** Job changes and every run's state changes, live. Emits `resync` on (re)connection. */
  catalogue(): Observable<CatalogueSignal> {
    return new Observable<CatalogueSignal>((subscriber) => {
      const socket = this.connect();
      const emit = (m: CatalogueSignal) => subscriber.next(m);
      const subscribe = () => {
        socket.emit('catalogue:subscribe', () => emit({ type: 'resync' }));
      };
      const onJob = (e: JobChangedEvent) => emit(e);
      const onReload = (e: ConfigReloadedEvent) => emit(e);
      const onRun = (e: CatalogueMessage) => emit(e);
      socket.on('connect', subscribe);
      socket.on('job:changed', onJob);
      socket.on('config:reloaded', onReload);
      for (const name of RUN_STATE_EVENTS) socket.on(name, onRun as never);
      if (socket.connected) subscribe();
      return () => {
        socket.off('connect', subscribe);
        socket.off('job:changed', onJob);
        socket.off('config:reloaded', onReload);
        for (const name of RUN_STATE_EVENTS) socket.off(name, onRun as never);
        if (socket.connected) socket.emit('catalogue:unsubscribe');
      };
    });
  }

  /**
   * Every event of one run with `seq > afterSeq`, stored ones first, then live ones, in batches
   * (a burst of log lines arrives as one array, so a 100,000-line log costs few renders).
   */
  run(runId: string, afterSeq = 0): Observable<RunEvent[]> {
    return new Observable<RunEvent[]>((subscriber) => {
      const socket = this.connect();
      let lastSeq = afterSeq;
      // Frames arriving within one animation frame are handed over together: a replay of a
      // 100,000-line log costs a render per screen refresh, not one per socket frame.
      let pending: RunEvent[] = [];
      let flushHandle: { cancel(): void } | undefined;
      const flush = () => {
        flushHandle = undefined;
        const batch = pending;
        pending = [];
        if (batch.length > 0) subscriber.next(batch);
      };
      const accept = (events: RunEvent[]) => {
        for (const e of events) {
          if (e.run_id !== runId || e.seq <= lastSeq) continue;
          lastSeq = e.seq;
          pending.push(e);
        }
        if (pending.length > 0) flushHandle ??= nextFrame(flush);
      };
      const onEvent = (e: RunEvent) => accept([e]);
      const onLines = (frame: { run_id: string; lines: RunEvent[] }) => {
        if (frame.run_id === runId) accept(frame.lines);
      };
      const subscribe = () => {
        socket.emit('run:subscribe', { run_id: runId, after_seq: lastSeq }, (ack) => {
          if (!ack.ok) subscriber.error(new Error(ack.error));
        });
      };
      socket.on('connect', subscribe);
      socket.on('log:line', onLines);
      for (const name of RUN_STATE_EVENTS) socket.on(name, onEvent as never);
      if (socket.connected) subscribe();
      return () => {
        flushHandle?.cancel();
        socket.off('connect', subscribe);
        socket.off('log:line', onLines);
        for (const name of RUN_STATE_EVENTS) socket.off(name, onEvent as never);
        if (socket.connected) socket.emit('run:unsubscribe', { run_id: runId });
      };
    });
  }
}

/**
 * Runs `fn` at the next animation frame, or after 100 ms when frames are not coming (a hidden
 * tab): whichever is first, once.
 */
function nextFrame(fn: () => void): { cancel(): void } {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(raf);
    clearTimeout(timer);
    fn();
  };
  const raf = requestAnimationFrame(run);
  const timer = setTimeout(run, 100);
  return {
    cancel: () => {
      done = true;
      cancelAnimationFrame(raf);
      clearTimeout(timer);
    },
  };
}
