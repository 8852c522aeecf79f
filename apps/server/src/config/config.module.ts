import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { SERVER_CONFIG } from './server-config.js';
import type { ServerConfig } from './server-config.js';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ServerConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: SERVER_CONFIG, useValue: config }],
      exports: [SERVER_CONFIG],
    };
  }
}
