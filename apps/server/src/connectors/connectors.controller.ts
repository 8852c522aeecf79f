import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ConnectorsService } from './connectors.service.js';

@Controller('api/connectors')
export class ConnectorsController {
  constructor(private readonly connectors: ConnectorsService) {}

  @Get()
  list() {
    return this.connectors.list();
  }

  @Post()
  create(@Body() body: unknown) {
    return this.connectors.create(body);
  }

  @Post('test')
  @HttpCode(200)
  testUnsaved(@Body() body: unknown) {
    return this.connectors.testUnsaved(body);
  }

  @Get(':name')
  get(@Param('name') name: string) {
    return this.connectors.get(name);
  }

  @Put(':name')
  replace(@Param('name') name: string, @Body() body: unknown) {
    return this.connectors.replace(name, body);
  }

  @Delete(':name')
  @HttpCode(204)
  remove(@Param('name') name: string) {
    return this.connectors.remove(name);
  }

  @Post(':name/test')
  @HttpCode(200)
  test(@Param('name') name: string) {
    return this.connectors.test(name);
  }
}
