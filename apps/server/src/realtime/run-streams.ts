import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { Rooms } from '@nomaflow/contracts';
import type { RunEvent } from '@nomaflow/contracts';
import { send, toFrames } from './frames.js';
import { Limiter } from './limiter.js';
import { RunEventReader } from './run-event-reader.js';
import type { RunNotice } from './run-notices.js';
import { backlog, drained } from './socket-types.js';
import type { AppServer, AppSocket } from './socket-types.js';

/** Seqs per read of run_events (so at most that many rows), for history and the live feed alike. */
export const READ_CHUNK = 2_000;
/** Lines per `log:line` frame. */
export const FRAME_MAX_LINES = 500;
/**
 * Frames a socket may have waiting in its write buffer when a live batch comes: past that, the
 * live feed stops writing to it and it catches up from the database at the pace it reads (see
 * sync()). A socket so holds at most this many frames plus one batch.
 */
export const MAX_BACKLOG_FRAMES = 32;
/** History reads at once across all sockets, so catching-up clients cannot starve the API's pool. */
const HISTORY_READERS = 4;
const RETRY_MS = 1_000;

/** Internal room of every subscriber of a run, in step or catching up: the catalogue skips them. */
export const subscribersRoom = (runId: string): string => `run-subscribers:${runId}`;

/**
 * - `syncing`: reading history from the database into the socket, at the socket's pace;
 * - `waiting`: history written up to a seq the live feed has not reached yet;
 * - `live`: in the run room, in step with the live feed (cursor = the stream's `fetched`);
 * - `closed`: unsubscribed or disconnected.
 */
type SubscriptionState = 'syncing' | 'waiting' | 'live' | 'closed';

interface Subscription {
  readonly socket: AppSocket;
  readonly runId: string;
  /** Every event with seq <= cursor has been written to the socket; it gets the others in order. */
  cursor: number;
  state: SubscriptionState;
  /** Bumped whenever a catch-up must stop (unsubscribe, disconnect, demotion starts a new one). */
  generation: number;
  /** Pending `run:subscribe` acknowledgement: the seq its history reached, or undefined if abandoned. */
  settle: ((seq: number | undefined) => void) | undefined;
}

/** A run with subscribers in this process. */
class RunStream {
  readonly subs = new Set<Subscription>();
  /**
   * The live feed's position: every event with seq <= fetched has been read and written to the
   * run room. Undefined until initialised.
   */
  fetched: number | undefined;
  /** Highest seq announced by NOTIFY. */
  notified = 0;
  /** Notices may have been lost (listener reconnect): ask the table for its last seq. */
  rescan = false;
  reading = false;
  live = 0;
  ready: Promise<void> = Promise.resolve();

  constructor(readonly runId: string) {}
}

export interface StreamStats {
  streams: number;
  subscriptions: number;
  /** Events written to sockets from history (join, reconnect, catch-up of a slow socket). */
  historyEvents: number;
  /** Events written through the live feed (counted once per run room, whatever its size). */
  liveEvents: number;
  /** Live subscriptions moved to catch-up because their socket's write buffer was full. */
  demotions: number;
  /** Live batches fanned out from the NOTIFY payload itself, and those read back from the table. */
  noticeBatches: number;
  readBatches: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/**
 * Exact per-socket run streams over the `run_events` table (docs/adr/003-live-run-stream.md).
 *
 * Each subscription has a cursor. Joining writes the history after it, read from the database in
 * chunks; then the subscription joins the run room, whose sockets are exactly those whose cursor
 * equals the live feed's position. The live feed of a run is one reader per process: woken by the
 * run_events NOTIFY, it reads the new rows after its position and broadcasts them to the room, so
 * each frame is encoded once however many sockets watch. A socket whose write buffer is full leaves
 * the room and catches up from the database at its own pace: nothing in the shared path waits for
 * one socket, and no socket buffers more than a bounded number of frames.
 */
@Injectable()
export class RunStreams implements BeforeApplicationShutdown {
  private readonly logger = new Logger('RunStreams');
  private server: AppServer | undefined;
  private readonly streams = new Map<string, RunStream>();
  private readonly bySocket = new Map<string, Map<string, Subscription>>();
  private readonly historyReaders = new Limiter(HISTORY_READERS);
  private closed = false;
  private readonly counters = {
    historyEvents: 0,
    liveEvents: 0,
    demotions: 0,
    noticeBatches: 0,
    readBatches: 0,
  };

  constructor(private readonly reader: RunEventReader) {}

  attach(server: AppServer): void {
    this.server = server;
  }

  stats(): StreamStats {
    let subscriptions = 0;
    for (const s of this.streams.values()) subscriptions += s.subs.size;
    return { streams: this.streams.size, subscriptions, ...this.counters };
  }

  subscriptionsOf(socket: AppSocket): number {
    return this.bySocket.get(socket.id)?.size ?? 0;
  }

