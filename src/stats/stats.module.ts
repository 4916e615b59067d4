import { Module } from '@nestjs/common';
import { SitesModule } from '../sites/sites.module.js';
import { StatsController } from './stats.controller.js';
import { StatsService } from './stats.service.js';

/** Read-only over the other modules' tables (ARCHITECTURE: stats sits at the top). */
@Module({
  imports: [SitesModule],
  controllers: [StatsController],
  providers: [StatsService],
})
export class StatsModule {}
