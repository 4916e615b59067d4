import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  adapterRegistry,
  Bridge,
  createAdapters,
  parseBridgeConfig,
  type Logger as BridgeLogger,
} from '@fabrique/firmware-bridge/runtime';
import { DeviceCredentialsService } from '../auth/device-credentials.service.js';
import { MqttService } from '../bridge/mqtt.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { MachinesService } from '../machines/machines.service.js';
import { SitesService } from '../sites/sites.service.js';
import { planDemoBridge } from './demo-bridges.rules.js';

/**
 * With `demo.simulatedBridges`, the service runs one simulated firmware bridge per site in its
 * own process, connected over MQTT like a real one (fresh credentials at every start), so a new
 * installation shows live machines on its kiosk from the first minute.
 */
@Injectable()
export class DemoBridgesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DemoBridges');
  private readonly bridges: Bridge[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MqttService) private readonly mqtt: MqttService,
    @Inject(DeviceCredentialsService) private readonly devices: DeviceCredentialsService,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(MachinesService) private readonly machines: MachinesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { simulatedBridges, warp } = this.config.demo;
    if (!simulatedBridges) return;
    const url = this.config.mqtt.url ?? `mqtt://127.0.0.1:${this.mqtt.embeddedPort}`;
    for (const site of await this.sites.list()) {
      const plan = planDemoBridge(site.id, await this.machines.listBySite(site.id), warp);
      if (!plan) continue;
      const password = await this.freshCredentials(
        plan.bridgeId,
        plan.machines.map((m) => m.machineId),
      );
      const config = parseBridgeConfig(
        {
          bridgeId: plan.bridgeId,
          broker: { url, username: plan.bridgeId, password },
          topicPrefix: this.config.mqtt.topicPrefix,
          dataDir: join(this.config.dataDir, 'demo-bridges', plan.bridgeId),
          machines: plan.machines,
        },
        this.config.dataDir,
        { registry: adapterRegistry },
      );
      const bridge = new Bridge({
        config,
        adapters: createAdapters(config, this.bridgeLogger()),
        logger: this.bridgeLogger(),
      });
      await bridge.start();
      this.bridges.push(bridge);
      this.logger.log(`Simulated bridge ${plan.bridgeId} serves ${plan.machines.length} machine(s) of ${site.name}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.bridges.map((bridge) => bridge.stop()));
  }

  private async freshCredentials(bridgeId: string, machineIds: string[]): Promise<string> {
    for (const credential of await this.devices.list()) {
      if (credential.bridgeId === bridgeId && credential.revokedAt === null) await this.devices.revoke(credential.id);
    }
    return (await this.devices.issueBridge(bridgeId, machineIds, 'Simulated bridge (demo)', null)).secret;
  }

  private bridgeLogger(): BridgeLogger {
    const nest = this.logger;
    const line = (message: string, fields?: object) => (fields ? `${message} ${JSON.stringify(fields)}` : message);
    return {
      debug: () => undefined,
      info: () => undefined,
      warn: (message, fields) => nest.warn(line(message, fields)),
      error: (message, fields) => nest.error(line(message, fields)),
    };
  }
}