  /**
   * Streams the run's events after `afterSeq` to the socket (a repeated subscribe restarts from
   * its `afterSeq`). Resolves with the seq the history reached once it is written, or undefined
   * when the subscription ended first.
   */
  subscribe(socket: AppSocket, runId: string, afterSeq: number): Promise<number | undefined> {
    this.unsubscribe(socket, runId);
    const stream = this.streamOf(runId);
    const sub: Subscription = {
      socket,
      runId,
      cursor: afterSeq,
      state: 'syncing',
      generation: 0,
      settle: undefined,
    };
    const settled = new Promise<number | undefined>((resolve) => (sub.settle = resolve));
    stream.subs.add(sub);
    let mine = this.bySocket.get(socket.id);
    if (!mine) this.bySocket.set(socket.id, (mine = new Map()));
    mine.set(runId, sub);
    void socket.join(subscribersRoom(runId));
    this.startSync(sub, stream);
    return settled;
  }

  unsubscribe(socket: AppSocket, runId: string): boolean {
    const sub = this.bySocket.get(socket.id)?.get(runId);
    if (!sub) return false;
    this.end(sub);
    void socket.leave(Rooms.run(runId));
    void socket.leave(subscribersRoom(runId));
    return true;
  }

  /** The socket is gone (Socket.IO already took it out of its rooms). */
  dropSocket(socket: AppSocket): void {
    for (const sub of this.bySocket.get(socket.id)?.values() ?? []) this.end(sub);
    this.bySocket.delete(socket.id);
  }

  /**
   * A statement inserted the events `from`..`to` of a run (the run_events NOTIFY), maybe with
   * the events themselves: when they directly follow the live feed's position and nothing is
   * being read, they are fanned out as they are; otherwise the feed reads them back.
   */
  onNotice(notice: RunNotice): void {
    const stream = this.streams.get(notice.runId);
    if (!stream) return;
    const { fetched } = stream;
    if (
      notice.events &&
      fetched !== undefined &&
      !stream.reading &&
      !stream.rescan &&
      stream.notified <= fetched &&
      notice.from === fetched + 1
    ) {
      stream.notified = notice.to;
      this.counters.noticeBatches += 1;
      this.fanOut(stream, notice.events, notice.to);
      return;
    }
    stream.notified = Math.max(stream.notified, notice.to);
    this.pump(stream);
  }

  /** Notices may have been lost (the LISTEN connection was re-established): re-read every stream. */
  rescanAll(): void {
    for (const stream of this.streams.values()) {
      stream.rescan = true;
      this.pump(stream);
    }
  }

  beforeApplicationShutdown(): void {
    this.closed = true;
    for (const sub of [...this.bySocket.values()].flatMap((m) => [...m.values()])) this.end(sub);
    this.bySocket.clear();
  }

  private streamOf(runId: string): RunStream {
    let stream = this.streams.get(runId);
    if (!stream) {
      stream = new RunStream(runId);
      this.streams.set(runId, stream);
      stream.ready = this.initialise(stream);
    }
    return stream;
  }

  /**
   * The live feed starts at the run's last stored seq, read after the stream was registered for
   * notices: a row it does not see was committed later, so its NOTIFY is still to come.
   */
  private async initialise(stream: RunStream): Promise<void> {
    while (this.isCurrent(stream)) {
      try {
        const seq = await this.reader.lastSeq(stream.runId);
        stream.fetched = seq;
        this.pump(stream);
        return;
      } catch (e) {
        if (!this.isCurrent(stream)) return;
        this.logger.warn(`reading run ${stream.runId} failed (${(e as Error).message}); retrying`);
        await sleep(RETRY_MS);
      }
    }
  }

  private isCurrent(stream: RunStream): boolean {
    return !this.closed && this.streams.get(stream.runId) === stream;
  }

  private end(sub: Subscription): void {
    if (sub.state === 'closed') return;
    const stream = this.streams.get(sub.runId);
    if (sub.state === 'live' && stream) stream.live -= 1;
    sub.state = 'closed';
    sub.generation += 1;
    this.settle(sub, undefined);
    const mine = this.bySocket.get(sub.socket.id);
    if (mine?.get(sub.runId) === sub) mine.delete(sub.runId);
    if (stream) {
      stream.subs.delete(sub);
      if (stream.subs.size === 0) this.streams.delete(sub.runId);
    }
  }

  private settle(sub: Subscription, seq: number | undefined): void {
    const settle = sub.settle;
    sub.settle = undefined;
    settle?.(seq);
  }

