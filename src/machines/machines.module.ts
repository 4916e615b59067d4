import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SitesModule } from '../sites/sites.module.js';
import { MachineLiveController } from './machine-live.controller.js';
import { MachineEventRow, MachineLiveRow } from './machine-live.entity.js';
import { MachineLiveEvents } from './machine-live-events.js';
import { MachineLiveService } from './machine-live.service.js';
import { MachineLiveStore } from './machine-live.store.js';
import { JobOwners } from './job-owners.js';
import { MachineRegistry } from './machine-registry.js';
import { Machine } from './machine.entity.js';
import { MachinesController } from './machines.controller.js';
import { MachinesService } from './machines.service.js';
import { MaintenanceLogEntry } from './maintenance-log.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([Machine, MaintenanceLogEntry, MachineLiveRow, MachineEventRow]), SitesModule],
  controllers: [MachinesController, MachineLiveController],
  providers: [MachinesService, MachineRegistry, MachineLiveService, MachineLiveStore, MachineLiveEvents, JobOwners],
  exports: [MachinesService, MachineLiveService, MachineLiveEvents, JobOwners],
})
export class MachinesModule {}
