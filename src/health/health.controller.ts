import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators.js';
import { MqttService } from '../bridge/mqtt.service.js';

/**
 * How long /health waits for the database. A probe must get an answer even while the database
 * stalls (a load balancer gives up after a few seconds and learns nothing), and a database this
 * slow to say `SELECT 1` is down for every request anyway.
 */
const DATABASE_CHECK_MS = 2_000;

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
    const driver = this.dataSource.options.type;
    const database = await withinTime(this.dataSource.query('SELECT 1'), DATABASE_CHECK_MS).then(
      (answered) =>
        answered ? { ok: true, driver } : { ok: false, driver, error: `no answer within ${DATABASE_CHECK_MS} ms` },
      (error: Error) => ({ ok: false, driver, error: error.message }),
    );
    const mqtt = { ok: this.mqtt.connected, mode: this.mqtt.mode };
    const ok = database.ok && mqtt.ok;
    response.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', database, mqtt };
  }
}

/** True once `work` resolves, false if `ms` pass first; rejects as `work` does. */
function withinTime(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([work.then(() => true), late]).finally(() => clearTimeout(timer));
}
