import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import type { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit } from '@nestjs/websockets';
import { Rooms } from '@nomaflow/contracts';
import type { RunSubscribeAck, SubscribeAck } from '@nomaflow/contracts';
import { Channels, PgListener } from '../database/pg-listener.js';
import { CatalogueFeed } from './catalogue-feed.js';
import { RunEventReader } from './run-event-reader.js';
import { parseRunNotices, RUN_EVENTS_CHANNEL } from './run-notices.js';
import { RunStreams } from './run-streams.js';
import { SocketAuthenticator, SocketAuthError } from './socket-authenticator.js';
import type { AppServer, AppSocket } from './socket-types.js';
import { ackOf, parseRunSubscribe, parseRunUnsubscribe } from './subscribe-request.js';

/** Runs one socket may follow at once. */
const MAX_RUNS_PER_SOCKET = 100;
/**
 * At shutdown, how long connections get to close cleanly: a client that stopped reading would
 * otherwise hold the HTTP server open for the WebSocket close handshake's 30 s.
 */
const CLOSE_GRACE_MS = 1_000;

/**
 * Socket.IO on the API's port (path `/socket.io`), with the typed event map of
 * `@nomaflow/contracts`: `run:subscribe` / `run:unsubscribe` for a run's exact event stream,
 * `catalogue:subscribe` / `catalogue:unsubscribe` for job-level changes. Every connection passes
 * SocketAuthenticator in the connection middleware before it exists for any handler or room.
 * Live events come from PostgreSQL (the run_events trigger's NOTIFY, which carries small batches;
 * bulk ones are read back), so any number of API processes serve them, whichever process wrote
 * the events.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false, maxHttpBufferSize: 64 * 1024 })
export class RealtimeGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, BeforeApplicationShutdown
{
  private readonly logger = new Logger('Realtime');
  private readonly unlisten: (() => void)[] = [];
  /** TCP connections upgraded to WebSocket, until they close. */
  private readonly upgraded = new Set<Duplex>();

  constructor(
    private readonly auth: SocketAuthenticator,
    private readonly streams: RunStreams,
    private readonly catalogue: CatalogueFeed,
    private readonly reader: RunEventReader,
    private readonly listener: PgListener,
  ) {}

  onModuleInit(): void {
    this.unlisten.push(
      this.listener.on(RUN_EVENTS_CHANNEL, (payload) => {
        const notices = parseRunNotices(payload);
        for (const n of notices) this.streams.onNotice(n);
        this.catalogue.onStateNotices(notices.filter((n) => n.state));
      }),
      this.listener.on(Channels.jobsChanged, (payload) => this.catalogue.onJobsChanged(payload)),
      this.listener.onReconnect(() => {
        this.streams.rescanAll();
        this.catalogue.onNoticesLost();
      }),
    );
  }

  beforeApplicationShutdown(): void {
    for (const off of this.unlisten.splice(0)) off();
    // Nest closes Socket.IO next (clients see a transport close and reconnect elsewhere); what
    // is still open after the grace is cut, so a stuck client cannot hold the process.
    setTimeout(() => {
      for (const socket of this.upgraded) socket.destroy();
    }, CLOSE_GRACE_MS).unref();
  }

  afterInit(server: AppServer): void {
    server.use((socket, next) => {
      this.auth.authenticate(socket.handshake).then(
        (principal) => {
          socket.data.principal = principal;
          next();
        },
        (e: unknown) => {
          if (!(e instanceof SocketAuthError)) {
            this.logger.error(`authenticating a socket failed: ${(e as Error).message}`);
          }
          next(e instanceof SocketAuthError ? e : new SocketAuthError());
        },
      );
    });
    server.httpServer.on('upgrade', (_req: unknown, socket: Duplex) => {
      this.upgraded.add(socket);
      socket.once('close', () => this.upgraded.delete(socket));
    });
    this.streams.attach(server);
    this.catalogue.attach(server);
  }

  handleConnection(socket: AppSocket): void {
    if (!socket.data.principal) {
      socket.disconnect(true); // unreachable past the middleware; never serve an anonymous socket
      return;
    }
    // Requests per run in arrival order: an unsubscribe overtakes a subscribe still looking up its run.
    const latest = new Map<string, number>();
    let requests = 0;
    const stamp = (runId: string) => {
      requests += 1;
      latest.set(runId, requests);
      return requests;
    };

    socket.on('run:subscribe', (...args: unknown[]) => {
      const ack = ackOf<RunSubscribeAck>(args);
      const req = parseRunSubscribe(args[0]);
      if (typeof req === 'string') return ack({ ok: false, error: req });
      const ticket = stamp(req.runId);
      void this.subscribe(socket, req.runId, req.afterSeq, () => latest.get(req.runId) === ticket).then(
        ack,
        (e: unknown) => {
          this.logger.warn(`run:subscribe failed: ${(e as Error).message}`);
          ack({ ok: false, error: 'the run stream is unavailable; retry' });
        },
      );
    });
    socket.on('run:unsubscribe', (...args: unknown[]) => {
      const ack = ackOf<SubscribeAck>(args);
      const runId = parseRunUnsubscribe(args[0]);
      if (!runId) return ack({ ok: false, error: 'run:unsubscribe takes {run_id}' });
      stamp(runId);
      this.streams.unsubscribe(socket, runId);
      ack({ ok: true });
    });
    socket.on('catalogue:subscribe', (...args: unknown[]) => {
      const ack = ackOf<SubscribeAck>(args);
      if (!this.auth.canReadCatalogue(socket.data.principal)) return ack({ ok: false, error: 'forbidden' });
      void socket.join(Rooms.catalogue);
      ack({ ok: true });
    });
    socket.on('catalogue:unsubscribe', (...args: unknown[]) => {
      void socket.leave(Rooms.catalogue);
      ackOf<SubscribeAck>(args)({ ok: true });
    });
  }

  handleDisconnect(socket: AppSocket): void {
    this.streams.dropSocket(socket);
  }

  private async subscribe(
    socket: AppSocket,
    runId: string,
    afterSeq: number,
    stillWanted: () => boolean,
  ): Promise<RunSubscribeAck> {
    const run = await this.reader.run(runId);
    if (!run) return { ok: false, error: `run not found: ${runId}` };
    if (!this.auth.canReadJob(socket.data.principal, run.job_id)) return { ok: false, error: 'forbidden' };
    if (!stillWanted() || socket.disconnected) return { ok: false, error: 'superseded' };
    if (this.streams.subscriptionsOf(socket) >= MAX_RUNS_PER_SOCKET) {
      return { ok: false, error: `a socket follows at most ${MAX_RUNS_PER_SOCKET} runs` };
    }
    const seq = await this.streams.subscribe(socket, runId, afterSeq);
    return seq === undefined ? { ok: false, error: 'superseded' } : { ok: true, run_id: runId, seq };
  }
}
