import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MqttService } from './mqtt.service.js';

@Module({
  imports: [AuthModule],
  providers: [MqttService],
  exports: [MqttService],
})
export class BridgeModule {}
