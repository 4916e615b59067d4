import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators.js';
import { MqttService } from '../bridge/mqtt.service.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(MqttService) private readonly mqtt: MqttService,
  ) {}

  /** 200 when the database answers and the MQTT connection is up; 503 otherwise, saying which. */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) response: Response) {
    const database = await this.dataSource
      .query('SELECT 1')
      .then(() => ({ ok: true, driver: this.dataSource.options.type }))
      .catch((error: Error) => ({ ok: false, driver: this.dataSource.options.type, error: error.message }));
    const mqtt = { ok: this.mqtt.connected, mode: this.mqtt.mode };
    const ok = database.ok && mqtt.ok;
    response.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', database, mqtt };
  }
}
