import { Global, Module } from '@nestjs/common';
import { ConnectorPool } from './connector-pool.js';
import { ConnectorsRepository } from './connectors.repository.js';
import { ConnectorsService } from './connectors.service.js';

/** Connector storage and the pools steps use: needed by workers and the API alike. */
@Global()
@Module({
  providers: [ConnectorsRepository, ConnectorPool, ConnectorsService],
  exports: [ConnectorsRepository, ConnectorPool, ConnectorsService],
})
export class ConnectorsModule {}