  /**
   * Catch-up of one subscription from the database: a chunk at a time, each once the socket has
   * handed the previous one to its transport, up to the live feed's position; then into the run
   * room. A cursor past the live feed (a client claiming more than is stored) waits for it in
   * `waiting`, and fanOut() hands over.
   */
  private async sync(sub: Subscription, stream: RunStream): Promise<void> {
    const generation = sub.generation;
    const current = () => sub.generation === generation && !this.closed && sub.socket.connected;
    await stream.ready;
    while (current()) {
      const fetched = stream.fetched;
      if (fetched === undefined) return; // the stream was dropped before it started
      if (sub.cursor === fetched) {
        this.goLive(sub, stream);
        this.settle(sub, sub.cursor);
        return;
      }
      if (sub.cursor > fetched) {
        sub.state = 'waiting';
        this.settle(sub, sub.cursor);
        return;
      }
      await drained(sub.socket);
      if (!current()) return;
      // Everything up to the live feed's position is committed: read it in a window of seqs.
      const upTo = Math.min(sub.cursor + READ_CHUNK, stream.fetched ?? fetched);
      let events: RunEvent[];
      try {
        events = await this.historyReaders.run(() =>
          current() ? this.reader.events(sub.runId, sub.cursor, upTo) : Promise.resolve([]),
        );
      } catch (e) {
        if (!current()) return;
        this.logger.warn(`reading history of run ${sub.runId} failed (${(e as Error).message}); retrying`);
        await sleep(RETRY_MS);
        continue;
      }
      if (!current()) return;
      if (events.length > 0) {
        this.write(sub.socket, sub.runId, events);
        this.counters.historyEvents += events.length;
      }
      sub.cursor = upTo;
    }
  }

  private goLive(sub: Subscription, stream: RunStream): void {
    sub.state = 'live';
    stream.live += 1;
    void sub.socket.join(Rooms.run(sub.runId));
  }

  /** Leaves the live feed and catches up from the database once the socket has drained. */
  private demote(sub: Subscription, stream: RunStream): void {
    stream.live -= 1;
    sub.state = 'syncing';
    sub.generation += 1;
    void sub.socket.leave(Rooms.run(sub.runId));
    this.counters.demotions += 1;
    this.startSync(sub, stream);
  }

  private pump(stream: RunStream): void {
    if (stream.reading || stream.fetched === undefined || !this.isCurrent(stream)) return;
    if (!stream.rescan && stream.notified <= stream.fetched) return;
    stream.reading = true;
    void this.feed(stream)
      .catch((e: unknown) => this.logger.error(`live feed of run ${stream.runId} failed: ${String(e)}`))
      .finally(() => {
        stream.reading = false;
        this.pump(stream);
      });
  }

  private startSync(sub: Subscription, stream: RunStream): void {
    void this.sync(sub, stream).catch((e: unknown) => {
      // Cannot happen short of a bug; the client's reconnect resubscribes from what it has.
      this.logger.error(`catch-up of run ${sub.runId} failed: ${String(e)}; closing the connection`);
      this.end(sub);
      sub.socket.conn.close();
    });
  }

  /** The live feed of one run: reads what the notices announced, a window at a time, and fans it out. */
  private async feed(stream: RunStream): Promise<void> {
    while (this.isCurrent(stream) && stream.fetched !== undefined) {
      let events: RunEvent[];
      let upTo: number;
      try {
        if (stream.rescan) {
          stream.rescan = false;
          stream.notified = Math.max(stream.notified, await this.reader.lastSeq(stream.runId));
        }
        if (stream.notified <= stream.fetched) return;
        upTo = Math.min(stream.fetched + READ_CHUNK, stream.notified);
        events = await this.reader.events(stream.runId, stream.fetched, upTo);
      } catch (e) {
        if (!this.isCurrent(stream)) return;
        this.logger.warn(`reading run ${stream.runId} failed (${(e as Error).message}); retrying`);
        stream.rescan = true;
        await sleep(RETRY_MS);
        continue;
      }
      if (!this.isCurrent(stream)) return;
      // Every seq of the window was committed before its notice: a missing one does not exist.
      this.counters.readBatches += 1;
      this.fanOut(stream, events, upTo);
    }
  }

  /** Writes the events of the window (fetched, upTo] to the run room and moves the feed there. */
  private fanOut(stream: RunStream, events: RunEvent[], upTo: number): void {
    const previous = stream.fetched;
    const last = upTo;
    const frames = toFrames(stream.runId, events, FRAME_MAX_LINES);
    for (const sub of stream.subs) {
      if (sub.state !== 'live') continue;
      // A socket still holding more than its cap of unsent frames reads this batch (and what
      // follows) from the database later instead of buffering without bound; others go on.
      if (sub.cursor !== previous || backlog(sub.socket) > MAX_BACKLOG_FRAMES) {
        this.demote(sub, stream);
      }
    }
    if (stream.live > 0 && this.server && frames.length > 0) {
      const room = this.server.to(Rooms.run(stream.runId));
      for (const frame of frames) send(room, frame);
      this.counters.liveEvents += events.length;
    }
    stream.fetched = last;
    for (const sub of stream.subs) {
      if (sub.state === 'live') {
        sub.cursor = last;
      } else if (sub.state === 'waiting' && sub.cursor <= last) {
        // A cursor past the feed's previous position: the rest of this window, then live.
        this.write(
          sub.socket,
          stream.runId,
          events.filter((e) => e.seq > sub.cursor),
        );
        sub.cursor = last;
        this.goLive(sub, stream);
      }
    }
  }

  private write(socket: AppSocket, runId: string, events: readonly RunEvent[]): void {
    for (const frame of toFrames(runId, events, FRAME_MAX_LINES)) send(socket, frame);
  }
}
