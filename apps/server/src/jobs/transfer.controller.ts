import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { JobsExport } from '@nomaflow/contracts';
import { TransferService } from './transfer.service.js';
import type { ImportResult } from './transfer.service.js';

@Controller('api')
export class TransferController {
  constructor(private readonly transfer: TransferService) {}

  @Get('export')
  export(): Promise<JobsExport> {
    return this.transfer.export();
  }

  @Post('import')
  @HttpCode(200)
  import(@Body() body: unknown): Promise<ImportResult> {
    return this.transfer.import(body);
  }
}
