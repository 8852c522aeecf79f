import { Controller, Get } from '@nestjs/common';
import { StepTypesService } from './step-types.service.js';

@Controller('api/step-types')
export class StepTypesController {
  constructor(private readonly stepTypes: StepTypesService) {}

  @Get()
  list(): ReturnType<StepTypesService['list']> {
    return this.stepTypes.list();
  }
}
