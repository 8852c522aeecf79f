import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Clock } from '@nomaflow/kernel';
import { AppModule } from './app.module.js';
import type { ServerConfig } from './config/server-config.js';
import { serveConsole } from './console/console-assets.js';
import { createDataSource, runMigrations } from './database/data-source.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';
import type { EmbeddedDatabase } from './database/embedded-postgres.js';
import { HttpErrorFilter } from './errors/http-exception.filter.js';
import { requestGuard } from './errors/request-guard.js';

export interface RunningServer {
  app: INestApplication;
  /** http://127.0.0.1:<port> */
  url: string;
  config: ServerConfig;
  databaseUrl: string;
  /** Graceful stop: stop taking work, drain, close the app, then the embedded database. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: LoggerService | LogLevel[] | false;
  clock?: Clock;
}

/** Starts one Nomaflow process: database (embedded when DATABASE_URL is unset), migrations, Nest app. */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const log = new Logger('Nomaflow');
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, (m) => log.log(m));
    databaseUrl = embedded.url;
  }
  const dataSource = createDataSource(databaseUrl, { applicationName: `nomaflow ${config.instanceId}` });
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    if (applied > 0) log.log(`applied ${applied} migration(s)`);
  } catch (e) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw e;
  }

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config, dataSource, databaseUrl, clock: options.clock }),
    { bodyParser: false, logger: options.logger ?? ['log', 'error', 'warn'], abortOnError: false },
  );
  app.useBodyParser('json', { limit: config.bodyLimit, strict: true });
  app.use(requestGuard);
  app.useGlobalFilters(new HttpErrorFilter());
  app.disable('x-powered-by');
  app.set('etag', false);
  if (config.roles.has('api') && !serveConsole(app, config.webDir)) {
    log.warn(`console not built (${config.webDir} missing): serving the API only`);
  }
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  log.log(`Nomaflow ${[...config.roles].join('+')} listening on ${url} (instance ${config.instanceId})`);

  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    config,
    databaseUrl,
    close() {
      closing ??= (async () => {
        await app.close();
        await embedded?.stop();
      })();
      return closing;
    },
  };
}
