import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { BridgeModule } from '../bridge/bridge.module.js';
import { MachinesModule } from '../machines/machines.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { DemoBridgesService } from './demo-bridges.service.js';

@Module({
  imports: [AuthModule, BridgeModule, SitesModule, MachinesModule],
  providers: [DemoBridgesService],
})
export class DemoModule {}
