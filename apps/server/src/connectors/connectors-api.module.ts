import { Module } from '@nestjs/common';
import { ConnectorsController } from './connectors.controller.js';

/** The `api` role's connector endpoints (SPEC §6 `/api/connectors`). */
@Module({ controllers: [ConnectorsController] })
export class ConnectorsApiModule {}
