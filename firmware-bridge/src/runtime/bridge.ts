// The bridge runtime: what a bridge publishes and when. It announces itself (birth) at every
// connect and whenever the service comes back online, forwards what adapters report (state on
// change plus a heartbeat, rate-limited telemetry, every event), buffers events while the broker
// is away, and answers commands exactly once in effect. Zigbee2MQTT and Sparkplug B are the
// models (CONTRACT.md); the connection itself lives in BrokerLink.
import type { IClientOptions, IPublishPacket } from 'mqtt';
import { decodeMessage, type BridgeMachineState, type Command, type CommandEnvelope } from '../contract/index.js';
import type { AdapterUpdate, MachineAdapter } from './adapter.js';
import { BrokerLink } from './broker-link.js';
import { handleCommand, invalidCommandResult } from './command-handler.js';
import { CommandStore } from './command-store.js';
import type { BridgeConfig } from './config.js';
import { EventBuffer } from './event-buffer.js';
import { JobEndings } from './job-endings.js';
import { LogThrottle, silentLogger, type LogFields, type Logger } from './logger.js';
import { createRealScheduler, type Scheduler, type TimerHandle } from './scheduler.js';
import { TelemetryLimiter } from './telemetry-limiter.js';

export interface BridgeOptions {
  config: Readonly<BridgeConfig>;
  adapters: readonly MachineAdapter[];
  logger?: Logger;
  /** Heartbeats, telemetry rate, command expiry and envelope `ts` run on this clock. */
  scheduler?: Scheduler;
  version?: string;
  /** Extra mqtt.js options (tests shorten `reconnectPeriod`). */
  mqtt?: Partial<IClientOptions>;
}

export interface BridgeStats {
  session: number;
  connected: boolean;
  bufferedEvents: number;
  droppedEvents: number;
  invalidMessages: number;
}

export class Bridge {
  private readonly config: Readonly<BridgeConfig>;
  private readonly adapters = new Map<string, MachineAdapter>();
  private readonly machineIds: string[];
  private readonly logger: Logger;
  private readonly scheduler: Scheduler;
  private readonly throttle: LogThrottle;
  private readonly limiter: TelemetryLimiter;
  private readonly buffer: EventBuffer;
  private readonly link: BrokerLink;
  private readonly lastState = new Map<string, BridgeMachineState>();
  private readonly lastStateAt = new Map<string, number>();
  private readonly endings = new JobEndings();
  private store: CommandStore | null = null;
  private unsubscribers: (() => void)[] = [];
  private heartbeat: TimerHandle | null = null;
  private commandQueue: Promise<void> = Promise.resolve();
  private invalidMessages = 0;
  private stopping = false;

  constructor(options: BridgeOptions) {
    this.config = options.config;
    for (const adapter of options.adapters) this.adapters.set(adapter.machineId, adapter);
    this.machineIds = [...this.adapters.keys()];
    this.logger = options.logger ?? silentLogger;
    this.scheduler = options.scheduler ?? createRealScheduler();
    this.throttle = new LogThrottle(() => this.scheduler.now());
    this.limiter = new TelemetryLimiter(this.config.telemetry, () => this.scheduler.now());
    this.buffer = new EventBuffer(this.config.eventBufferSize);
    const handlers = {
      onConnect: () => this.onConnect(),
      onMessage: (topic: string, payload: Buffer, packet: IPublishPacket) => this.onMessage(topic, payload, packet),
      warn: (key: string, message: string, fields?: LogFields) => this.warnOnce(key, message, fields),
    };
    const version = options.version ?? '0.1.0';
    this.link = new BrokerLink(
      this.config,
      this.machineIds,
      this.scheduler,
      version,
      this.logger,
      handlers,
      options.mqtt,
    );
  }

  get session(): number {
    return this.link.session;
  }

  stats(): BridgeStats {
    return {
      session: this.session,
      connected: this.link.connected,
      bufferedEvents: this.buffer.size,
      droppedEvents: this.buffer.dropped,
      invalidMessages: this.invalidMessages,
    };
  }

  /** Starts the adapters and connects; resolves without waiting for the broker (events buffer). */
  async start(): Promise<void> {
    this.store = CommandStore.open(this.config.dataDir, {
      retentionMs: this.config.commandRetentionHours * 3_600_000,
      now: () => this.scheduler.now(),
      onCorrupt: (lines) => this.logger.warn('skipped unreadable lines in the command store', { lines }),
    });
    for (const adapter of this.adapters.values()) {
      this.unsubscribers.push(adapter.subscribe((update) => this.onUpdate(adapter.machineId, update)));
      await adapter.start();
      this.lastState.set(adapter.machineId, adapter.snapshot().state);
    }
    this.link.start();
    const tickMs = (this.config.heartbeatSeconds * 1000) / 3;
    this.heartbeat = this.scheduler.every(tickMs, () => this.heartbeatTick());
  }

