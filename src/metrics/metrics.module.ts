import { Module } from '@nestjs/common';
import { BridgeModule } from '../bridge/bridge.module.js';
import { LiveModule } from '../live/live.module.js';
import { MachinesModule } from '../machines/machines.module.js';
import { ReservationsModule } from '../reservations/reservations.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsServer } from './metrics-server.js';
import { MetricsService } from './metrics.service.js';

@Module({
  imports: [BridgeModule, MachinesModule, ReservationsModule, LiveModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsServer],
  exports: [MetricsService],
})
export class MetricsModule {}
