import type { ClientToServerEvents, ServerToClientEvents } from '@nomaflow/contracts';
import type { Server, Socket } from 'socket.io';
import type { SocketPrincipal } from './socket-authenticator.js';

/** What the server keeps on each socket: who it is, set by the connection middleware. */
export interface SocketData {
  principal: SocketPrincipal;
}

/** No server-to-server events: processes share PostgreSQL, not a Socket.IO adapter. */
type InterServerEvents = Record<string, never>;

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type Handshake = AppSocket['handshake'];

/**
 * Frames waiting in engine.io's write buffer of a socket: they pile up when the client (or its
 * network) reads slower than the server writes. engine.io keeps the buffer private in its typings
 * but it has been a plain array through v6; a missing one reads as empty.
 */
export function backlog(socket: AppSocket): number {
  const buffer = (socket.conn as unknown as { writeBuffer?: unknown }).writeBuffer;
  return Array.isArray(buffer) ? buffer.length : 0;
}

/** Resolves once the socket's write buffer has been handed to its transport, or it closed. */
export function drained(socket: AppSocket): Promise<void> {
  if (backlog(socket) === 0 || socket.disconnected) return Promise.resolve();
  return new Promise((resolve) => {
    const conn = socket.conn;
    const check = () => {
      if (backlog(socket) > 0 && !socket.disconnected) return;
      conn.off('drain', check);
      conn.off('close', check);
      resolve();
    };
    conn.on('drain', check);
    conn.on('close', check);
  });
}
