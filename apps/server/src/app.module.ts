import { Module } from '@nestjs/common';
import type { DynamicModule, Type } from '@nestjs/common';
import type { Clock } from '@nomaflow/kernel';
import type { DataSource } from 'typeorm';
import { CatalogModule } from './catalog/catalog.module.js';
import { ConfigModule } from './config/config.module.js';
import type { ServerConfig } from './config/server-config.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { KernelModule } from './kernel/kernel.module.js';
import { RunQueueModule } from './queue/run-queue.module.js';
import { SecretsModule } from './secrets/secrets.module.js';
import { ConnectorsModule } from './connectors/connectors.module.js';
import { ConnectorsApiModule } from './connectors/connectors-api.module.js';
import { WorkerModule } from './queue/worker.module.js';
import { RunsModule } from './runs/runs.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';

export interface AppModuleOptions {
  config: ServerConfig;
  dataSource: DataSource;
  databaseUrl: string;
  clock?: Clock;
}

/** Feature modules by role: the same build runs as API, scheduler and worker nodes (NOMAFLOW_ROLES). */
function roleModules(config: ServerConfig): Type[] {
  const modules: Type[] = [];
  if (config.roles.has('api')) modules.push(JobsModule, CatalogModule);
  if (config.roles.has('scheduler')) modules.push(SchedulerModule, RetentionModule);
  if (config.roles.has('worker')) modules.push(WorkerModule);
  if (config.roles.has('api')) modules.push(RunsModule, ConnectorsApiModule, RealtimeModule);
  return modules;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        DatabaseModule.forRoot(options.dataSource, options.databaseUrl),
        KernelModule.forRoot(options.clock),
        SecretsModule,
        ConnectorsModule,
        HealthModule,
        RunQueueModule,
        ...roleModules(options.config),
      ],
    };
  }
}
