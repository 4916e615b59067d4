// The bridge's one MQTT connection and its session. Each (re)connect is a new session (persisted,
// so it keeps counting across restarts) with a new encoder and a new retained `offline` will that
// carries it; what to publish is the Bridge's business, how it goes out is this class's.
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import {
  bridgeSubscriptions,
  createBridgeEncoder,
  type BridgeEncoder,
  type OutgoingMessage,
} from '../contract/index.js';
import type { BridgeConfig } from './config.js';
import type { Logger } from './logger.js';
import type { Clock } from './scheduler.js';
import { nextSession } from './session-store.js';

export interface LinkHandlers {
  /** Connected (first time or again) and subscribed: time for the birth. */
  onConnect(): void;
  onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void;
  /** Throttled warnings (connection lost, broker errors, encoding bugs). */
  warn(key: string, message: string, fields?: Record<string, string | number | undefined>): void;
}

export class BrokerLink {
  private client: MqttClient | null = null;
  private current: BridgeEncoder | null = null;
  /** Set while encoding a buffered event, so its `ts` is when it happened, not when it is sent. */
  private stampAt: number | null = null;
  private closing = false;

  constructor(
    private readonly config: Readonly<BridgeConfig>,
    private readonly machineIds: readonly string[],
    private readonly clock: Clock,
    private readonly version: string,
    private readonly logger: Logger,
    private readonly handlers: LinkHandlers,
    private readonly overrides: Partial<IClientOptions> = {},
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  get session(): number {
    return this.current?.session ?? 0;
  }

  get encoder(): BridgeEncoder {
    if (!this.current) throw new Error('BrokerLink.start() has not been called');
    return this.current;
  }

  /** Connects in the background; mqtt.js retries every `reconnectSeconds` until it gets through. */
  start(): void {
    const { broker } = this.config;
    this.newSession();
    const client = connect(broker.url, {
      clientId: broker.clientId,
      username: broker.username,
      password: broker.password,
      clean: true,
      protocolVersion: 4,
      keepalive: broker.keepaliveSeconds,
      reconnectPeriod: broker.reconnectSeconds * 1000,
      connectTimeout: 10_000,
      // We subscribe on every connect ourselves, and never queue telemetry for later.
      resubscribe: false,
      queueQoSZero: false,
      will: this.will(),
      ...this.overrides,
    });
    this.client = client;
    // mqtt.js builds each CONNECT from `options.will`, after emitting `reconnect`.
    client.on('reconnect', () => {
      this.newSession();
      client.options.will = this.will();
    });
    client.on('connect', () => this.onConnect());
    client.on('message', (topic, payload, packet) => this.handlers.onMessage(topic, payload, packet));
    client.on('close', () => {
      if (!this.closing) this.handlers.warn('close', 'broker connection closed; buffering events');
    });
    client.on('error', (error) => this.handlers.warn(`error:${error.message}`, `broker: ${error.message}`));
  }

  /**
   * Encodes and publishes when connected; returns false otherwise (the caller buffers or drops).
   * An encoding failure is our own bug: logged, never fatal. `at` back-dates the envelope's `ts`.
   */
  send(build: (encoder: BridgeEncoder) => OutgoingMessage, at?: number): boolean {
    const client = this.client;
    if (!client?.connected || !this.current) return false;
    let message: OutgoingMessage;
    try {
      this.stampAt = at ?? null;
      message = build(this.current);
    } catch (error) {
      const reason = (error as Error).message;
      this.handlers.warn(`encode:${reason}`, 'could not encode a message', { error: reason });
      return false;
    } finally {
      this.stampAt = null;
    }
    const { topic, payload, qos, retain } = message;
    client.publish(topic, Buffer.from(payload), { qos, retain }, (error) => {
      if (error) this.handlers.warn(`publish:${error.message}`, 'publish failed', { topic, error: error.message });
    });
    return true;
  }

  /** Clean shutdown: retained `offline` with the current session, then DISCONNECT (no will). */
  async stop(): Promise<void> {
    this.closing = true;
    const client = this.client;
    if (!client) return;
    if (client.connected && this.current) {
      const offline = this.current.status('offline', this.machineIds);
      await client
        .publishAsync(offline.topic, Buffer.from(offline.payload), { qos: 1, retain: true })
        .catch((error: Error) => this.logger.warn('could not publish offline status', { error: error.message }));
      await client.endAsync();
    } else await client.endAsync(true);
  }

  private newSession(): void {
    this.current = createBridgeEncoder({
      prefix: this.config.topicPrefix,
      bridgeId: this.config.bridgeId,
      session: nextSession(this.config.dataDir),
      version: this.version,
      now: () => new Date(this.stampAt ?? this.clock.now()),
    });
  }

  private will(): NonNullable<IClientOptions['will']> {
    const will = this.encoder.status('offline', this.machineIds);
    return { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true };
  }

  private onConnect(): void {
    this.logger.info('connected to the broker', { session: this.session, url: this.config.broker.url });
    const filters = bridgeSubscriptions(this.config.topicPrefix, this.machineIds).map((s) => s.filter);
    this.client?.subscribe(filters, { qos: 1 }, (error, granted) => {
      const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
      if (error || refused.length > 0) {
        this.logger.error('subscription refused: check the bridge ACL', {
          topics: refused.join(' '),
          error: error?.message,
        });
      }
    });
    this.handlers.onConnect();
  }
}
