import { Module } from '@nestjs/common';
import { CatalogueFeed } from './catalogue-feed.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RunEventReader } from './run-event-reader.js';
import { RunStreams } from './run-streams.js';
import { SocketAuthenticator } from './socket-authenticator.js';

/** Live events over Socket.IO for processes with the `api` role (docs/adr/003-live-run-stream.md). */
@Module({
  providers: [RealtimeGateway, RunStreams, CatalogueFeed, RunEventReader, SocketAuthenticator],
  exports: [RunStreams, SocketAuthenticator],
})
export class RealtimeModule {}
