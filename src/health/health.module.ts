import { Module } from '@nestjs/common';
import { BridgeModule } from '../bridge/bridge.module.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [BridgeModule], controllers: [HealthController] })
export class HealthModule {}
