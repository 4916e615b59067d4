import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { MachinesModule } from '../machines/machines.module.js';
import { ReservationsModule } from '../reservations/reservations.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { UsersModule } from '../users/users.module.js';
import { LiveGateway } from './live.gateway.js';
import { LiveService } from './live.service.js';

@Module({
  imports: [AuthModule, SitesModule, MachinesModule, ReservationsModule, UsersModule, JobsModule],
  providers: [LiveService, LiveGateway],
  exports: [LiveService],
})
export class LiveModule {}
