import pg from 'pg';

/**
 * The run writer's own connection. Its writes run with `synchronous_commit = off`: step rows,
 * events and run states are committed atomically and in order, but without waiting for the WAL
 * flush — a few hundred µs saved on every step transition. A PostgreSQL crash may lose the last
 * fraction of a second of them, never tear one; the worker's heartbeat re-checks the runs it owns,
 * so a lost final state cannot leave a run RUNNING forever. Queueing, claiming and job saves stay
 * fully durable on the shared pool.
 */
export class WriterConnection {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;

  constructor(private readonly url: string) {}

  async query<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    const client = await this.connect();
    try {
      return (await client.query({ name, text, values })).rows as T[];
    } catch (e) {
      // A broken connection is replaced on the next write; SQL errors keep it.
      if (!(e as { code?: string }).code) this.drop(client);
      throw e;
    }
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, application_name: 'nomaflow-run-writer' });
      client.on('error', () => this.drop(client));
      try {
        await client.connect();
        await client.query('SET synchronous_commit TO off');
      } catch (e) {
        client.removeAllListeners();
        await client.end().catch(() => undefined);
        throw e;
      }
      this.client = client;
      return client;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
