import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connect, type MqttClient } from 'mqtt';
import { DeviceCredentialsService, type BridgeAccounts } from '../auth/device-credentials.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import {
  CONTROL_TOPIC,
  createBridge,
  reconcile,
  removeBridge,
  RESPONSE_TOPIC,
  type Acl,
  type BrokerState,
  type PlannedCommand,
} from './dynamic-security.rules.js';

interface DynsecResponse {
  command: string;
  error?: string;
  correlationData?: string;
  data?: Record<string, unknown>;
}

const ANSWER_WITHIN_MS = 5_000;

/** The broker dropped the connection mid-request; the next connection reconciles again. */
class ConnectionClosedError extends Error {}

/**
 * With `mqtt.dynamicSecurity` (Mosquitto 2 and its dynamic-security plugin), the broker's bridge
 * accounts follow the app: issuing a bridge creates its client and role, revoking deletes them
 * (which cuts its connection), and every (re)connection to the broker reconciles what changed
 * while it was out of reach. Its own MQTT connection, with the service's credentials, keeps the
 * control topic out of ingestion's way.
 */
@Injectable()
export class BrokerProvisioning implements BridgeAccounts, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('BrokerProvisioning');
  private client?: MqttClient;
  private readonly waiting = new Map<
    string,
    { settle: (responses: DynsecResponse[]) => void; fail: (error: Error) => void }
  >();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DeviceCredentialsService) private readonly devices: DeviceCredentialsService,
  ) {}

  onModuleInit(): void {
    const { url, dynamicSecurity } = this.config.mqtt;
    if (!dynamicSecurity || !url) return;
    this.devices.useBridgeAccounts(this);
    this.client = connect(url, {
      clientId: `fabrique-provisioning-${randomUUID().slice(0, 8)}`,
      reconnectPeriod: 1_000,
      connectTimeout: ANSWER_WITHIN_MS,
    });
    this.client.on('message', (topic, payload) => this.answer(topic, payload));
    this.client.on('error', (error) => this.logger.warn(`Dynamic security: ${error.message}`));
    // Granting the service's own role makes the broker drop every connection of that user (so
    // they pick up their new rights): both reconnect, and the next reconciliation finds it done.
    this.client.on('close', () => {
      for (const { fail } of this.waiting.values())
        fail(new ConnectionClosedError('the connection to the broker closed'));
      this.waiting.clear();
    });
    this.client.on('connect', () => {
      this.client!.subscribeAsync(RESPONSE_TOPIC, { qos: 1 })
        .then(() => this.reconcile())
        .catch((error: Error) => {
          const message = `Could not reconcile the broker's accounts: ${error.message}`;
          if (error instanceof ConnectionClosedError) this.logger.debug(message);
          else this.logger.error(message);
        });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.endAsync(true);
  }

  async created(bridgeId: string, machineIds: readonly string[], password: string): Promise<void> {
    await this.run(createBridge(this.config.mqtt.topicPrefix, bridgeId, machineIds, password));
    this.logger.log(`Bridge ${bridgeId} can now connect to the broker (${machineIds.length} machine(s))`);
  }

  async removed(bridgeId: string): Promise<void> {
    try {
      await this.run(removeBridge(bridgeId));
      this.logger.log(`Bridge ${bridgeId} removed from the broker`);
    } catch (error) {
      this.logger.warn(
        `Bridge ${bridgeId} is revoked here, but the broker could not be told (${(error as Error).message}); ` +
          'it will be removed when the broker is reachable again.',
      );
    }
  }

  private async reconcile(): Promise<void> {
    const [clients, roles] = await this.run([
      { command: { command: 'listClients', verbose: true } },
      { command: { command: 'listRoles', verbose: true } },
    ]);
    const broker: BrokerState = {
      clients: ((clients.data?.clients ?? []) as Array<{ username: string; roles?: Array<{ rolename: string }> }>).map(
        (client) => ({ username: client.username, roles: (client.roles ?? []).map((role) => role.rolename) }),
      ),
      roles: ((roles.data?.roles ?? []) as Array<{ rolename: string; acls?: Acl[] }>).map((role) => ({
        rolename: role.rolename,
        acls: (role.acls ?? []).map(({ acltype, topic, allow }) => ({ acltype, topic, allow })),
      })),
    };
    const live = new Map<string, readonly string[]>();
    for (const credential of await this.devices.list()) {
      if (credential.kind === 'bridge' && credential.revokedAt === null && credential.bridgeId) {
        live.set(credential.bridgeId, credential.machineIds);
      }
    }
    const serviceUser = decodeURIComponent(new URL(this.config.mqtt.url!).username);
    const plan = reconcile(this.config.mqtt.topicPrefix, serviceUser, live, broker);
    if (plan.commands.length > 0) await this.run(plan.commands);
    for (const bridgeId of plan.missing) {
      this.logger.warn(`Bridge ${bridgeId} has no account on the broker: revoke its credentials and issue new ones.`);
    }
  }

  /** Sends the commands as one message and resolves with their answers; a refusal rejects. */
  private async run(plan: PlannedCommand[]): Promise<DynsecResponse[]> {
    const client = await this.connected();
    const batch = randomUUID();
    const commands = plan.map(({ command }, index) => ({ ...command, correlationData: `${batch}:${index}` }));
    return new Promise<DynsecResponse[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(batch);
        reject(new Error('the broker did not answer (is the dynamic-security plugin loaded?)'));
      }, ANSWER_WITHIN_MS);
      this.waiting.set(batch, {
        settle: (responses) => {
          clearTimeout(timer);
          const refused = responses.find((response, index) => response.error && !plan[index]?.tolerated);
          if (refused) reject(new Error(`${refused.command}: ${refused.error}`));
          else resolve(responses);
        },
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      client.publishAsync(CONTROL_TOPIC, JSON.stringify({ commands }), { qos: 1 }).catch((error: Error) => {
        clearTimeout(timer);
        this.waiting.delete(batch);
        reject(error);
      });
    });
  }

  private answer(topic: string, payload: Buffer): void {
    if (topic !== RESPONSE_TOPIC) return;
    let responses: DynsecResponse[];
    try {
      responses = (JSON.parse(payload.toString('utf8')) as { responses: DynsecResponse[] }).responses;
    } catch {
      return;
    }
    const batch = responses[0]?.correlationData?.split(':')[0];
    const waiter = batch === undefined ? undefined : this.waiting.get(batch);
    if (!waiter || batch === undefined) return;
    this.waiting.delete(batch);
    waiter.settle(responses);
  }

  /** The client once connected; a reconnection in progress gets a few seconds to finish. */
  private connected(): Promise<MqttClient> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('dynamic security is not enabled'));
    if (client.connected) return Promise.resolve(client);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('connect', ready);
        reject(new Error('the broker cannot be reached'));
      }, ANSWER_WITHIN_MS);
      const ready = () => {
        clearTimeout(timer);
        resolve(client);
      };
      client.once('connect', ready);
    });
  }
}
