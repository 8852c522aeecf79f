import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';

type Handler = (payload: string) => void;

/** Channels the processes of one Nomaflow installation talk on. */
export const Channels = {
  /** A run was queued: workers wake up and claim. */
  runQueued: 'nomaflow_run_queued',
  /** Cancel requested for a run (payload: run id); its owner aborts it. */
  runCancel: 'nomaflow_run_cancel',
  /** A job was saved or deleted, or a reload was asked for: schedulers re-arm. */
  jobsChanged: 'nomaflow_jobs_changed',
  /** A connector was saved or deleted (payload: its name): open pools are replaced. */
  connectorsChanged: 'nomaflow_connectors_changed',
} as const;

/**
 * One dedicated connection LISTENing for NOTIFY (a pooled connection would lose its LISTENs). It
 * reconnects by itself after a database outage and then calls the `onReconnect` hooks, since
 * notifications sent while it was away are lost and consumers must re-scan.
 */
@Injectable()
export class PgListener implements OnApplicationShutdown {
  private readonly logger = new Logger('PgListener');
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly reconnectHooks = new Set<() => void>();
  private client: pg.Client | undefined;
  private url: string | undefined;
  private closed = false;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  async start(url: string): Promise<void> {
    this.url = url;
    await this.connect();
  }

  on(channel: string, handler: Handler): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      void this.client?.query(`LISTEN ${channel}`).catch(() => undefined);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  onReconnect(hook: () => void): () => void {
    this.reconnectHooks.add(hook);
    return () => this.reconnectHooks.delete(hook);
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  private connect(): Promise<void> {
    this.connecting ??= this.doConnect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    if (this.closed || !this.url) return;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: 'nomaflow-listener',
      keepAlive: true,
    });
    client.on('notification', (msg) => {
      for (const handler of this.handlers.get(msg.channel) ?? []) {
        try {
          handler(msg.payload ?? '');
        } catch (e) {
          this.logger.error(`handler for ${msg.channel} failed: ${(e as Error).message}`);
        }
      }
    });
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (e) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
      this.scheduleRetry((e as Error).message);
      return;
    }
    const wasDown = this.client === undefined && this.everConnected;
    this.client = client;
    this.everConnected = true;
    if (wasDown) {
      this.logger.log('listener reconnected');
      for (const hook of this.reconnectHooks) hook();
    }
  }

  private everConnected = false;

  private lost(client: pg.Client, e: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (!this.closed) this.scheduleRetry(e.message);
  }

  private scheduleRetry(why: string): void {
    if (this.closed || this.retryTimer) return;
    this.logger.warn(`listener disconnected (${why}); retrying in 1 s`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, 1_000);
    this.retryTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
