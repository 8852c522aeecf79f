// The LDAP side of the step: connect, bind, paged search — every wait abortable. On abort the sockets
// are destroyed at once (and an unbind is attempted), so a silent or slow server cannot hold the step.
import net from 'node:net';
import tls from 'node:tls';
import { StepFailedError, ValidationError } from '@nomaflow/contracts';
import { abortError } from '@nomaflow/kernel';
import { Client, FilterParser, ResultCodeError } from 'ldapts';
import type { LdapEntry } from './entries.js';

export interface DirectoryOptions {
  server: string;
  bindDn: string;
  bindPassword: string;
  tlsRejectUnauthorized: boolean;
  connectTimeoutMs: number;
  signal: AbortSignal;
}

export interface SearchSpec {
  base: string;
  filter: string;
  scope: 'sub' | 'one' | 'base';
  attributes: string[];
  explicitBuffers: string[];
  pageSize: number;
}

export interface Page {
  entries: LdapEntry[];
  /** Continuation references (referrals) the server returned instead of entries; not followed. */
  references: number;
}

/** Refuses a filter that is not RFC 4515 before any connection is made. */
export function checkFilter(filter: string): void {
  try {
    FilterParser.parseString(filter);
  } catch (e) {
    throw new ValidationError(
      [{ path: '/search_filter', message: `invalid search_filter ${filter}: ${(e as Error).message}` }],
      { cause: e },
    );
  }
}

export class Directory {
  readonly #client: Client;
  readonly #sockets = new Set<net.Socket>();
  readonly #options: DirectoryOptions;
  readonly #onAbort: () => void;
  #closed = false;

