import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ConfigReloadedEvent,
  JobChangedEvent,
  LogLineEvent,
  RunEvent,
  RunSubscribeAck,
  ServerToClientEvents,
  SocketHandshakeAuth,
  SubscribeAck,
} from '@nomaflow/contracts';
import { RUN_EVENT_TYPES } from '@nomaflow/contracts';
import { waitFor } from './wait.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A received event and when it arrived (Date.now()), for latency figures. */
export interface Received<E> {
  event: E;
  at: number;
}

/**
 * One followed run as a console or the CLI would follow it: every event received, in arrival
 * order (duplicates kept, so a test can see them); after a reconnect it subscribes again after
 * the last seq it saw.
 */
export class FollowedRun {
  readonly received: Received<RunEvent>[] = [];
  readonly acks: RunSubscribeAck[] = [];
  lastSeq: number;

  constructor(
    readonly runId: string,
    afterSeq: number,
  ) {
    this.lastSeq = afterSeq;
  }

  get events(): RunEvent[] {
    return this.received.map((r) => r.event);
  }

  get lines(): LogLineEvent[] {
    return this.events.filter((e): e is LogLineEvent => e.type === 'log:line');
  }

  get finished(): boolean {
    return this.events.some((e) => e.type === 'run:finished');
  }

  push(event: RunEvent): void {
    this.received.push({ event, at: Date.now() });
    this.lastSeq = Math.max(this.lastSeq, event.seq);
  }
}

export interface CatalogueFrame {
  name: string;
  event: RunEvent | JobChangedEvent | ConfigReloadedEvent;
}

export interface SocketClientOptions {
  auth?: SocketHandshakeAuth;
  /** Only the WebSocket transport (default) or long-polling first as browsers do. */
  transports?: ('websocket' | 'polling')[];
}

/** A Socket.IO client of the contracts' event map that follows runs exactly (see FollowedRun). */
export class TestSocketClient {
  readonly socket: ClientSocket;
  readonly follows = new Map<string, FollowedRun>();
  readonly catalogue: CatalogueFrame[] = [];
  connects = 0;
  private catalogueWanted = false;
  private paused = false;

  constructor(url: string, options: SocketClientOptions = {}) {
    this.socket = io(url, {
      path: '/socket.io',
      transports: options.transports ?? ['websocket'],
      auth: options.auth ?? {},
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      forceNew: true,
      autoConnect: false,
    });
    const route = (name: string, event: RunEvent) => {
      const follow = this.follows.get(event.run_id);
      if (follow) follow.push(event);
      else this.catalogue.push({ name, event });
    };
    for (const type of RUN_EVENT_TYPES) {
      if (type === 'log:line') continue;
      this.socket.on(type, (e: RunEvent) => route(type, e));
    }
    this.socket.on('log:line', (frame) => {
      for (const line of frame.lines) route('log:line', line);
    });
    this.socket.on('job:changed', (e) => this.catalogue.push({ name: 'job:changed', event: e }));
    this.socket.on('config:reloaded', (e) => this.catalogue.push({ name: 'config:reloaded', event: e }));
    this.socket.on('connect', () => {
      this.connects += 1;
      if (this.connects === 1) return;
      // A new connection: subscribe again after what was seen, as a console does.
      for (const f of this.follows.values()) void this.subscribe(f);
      if (this.catalogueWanted) this.socket.emit('catalogue:subscribe');
    });
  }

  /** Connects; rejects with the server's reason (`unauthorized`) when refused. */
  static async connect(url: string, options: SocketClientOptions = {}): Promise<TestSocketClient> {
    const client = new TestSocketClient(url, options);
    await new Promise<void>((resolve, reject) => {
      client.socket.once('connect', () => resolve());
      client.socket.once('connect_error', (e) => {
        client.socket.close();
        reject(e);
      });
      client.socket.connect();
    });
    return client;
  }

  /** Follows a run from `afterSeq`; resolves with the subscribe acknowledgement. */
  async follow(runId: string, afterSeq = 0): Promise<FollowedRun> {
    const f = new FollowedRun(runId, afterSeq);
    this.follows.set(runId, f);
    const ack = await this.subscribe(f);
    if (!ack.ok) throw new Error(`run:subscribe refused: ${ack.error}`);
    return f;
  }

  subscribe(f: FollowedRun): Promise<RunSubscribeAck> {
    return new Promise((resolve) => {
      this.socket.emit('run:subscribe', { run_id: f.runId, after_seq: f.lastSeq }, (ack) => {
        f.acks.push(ack);
        resolve(ack);
      });
    });
  }

  /** Sends a raw run:subscribe (for refusals). */
  rawSubscribe(req: unknown): Promise<RunSubscribeAck> {
    return new Promise((resolve) => {
      (this.socket.emit as (ev: string, ...args: unknown[]) => void)('run:subscribe', req, resolve);
    });
  }

  unfollow(runId: string): Promise<SubscribeAck> {
    this.follows.delete(runId);
    return new Promise((resolve) => this.socket.emit('run:unsubscribe', { run_id: runId }, resolve));
  }

  watchCatalogue(): Promise<SubscribeAck> {
    this.catalogueWanted = true;
    return new Promise((resolve) => this.socket.emit('catalogue:subscribe', resolve));
  }

  /** Cuts the connection as a network failure would: the client reconnects by itself. */
  dropConnection(): void {
    this.socket.io.engine.close();
  }

  /** Stops (or resumes) reading from the TCP socket: a client on a congested link. */
  setReading(reading: boolean): void {
    this.paused = !reading;
    const transport = this.socket.io.engine.transport as unknown as {
      ws?: { _socket?: { pause(): void; resume(): void } };
    };
    const tcp = transport.ws?._socket;
    if (!tcp) throw new Error('no WebSocket transport to pause');
    if (reading) tcp.resume();
    else tcp.pause();
  }

  waitUntil(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<true> {
    return waitFor(what, () => Promise.resolve(probe() || undefined), timeoutMs, 10);
  }

  close(): void {
    if (this.paused) this.setReading(true); // else the WebSocket closing handshake waits 30 s
    this.socket.close();
  }
}

/** The problems of a received sequence against the expected one: gaps, duplicates, disorder. */
export function sequenceProblems(received: readonly RunEvent[], expected: readonly RunEvent[]): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  let previous = -Infinity;
  for (const e of received) {
    if (seen.has(e.seq)) problems.push(`duplicate seq ${e.seq}`);
    else if (e.seq <= previous) problems.push(`seq ${e.seq} after ${previous}`);
    seen.add(e.seq);
    previous = Math.max(previous, e.seq);
  }
  const want = new Set(expected.map((e) => e.seq));
  const missing = [...want].filter((s) => !seen.has(s));
  if (missing.length)
    problems.push(`missing ${missing.length} seq(s), first ${missing.slice(0, 5).join(', ')}`);
  const extra = [...seen].filter((s) => !want.has(s));
  if (extra.length) problems.push(`unexpected ${extra.length} seq(s), first ${extra.slice(0, 5).join(', ')}`);
  return problems.slice(0, 20);
}
