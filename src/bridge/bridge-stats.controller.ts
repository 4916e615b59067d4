import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowedFor } from '../auth/auth.decorators.js';
import { IngestionService, type IngestionStats } from './ingestion.service.js';

@ApiTags('bridge')
@ApiBearerAuth()
@Controller('api/v1/bridge')
export class BridgeStatsController {
  constructor(@Inject(IngestionService) private readonly ingestion: IngestionService) {}

  /** What ingestion did with every message since start: accepted, duplicates, drops by code. */
  @Get('stats')
  @AllowedFor('admin')
  stats(): IngestionStats {
    return this.ingestion.stats();
  }
}