  private constructor(options: DirectoryOptions) {
    this.#options = options;
    const track = <S extends net.Socket>(socket: S): S => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
      return socket;
    };
    this.#client = new Client({
      url: options.server,
      connectTimeout: options.connectTimeoutMs,
      // ldapts turns TLS on whenever tlsOptions are given: only for ldaps://.
      ...(/^ldaps:/i.test(options.server)
        ? { tlsOptions: { rejectUnauthorized: options.tlsRejectUnauthorized } }
        : {}),
      // Our own factories, so that abort can destroy a socket still connecting.
      createConnection: ((port: number, host: string) =>
        track(net.connect(port, host))) as typeof net.connect,
      createSecureConnection: ((port: number, host: string, opts: tls.ConnectionOptions) =>
        track(tls.connect(port, host, opts))) as typeof tls.connect,
    });
    this.#onAbort = () => this.destroy();
    options.signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Connects and binds; a refused bind fails with `LDAP bind failed for <bind_dn>: <reason>` (never the password). */
  static async open(options: DirectoryOptions): Promise<Directory> {
    if (options.signal.aborted) throw abortError(options.signal);
    const directory = new Directory(options);
    try {
      await directory.#abortable(directory.#client.bind(options.bindDn, options.bindPassword));
      return directory;
    } catch (e) {
      directory.destroy();
      if (options.signal.aborted) throw abortError(options.signal);
      throw bindFailure(options, e);
    }
  }

  /** The entries of a paged search (RFC 2696), one page at a time, the next page requested ahead. */
  async *pages(spec: SearchSpec): AsyncGenerator<Page> {
    const iterator = this.#client.searchPaginated(spec.base, {
      scope: spec.scope,
      filter: spec.filter,
      attributes: spec.attributes,
      explicitBufferAttributes: spec.explicitBuffers,
      paged: { pageSize: spec.pageSize },
    });
    let fetched = 0;
    let pending = iterator.next();
    try {
      for (;;) {
        let result: IteratorResult<{ searchEntries: LdapEntry[]; searchReferences: string[] }>;
        try {
          result = await this.#abortable(pending);
        } catch (e) {
          if (this.#options.signal.aborted) throw abortError(this.#options.signal);
          throw searchFailure(this.#options, spec, fetched, e);
        }
        if (result.done) return;
        // Ask for the next page now: the server works on it while this one is written.
        pending = iterator.next();
        fetched += result.value.searchEntries.length;
        yield { entries: result.value.searchEntries, references: result.value.searchReferences.length };
      }
    } finally {
      pending.catch(() => undefined);
    }
  }

  /** Unbinds politely; destroys the connection if the server does not take it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.signal.removeEventListener('abort', this.#onAbort);
    const unbind = this.#client.unbind().catch(() => undefined);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 1000).unref());
    await Promise.race([unbind, timeout]);
    this.#destroySockets();
  }

  /** Drops the connection at once (abort, failure). */
  destroy(): void {
    this.#closed = true;
    this.#options.signal.removeEventListener('abort', this.#onAbort);
    this.#client.unbind().catch(() => undefined);
    this.#destroySockets();
  }

  #destroySockets(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  /** Settles with `promise`, or rejects with the typed abort error as soon as the signal aborts. */
  #abortable<T>(promise: Promise<T>): Promise<T> {
    const signal = this.#options.signal;
    if (signal.aborted) {
      promise.catch(() => undefined);
      return Promise.reject(abortError(signal));
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        promise.catch(() => undefined);
        reject(abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }
}

/** `InvalidCredentialsError` → `invalid credentials (LDAP result 49)`, plus the server's own words. */
export function describeLdapError(e: unknown): string {
  if (e instanceof ResultCodeError) {
    const words = e.name
      .replace(/Error$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .toLowerCase();
    const said = e.message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
    return `${words} (LDAP result ${e.code})${said ? `: ${said}` : ''}`;
  }
  // Duck-typed: errors from node's net/tls may come from another realm (a vm context, a test runner).
  if (typeof e === 'object' && e !== null && typeof (e as Error).message === 'string') {
    return (e as Error).message || (e as Error).name;
  }
  return String(e);
}

function isConnectionProblem(e: unknown): boolean {
  return !(e instanceof ResultCodeError);
}

function bindFailure(options: DirectoryOptions, e: unknown): StepFailedError {
  if (isConnectionProblem(e)) {
    const message = describeLdapError(e);
    const certificate = /certificate|self.signed|unable to verify|altnames/i.test(message);
    const hint = certificate
      ? ' (a certificate the client does not trust: add its CA to the system store, or set tls_reject_unauthorized: false for a test server)'
      : '';
    return new StepFailedError(`cannot connect to LDAP server ${options.server}: ${message}${hint}`, {
      retryable: !certificate,
      cause: e,
    });
  }
  const code = (e as ResultCodeError).code;
  const reason = code === 49 ? 'invalid credentials' : describeLdapError(e);
  // 49 wrong password, 32/34 unknown or malformed DN, 48/50/53 refused: retrying will not help.
  return new StepFailedError(`LDAP bind failed for ${options.bindDn}: ${reason}`, {
    retryable: ![49, 32, 34, 48, 50, 53].includes(code),
    cause: e,
  });
}

function searchFailure(
  options: DirectoryOptions,
  spec: SearchSpec,
  fetched: number,
  e: unknown,
): StepFailedError {
  if (isConnectionProblem(e)) {
    return new StepFailedError(
      `LDAP search of ${spec.base} on ${options.server} failed after ${fetched} entries: ${describeLdapError(e)}`,
      { cause: e },
    );
  }
  const code = (e as ResultCodeError).code;
  if (code === 32) {
    return new StepFailedError(`LDAP search base ${spec.base} does not exist (LDAP result 32)`, {
      retryable: false,
      cause: e,
    });
  }
  if (code === 4 || code === 11) {
    return new StepFailedError(
      `LDAP search of ${spec.base} stopped at the server's limit after ${fetched} entries (${describeLdapError(e)}): ` +
        `the server limits paged searches for ${options.bindDn} too — lower page_size to at most its size limit, ` +
        'or raise the limit for this account (OpenLDAP: limits … size.prtotal=unlimited; Active Directory: MaxPageSize)',
      { retryable: false, cause: e },
    );
  }
  return new StepFailedError(`LDAP search of ${spec.base} failed: ${describeLdapError(e)}`, {
    retryable: ![34, 50, 87].includes(code),
    cause: e,
  });
}
