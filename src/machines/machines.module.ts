import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SitesModule } from '../sites/sites.module.js';
import { Machine } from './machine.entity.js';
import { MachinesController } from './machines.controller.js';
import { MachinesService } from './machines.service.js';
import { MaintenanceLogEntry } from './maintenance-log.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([Machine, MaintenanceLogEntry]), SitesModule],
  controllers: [MachinesController],
  providers: [MachinesService],
  exports: [MachinesService],
})
export class MachinesModule {}
