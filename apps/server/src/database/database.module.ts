import { Global, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Database } from './database.js';
import { PgListener } from './pg-listener.js';
import { DATABASE_URL } from './database-url.js';

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(private readonly ds: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/** The initialised data source (migrations already applied by bootstrap) and the LISTEN connection. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(dataSource: DataSource, url: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DataSource, useValue: dataSource },
        { provide: DATABASE_URL, useValue: url },
        Database,
        DataSourceCloser,
        {
          provide: PgListener,
          useFactory: async () => {
            const listener = new PgListener();
            await listener.start(url);
            return listener;
          },
        },
      ],
      exports: [DataSource, Database, PgListener, DATABASE_URL],
    };
  }
}
