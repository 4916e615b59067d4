import { connectAsync, type MqttClient } from 'mqtt';
import {
  bridgeSubscriptions,
  createBridgeEncoder,
  decodeMessage,
  type BridgeEncoder,
  type Command,
  type OutgoingMessage,
} from '@fabrique/firmware-bridge';
import { PATIENCE_MS } from './patience.js';

export interface FakeBridgeOptions {
  url: string;
  prefix: string;
  bridgeId: string;
  machineIds: string[];
  password: string;
  /**
   * Seconds. Long by default: the broker, the service and this bridge often share one event loop
   * in a test, and a loop busy with a flood of messages must not look like a dead link. Suites
   * about liveness set a short one.
   */
  keepalive?: number;
  session?: number;
  /** A random id of its own by default; a broker that binds ids to accounts wants the bound one. */
  clientId?: string;
}

/** What a fake bridge announces for a printer it serves: job commands and G-code, nothing more. */
export const FAKE_PRINTER_META = {
  kind: 'fdm_printer',
  vendor: 'Bambu Lab',
  model: 'P1S',
  adapter: 'fake',
  capabilities: { commands: ['start_job', 'pause', 'resume', 'cancel', 'clear_confirm'], fileFormats: ['gcode'] },
} as never;

/**
 * A firmware bridge reduced to its MQTT side, over real TCP: it connects with its credentials and
 * a retained `offline` last will, announces itself `online`, publishes what the test tells it to
 * through the contract's encoder, and records the commands it receives.
 */
export class FakeBridge {
  client!: MqttClient;
  encoder!: BridgeEncoder;
  session: number;
  readonly commands: Command[] = [];
  private waiters: Array<{ match: (c: Command) => boolean; resolve: (c: Command) => void }> = [];

  constructor(private readonly options: FakeBridgeOptions) {
    this.session = options.session ?? 1;
  }

  get bridgeId(): string {
    return this.options.bridgeId;
  }

  get machineIds(): readonly string[] {
    return this.options.machineIds;
  }

  /** Connects (a new session each time after the first) and announces itself online. */
  async connect(): Promise<void> {
    const { url, prefix, bridgeId, machineIds, password, keepalive = 30 } = this.options;
    this.encoder = createBridgeEncoder({ prefix, bridgeId, session: this.session, version: 'fake-1' });
    const will = this.encoder.status('offline', machineIds);
    this.client = await connectAsync(url, {
      username: bridgeId,
      password,
      clientId: this.options.clientId ?? `${bridgeId}-${Math.random().toString(36).slice(2, 8)}`,
      keepalive,
      reconnectPeriod: 0,
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
    });
    this.client.on('message', (topic, payload) => {
      const decoded = decodeMessage(prefix, topic, payload);
      if (!decoded.ok || decoded.cleared || decoded.channel !== 'cmd') return;
      const command = decoded.message.data;
      this.commands.push(command);
      const ready = this.waiters.filter((waiter) => waiter.match(command));
      this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
      for (const waiter of ready) waiter.resolve(command);
    });
    const subscriptions = bridgeSubscriptions(prefix, machineIds);
    await this.client.subscribeAsync(Object.fromEntries(subscriptions.map((s) => [s.filter, { qos: s.qos }])));
    await this.send(this.encoder.status('online', machineIds));
  }

  /** Drops the TCP connection without DISCONNECT, as a crash or a pulled cable would. */
  kill(): void {
    this.client.stream.destroy();
  }

  /**
   * Stops sending anything, pings included, while the TCP connection stays open (a frozen
   * process, a half-open link): only the broker's keepalive timeout can notice.
   */
  silence(): void {
    this.client.keepaliveManager?.destroy();
  }

  async reconnect(): Promise<void> {
    this.session += 1;
    await this.connect();
  }

  send(message: OutgoingMessage): Promise<unknown> {
    return this.client.publishAsync(message.topic, Buffer.from(message.payload), {
      qos: message.qos,
      retain: message.retain,
    });
  }

  /** Publishes raw bytes on a topic (for malformed input). */
  raw(topic: string, payload: Buffer | string, qos: 0 | 1 = 1): Promise<unknown> {
    return this.client.publishAsync(topic, payload, { qos });
  }

  nextCommand(match: (command: Command) => boolean, timeoutMs = PATIENCE_MS): Promise<Command> {
    const seen = this.commands.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.bridgeId}: no matching command`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (command) => {
          clearTimeout(timer);
          resolve(command);
        },
      });
    });
  }

  /** Clears every retained topic of this bridge, so a shared broker keeps nothing of the test. */
  async clearRetained(): Promise<void> {
    if (!this.client?.connected) return;
    for (const machineId of this.machineIds) {
      for (const channel of ['state', 'availability', 'meta'] as const)
        await this.send(this.encoder.clear(machineId, channel));
    }
    await this.raw(`${this.options.prefix}/bridges/${this.bridgeId}/status`, Buffer.alloc(0));
  }

  async close(): Promise<void> {
    if (this.client?.connected) await this.client.endAsync(true);
  }
}

/** Polls `check` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = PATIENCE_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
