import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MachinesModule } from '../machines/machines.module.js';
import { BridgeDirectory } from './bridge-directory.js';
import { BrokerProvisioning } from './broker-provisioning.service.js';
import { CommandResults } from './command-results.js';
import { BridgeStatsController } from './bridge-stats.controller.js';
import { IngestionService } from './ingestion.service.js';
import { MachineCommandsController } from './machine-commands.controller.js';
import { MachineCommandsService } from './machine-commands.service.js';
import { MqttService } from './mqtt.service.js';

@Module({
  imports: [AuthModule, MachinesModule],
  controllers: [MachineCommandsController, BridgeStatsController],
  providers: [
    BrokerProvisioning,
    MqttService,
    BridgeDirectory,
    IngestionService,
    MachineCommandsService,
    CommandResults,
  ],
  exports: [MqttService, IngestionService, CommandResults],
})
export class BridgeModule {}
