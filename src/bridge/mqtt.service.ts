import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connect, type IClientPublishOptions, type MqttClient } from 'mqtt';
import { Subject } from 'rxjs';
import { createServiceEncoder, type Command, type ServiceEncoder, type Subscription } from '@fabrique/firmware-bridge';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { randomSecret } from '../auth/secrets.js';
import { DeviceCredentialsService } from '../auth/device-credentials.service.js';
import { EmbeddedBroker, SERVICE_USERNAME } from './embedded-broker.js';

export interface MqttMessage {
  topic: string;
  payload: Buffer;
}

/** How long boot waits for the first broker connection before going on and reporting it in /health. */
const FIRST_CONNECT_WAIT_MS = 5_000;
const SERVICE_VERSION = '0.1.0';
const SHUTDOWN_GRACE_MS = 2_000;

/** True when `work` settled within the grace period (failures count as settled). */
function withinShutdownGrace(work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), SHUTDOWN_GRACE_MS)));
  return Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    late,
  ]).finally(() => clearTimeout(timer));
}

/**
 * The service's one MQTT connection (and, without MQTT_URL, the embedded broker it talks to).
 * Its retained `service/status` with a last will tells bridges when to resync.
 */
@Injectable()
export class MqttService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MqttService.name);
  private broker?: EmbeddedBroker;
  private client?: MqttClient;
  private encoder?: ServiceEncoder;
  readonly messages$ = new Subject<MqttMessage>();
  /**
   * What the broker delivered before ingestion listened: a resumed session hands over the
   * messages queued while the service was down right after CONNACK, before boot is over.
   */
  private early: MqttMessage[] | null = [];
  /** The embedded broker's bound port (useful when configured as 0), or null with an external broker. */
  embeddedPort: number | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DeviceCredentialsService) private readonly devices: DeviceCredentialsService,
  ) {}

  get mode(): 'embedded' | 'external' {
    return this.config.mqtt.url ? 'external' : 'embedded';
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async onModuleInit(): Promise<void> {
    const { url, embedded, topicPrefix, keepaliveSeconds, clientId } = this.config.mqtt;
    let brokerUrl = url;
    let credentials: { username?: string; password?: string } = {};
    if (!brokerUrl) {
      const password = randomSecret();
      this.broker = new EmbeddedBroker(topicPrefix, password, async (bridgeId, secret) => {
        const credential = await this.devices.verifyBridge(bridgeId, secret);
        return credential ? { kind: 'bridge', bridgeId, machineIds: credential.machineIds } : null;
      });
      this.embeddedPort = await this.broker.start(embedded);
      // A revoked bridge loses its connection now, not at its next reconnect.
      this.devices.revoked$.subscribe((credential) => {
        if (credential.kind === 'bridge' && credential.bridgeId) this.broker?.disconnectBridge(credential.bridgeId);
      });
      brokerUrl = `mqtt://127.0.0.1:${this.embeddedPort}`;
      credentials = { username: SERVICE_USERNAME, password };
      this.logger.log(`Embedded MQTT broker listening on ${embedded.host}:${this.embeddedPort}`);
    }
    // Wall time as the session number: it grows across restarts with nothing to store, which is
    // all bridges need to notice that the service came back and must be told everything again.
    this.encoder = createServiceEncoder({ prefix: topicPrefix, session: Date.now(), version: SERVICE_VERSION });
    const will = this.encoder.status('offline');
    this.client = connect(brokerUrl, {
      ...credentials,
      // A persistent session under a stable id: while the service is down (crash, restart,
      // deploy) the broker queues the QoS 1 messages of its subscriptions (job.finished, command
      // results) instead of dropping them. Aedes and Mosquitto both keep it; CONTRACT.md, delivery.
      clientId,
      clean: false,
      keepalive: keepaliveSeconds,
      reconnectPeriod: 1_000,
      connectTimeout: FIRST_CONNECT_WAIT_MS,
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
    });
    this.client.on('connect', () => {
      this.logger.log(`Connected to MQTT broker (${this.mode})`);
      const online = this.encoder!.status('online');
      this.client?.publish(online.topic, Buffer.from(online.payload), { qos: 1, retain: true });
    });
    this.client.on('error', (error) => this.logger.warn(`MQTT: ${error.message}`));
    this.client.on('message', (topic, payload) => {
      if (this.early) this.early.push({ topic, payload });
      else this.messages$.next({ topic, payload });
    });
    await this.firstConnection();
  }

  /** Hands messages to `messages$` from now on, first those that arrived before anyone listened. */
  startDelivery(): void {
    const early = this.early ?? [];
    this.early = null;
    for (const message of early) this.messages$.next(message);
  }

  async publish(topic: string, payload: string | Buffer, options: IClientPublishOptions = { qos: 1 }): Promise<void> {
    if (!this.client) throw new Error('MQTT client not started');
    await this.client.publishAsync(topic, payload, options);
  }

  async subscribe(filters: string[]): Promise<void> {
    if (!this.client) throw new Error('MQTT client not started');
    await this.client.subscribeAsync(filters, { qos: 1 });
  }

  /** Subscribes with each filter's own QoS (telemetry is QoS 0 by contract). */
  async subscribeTo(subscriptions: readonly Subscription[]): Promise<void> {
    if (!this.client) throw new Error('MQTT client not started');
    await this.client.subscribeAsync(Object.fromEntries(subscriptions.map(({ filter, qos }) => [filter, { qos }])));
  }

  /**
   * Publishes a command to the bridge serving `machineId` (QoS 1, never retained: a retained
   * command would run again at every reconnect). The encoder validates it against the contract.
   */
  async sendCommand(bridgeId: string, machineId: string, command: Command): Promise<void> {
    if (!this.encoder) throw new Error('MQTT client not started');
    const encoded = this.encoder.command(bridgeId, machineId, command);
    await this.publish(encoded.topic, Buffer.from(encoded.payload), { qos: encoded.qos, retain: false });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client) {
      if (this.client.connected && this.encoder) {
        // A clean stop says so itself; the will only fires for a crash or a lost connection.
        const offline = this.encoder.status('offline');
        await withinShutdownGrace(
          this.client.publishAsync(offline.topic, Buffer.from(offline.payload), { qos: 1, retain: true }),
        );
      }
      // A broker that stops answering must not hold the service's shutdown: end forcefully.
      if (!(await withinShutdownGrace(this.client.endAsync()))) await this.client.endAsync(true);
    }
    this.messages$.complete();
    await this.broker?.stop();
  }

  private firstConnection(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.logger.warn(`MQTT broker not reachable yet; retrying in the background (see /health)`);
        resolve();
      }, FIRST_CONNECT_WAIT_MS);
      this.client?.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
