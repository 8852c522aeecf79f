import { Inject, Injectable } from '@nestjs/common';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import type { Handshake } from './socket-types.js';

/** Who a socket acts as, with the permissions of SPEC §6 (`superuser`, `job:*`, `job:<id>`, …). */
export interface SocketPrincipal {
  name: string;
  permissions: readonly string[];
}

/** Thrown by `authenticate`: the client gets `connect_error` with this message and no socket. */
export class SocketAuthError extends Error {
  constructor(message = 'unauthorized') {
    super(message);
    this.name = 'SocketAuthError';
  }
}

/**
 * Authenticates Socket.IO connections the way the HTTP API authenticates requests. It runs in the
 * connection middleware, before the `connection` event: a socket that fails it never exists, so
 * no handler and no room can be reached without it. The credential is `handshake.auth.token`
 * (`io(url, { auth: { token } })`, the API's bearer token); the `Authorization` header and the
 * session cookie of the handshake request are available for browsers.
 *
 * Today no users exist and the HTTP API acts as the configured default actor for everyone, so
 * every connection is accepted as that actor with every permission. The auth issue replaces
 * `authenticate` (verify the token or session as the HTTP guard does, else throw SocketAuthError)
 * and the permission checks stay as they are.
 */
@Injectable()
export class SocketAuthenticator {
  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  /** A promise: the real check reads tokens and sessions from the database. */
  authenticate(_handshake: Handshake): Promise<SocketPrincipal> {
    return Promise.resolve({ name: this.config.defaultActor, permissions: ['superuser'] });
  }

  /** See, and so follow, the runs of a job: `superuser`, `job:*` or `job:<id>`. */
  canReadJob(principal: SocketPrincipal, jobId: string): boolean {
    const p = principal.permissions;
    return p.includes('superuser') || p.includes('job:*') || p.includes(`job:${jobId}`);
  }

  /**
   * The catalogue room carries every job and every run: only for who may see them all. (A user
   * with a few `job:<id>` permissions will get per-job rooms when users exist.)
   */
  canReadCatalogue(principal: SocketPrincipal): boolean {
    const p = principal.permissions;
    return p.includes('superuser') || p.includes('job:*');
  }
}
