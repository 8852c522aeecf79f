import { Controller, HttpCode, Post } from '@nestjs/common';
import { ReloadService } from './reload.service.js';

@Controller('admin')
export class ReloadController {
  constructor(private readonly reloader: ReloadService) {}

  @Post('reload')
  @HttpCode(200)
  reload(): Promise<{ jobs: number; reloaded_at: string }> {
    return this.reloader.reload();
  }
}
