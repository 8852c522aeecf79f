import { Global, Logger, Module } from '@nestjs/common';
import { InProcessStepExecutor, JobValidator, StepTypeRegistry, SystemClock } from '@nomaflow/kernel';
import type { Clock } from '@nomaflow/kernel';
import type { DynamicModule } from '@nestjs/common';
import { CLOCK } from './clock.js';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';

/** The kernel as Nest providers: plugins are discovered once at boot; a failing plugin is logged, not fatal. */
@Global()
@Module({})
export class KernelModule {
  static forRoot(clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: KernelModule,
      providers: [
        { provide: CLOCK, useValue: clock },
        {
          provide: StepTypeRegistry,
          inject: [SERVER_CONFIG],
          useFactory: async (config: ServerConfig) => {
            const logger = new Logger('Plugins');
            const registry = new StepTypeRegistry();
            const report = await registry.discover(config.pluginDirs);
            for (const p of report.loaded)
              logger.log(`loaded ${p.kind} ${p.type} ${p.version} (${p.source})`);
            for (const f of report.failed) logger.error(`failed to load ${f.package ?? f.dir}: ${f.error}`);
            return registry;
          },
        },
        {
          provide: JobValidator,
          inject: [StepTypeRegistry],
          useFactory: (r: StepTypeRegistry) => new JobValidator(r),
        },
        {
          provide: InProcessStepExecutor,
          inject: [StepTypeRegistry],
          useFactory: (r: StepTypeRegistry) => new InProcessStepExecutor(r),
        },
      ],
      exports: [StepTypeRegistry, JobValidator, InProcessStepExecutor, CLOCK],
    };
  }
}