  /** Finishes the command in hand, stops the adapters, then leaves with a retained `offline`. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.heartbeat?.cancel();
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    await this.commandQueue;
    for (const adapter of this.adapters.values()) await adapter.stop();
    await this.link.stop();
    this.store?.close();
    this.logger.info('bridge stopped', { bridgeId: this.config.bridgeId });
  }

  private onConnect(): void {
    this.limiter.reset();
    this.birth();
    const items = this.buffer.drain();
    if (items.length > 0) this.logger.info('sending events buffered while offline', { count: items.length });
    for (const [i, { machineId, event, at }] of items.entries()) {
      if (!this.link.connected) return this.buffer.requeue(items.slice(i)); // lost again mid-flush
      this.link.send((e) => e.event(machineId, event.type, event.data), at);
    }
  }

  /** Sparkplug's birth certificate: bridge status, then each machine's meta, availability, state. */
  private birth(): void {
    this.link.send((e) => e.status('online', this.machineIds));
    for (const machineId of this.machineIds) this.republish(machineId);
  }

  private republish(machineId: string): void {
    const adapter = this.adapters.get(machineId)!;
    this.link.send((e) => e.meta(machineId, adapter.meta()));
    this.link.send((e) => e.availability(machineId, adapter.availability()));
    this.publishState(machineId);
  }

  private publishState(machineId: string): void {
    const adapter = this.adapters.get(machineId)!;
    if (this.link.send((e) => e.state(machineId, this.endings.complete(machineId, adapter.snapshot())))) {
      this.lastStateAt.set(machineId, this.scheduler.now());
    }
  }

  private heartbeatTick(): void {
    const due = this.scheduler.now() - this.config.heartbeatSeconds * 1000;
    for (const machineId of this.machineIds) {
      if ((this.lastStateAt.get(machineId) ?? -Infinity) <= due) this.publishState(machineId);
    }
  }

  private onUpdate(machineId: string, update: AdapterUpdate): void {
    if (this.stopping) return;
    switch (update.kind) {
      case 'state':
        this.lastState.set(machineId, update.snapshot.state);
        return this.publishState(machineId);
      case 'telemetry':
        if (this.link.connected && this.limiter.take(machineId, this.lastState.get(machineId) ?? 'unknown')) {
          this.link.send((e) => e.telemetry(machineId, update.sample));
        }
        return;
      case 'availability':
        this.link.send((e) => e.availability(machineId, update.availability));
        return;
      case 'event': {
        // Behind a non-empty buffer even when connected, so the order survives a reconnect.
        const { event } = update;
        if (event.type === 'job.finished') this.endings.finished(machineId, event.data);
        if (this.link.connected && this.buffer.size === 0) {
          this.link.send((e) => e.event(machineId, event.type, event.data));
        } else if (this.buffer.push({ machineId, event, at: this.scheduler.now() })) {
          this.warnOnce('buffer-full', 'event buffer full: dropping the oldest events', {
            capacity: this.buffer.capacity,
          });
        }
      }
    }
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const decoded = decodeMessage(this.config.topicPrefix, topic, payload);
    if (!decoded.ok) {
      this.invalidMessages++;
      const { code, reason } = decoded;
      this.warnOnce(`invalid:${code}:${topic}`, 'dropped an invalid message', { topic, code, reason });
      const parsed = decoded.topic;
      if (parsed?.kind !== 'machine' || parsed.channel !== 'cmd' || !this.adapters.has(parsed.machineId)) return;
      const result = invalidCommandResult(payload, decoded);
      if (result) this.link.send((e) => e.commandResult(parsed.machineId, result));
      return;
    }
    if (decoded.cleared) return;
    if (decoded.channel === 'service-status') {
      // The retained copy arrives after every subscribe, and our connect already sent a birth;
      // only a live `online` means the service (re)started and wants everyone's birth again.
      if (decoded.message.data.state === 'online' && !packet.retain) {
        this.logger.info('service came online: republishing birth', { serviceSession: decoded.message.session });
        this.birth();
      }
    } else if (decoded.channel === 'cmd') this.enqueue(decoded.topic.machineId, decoded.message);
  }

  private enqueue(machineId: string, envelope: CommandEnvelope): void {
    const adapter = this.adapters.get(machineId);
    if (!adapter) return;
    if (envelope.bridgeId !== this.config.bridgeId) {
      const fields = { machineId, bridgeId: envelope.bridgeId };
      return this.warnOnce(`other-bridge:${machineId}`, 'ignoring a command addressed to another bridge', fields);
    }
    // One at a time: the duplicate check and the store write must not interleave.
    this.commandQueue = this.commandQueue
      .then(() => this.runCommand(machineId, envelope.data, adapter))
      .catch((error: Error) => this.logger.error('command handling failed', { machineId, error: error.message }));
  }

  private async runCommand(machineId: string, command: Command, adapter: MachineAdapter): Promise<void> {
    const { result, outcome } = await handleCommand(machineId, command, adapter, {
      store: this.store!,
      now: () => this.scheduler.now(),
      resync: (id) => this.republish(id),
      setTelemetryRate: (id, params) => this.limiter.set(id, params),
    });
    this.logger.info('command', { machineId, command: command.command, commandId: command.commandId, outcome });
    this.link.send((e) => e.commandResult(machineId, result));
  }

  private warnOnce(key: string, message: string, fields?: LogFields): void {
    if (this.throttle.allow(key)) this.logger.warn(message, { bridgeId: this.config.bridgeId, ...fields });
  }
}
