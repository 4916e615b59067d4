import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import {
  decodeMessage,
  serviceSubscriptions,
  uuidv7,
  type ClearedRetained,
  type DecodedMessage,
  type ParsedTopic,
} from '@fabrique/firmware-bridge';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { MachineLiveService } from '../machines/machine-live.service.js';
import { BridgeDirectory } from './bridge-directory.js';
import { CommandResults } from './command-results.js';
import { BridgeMessageHandler, PARK } from './bridge-message.handler.js';
import { emptyCounts, isRejection, LogThrottle, type IngestionOutcome } from './ingestion-stats.js';
import { MqttService, type MqttMessage } from './mqtt.service.js';
import { BridgeSessions } from './session.rules.js';

/** A message waiting for fresher credentials / registry before it is judged. */
interface Parked {
  decoded: DecodedMessage | ClearedRetained;
  /** Monotonic arrival time: a lookup refresh that started later has had its chance. */
  arrivedAt: number;
  bytes: number;
}

const MAX_PARKED = 1_000;
const MAX_PARKED_BYTES = 4 * 1024 * 1024;
/** Unknown ids must not turn into a query each: refreshes are shared and spaced. */
const MIN_REFRESH_SPACING_MS = 250;
const REFRESH_EVERY_MS = 30_000;
const LOG_EVERY_MS = 60_000;
const RESYNC_SPACING_MS = 10_000;
const RESYNC_EXPIRES_MS = 60_000;
const UNATTRIBUTED = '(unattributed)';

const REASONS: Partial<Record<IngestionOutcome, string>> = {
  STALE_SESSION: 'from an older session of the bridge',
  UNKNOWN_MACHINE: 'about a machine not in the registry',
  UNKNOWN_BRIDGE: 'from a bridge without live credentials',
  NOT_ITS_MACHINE: "about a machine the bridge's credentials do not cover",
  INTERNAL: 'could not be processed (a bug: see the error above)',
};

export interface IngestionStats {
  received: number;
  outcomes: Record<IngestionOutcome, number>;
  rejected: number;
  resyncsSent: number;
  parked: number;
  tracked: { bridges: number; sessions: number; seqTopics: number; liveMachines: number; logKeys: number };
}

/**
 * Reads every contract topic off the broker and turns it into live state. Whatever arrives, each
 * message ends with exactly one outcome in the counters, nothing throws back into the MQTT
 * client, and every map is keyed by known bridges and machines only.
 */
@Injectable()
export class IngestionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Ingestion');
  private readonly prefix: string;
  private readonly sessions = new BridgeSessions();
  private readonly handler: BridgeMessageHandler;
  private readonly counts = emptyCounts();
  private readonly throttle = new LogThrottle(LOG_EVERY_MS);
  private readonly lastResync = new Map<string, number>();
  private received = 0;
  private resyncsSent = 0;
  private parked: Parked[] = [];
  private parkedBytes = 0;
  private refreshing: Promise<void> | null = null;
  private refreshBegan = -Infinity;
  /** Start of the last completed refresh. */
  private refreshedFrom = -Infinity;
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(MqttService) private readonly mqtt: MqttService,
    @Inject(MachineLiveService) private readonly live: MachineLiveService,
    @Inject(BridgeDirectory) private readonly directory: BridgeDirectory,
    @Inject(CommandResults) results: CommandResults,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.prefix = config.mqtt.topicPrefix;
    this.handler = new BridgeMessageHandler({
      live,
      directory,
      sessions: this.sessions,
      resync: (bridgeId, machineId) => this.resync(bridgeId, machineId),
      commandResult: (machineId, bridgeId, result) => results.results$.next({ machineId, bridgeId, result }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.live.ready();
    await this.refreshLookups();
    this.subscription = this.mqtt.messages$.subscribe((message) => this.accept(message));
    this.mqtt.startDelivery();
    const subscribing = this.mqtt.subscribeTo(serviceSubscriptions(this.prefix));
    // Without a broker yet, boot goes on; mqtt.js sends the subscription once connected.
    if (this.mqtt.connected) await subscribing;
    else subscribing.catch((error: Error) => this.logger.warn(`Subscribing failed: ${error.message}`));
    this.timer = setInterval(() => void this.refreshLookups(), REFRESH_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    clearInterval(this.timer);
  }

  /** The path every MQTT message takes. Never throws. */
  accept(message: MqttMessage): void {
    this.received += 1;
    try {
      const decoded = decodeMessage(this.prefix, message.topic, message.payload);
      if (!decoded.ok) {
        this.record(decoded.code, this.senderOf(decoded.topic), decoded.reason, message.topic);
        return;
      }
      this.route({ decoded, arrivedAt: performance.now(), bytes: message.payload.byteLength });
    } catch (error) {
      this.logger.error(`Ingestion failed on ${clip(message?.topic)}`, (error as Error)?.stack);
      this.record('INTERNAL', UNATTRIBUTED, '', message?.topic);
    }
  }

  stats(): IngestionStats {
    const outcomes = { ...this.counts };
    const sessions = this.sessions.size();
    return {
      received: this.received,
      outcomes,
      rejected: Object.entries(outcomes).reduce((sum, [o, n]) => sum + (isRejection(o as IngestionOutcome) ? n : 0), 0),
      resyncsSent: this.resyncsSent,
      parked: this.parked.length,
      tracked: {
        bridges: this.directory.size,
        sessions: sessions.bridges,
        seqTopics: sessions.topics,
        liveMachines: this.live.sizes().reported,
        logKeys: this.throttle.size,
      },
    };
  }

  /** Resolves once no message waits for a lookup and live state is stored (tests, benchmarks). */
  async settled(): Promise<void> {
    while (this.refreshing || this.parked.length > 0) await (this.refreshing ?? this.refreshLookups());
    await this.live.flush();
  }

  private route(item: Parked): void {
    const mayPark =
      item.arrivedAt > this.refreshedFrom &&
      this.parked.length < MAX_PARKED &&
      this.parkedBytes + item.bytes <= MAX_PARKED_BYTES;
    let result: ReturnType<BridgeMessageHandler['handle']>;
    try {
      result = this.handler.handle(item.decoded, mayPark);
    } catch (error) {
      this.logger.error(`Ingestion failed on ${item.decoded.channel}`, (error as Error)?.stack);
      result = 'INTERNAL';
    }
    if (result === PARK) {
      this.parked.push(item);
      this.parkedBytes += item.bytes;
      void this.refreshLookups();
      return;
    }
    const message = item.decoded.cleared ? undefined : item.decoded.message;
    const bridgeId = message && 'bridgeId' in message ? message.bridgeId : undefined;
    this.record(result, this.senderOf(item.decoded.topic, bridgeId), REASONS[result] ?? '', item.decoded.topic);
  }

  private record(outcome: IngestionOutcome, sender: string, reason: string, topic: ParsedTopic | string): void {
    this.counts[outcome] += 1;
    if (!isRejection(outcome)) return;
    const suppressed = this.throttle.admit(sender, this.clock.now());
    if (suppressed === null) return;
    const where = typeof topic === 'string' ? clip(topic) : JSON.stringify(topic);
    const more = suppressed > 0 ? ` (${suppressed} more dropped since the last report)` : '';
    this.logger.warn(`Dropped a message from ${sender} on ${where}: ${outcome} ${reason}${more}`);
  }

  /** A known bridge to blame in the log, or one shared key: never an id taken from the wire. */
  private senderOf(topic: ParsedTopic | null, bridgeId?: string): string {
    if (bridgeId !== undefined && this.directory.knows(bridgeId)) return bridgeId;
    if (topic?.kind === 'bridge-status' && this.directory.knows(topic.bridgeId)) return topic.bridgeId;
    if (topic?.kind === 'machine') return this.directory.bridgeFor(topic.machineId) ?? UNATTRIBUTED;
    return UNATTRIBUTED;
  }

  /** Re-reads credentials and the registry (shared, spaced), then judges the parked messages. */
  private refreshLookups(): Promise<void> {
    this.refreshing ??= this.runRefresh().finally(() => {
      this.refreshing = null;
      const parked = this.parked;
      this.parked = [];
      this.parkedBytes = 0;
      for (const item of parked) this.route(item);
    });
    return this.refreshing;
  }

  private async runRefresh(): Promise<void> {
    const wait = this.refreshBegan + MIN_REFRESH_SPACING_MS - performance.now();
    if (wait > 0) await delay(wait);
    const began = performance.now();
    this.refreshBegan = began;
    try {
      await Promise.all([this.directory.reload(), this.live.reloadRegistry()]);
      this.forgetRevoked();
    } catch (error) {
      this.logger.warn(`Could not refresh bridge credentials and machines: ${(error as Error).message}`);
    }
    this.refreshedFrom = began;
  }

  private forgetRevoked(): void {
    for (const bridgeId of [...this.sessions.bridgeIds()]) {
      if (this.directory.knows(bridgeId)) continue;
      this.sessions.forget(bridgeId);
      this.live.forgetBridge(bridgeId);
      this.throttle.forget(bridgeId);
    }
    for (const machineId of [...this.lastResync.keys()])
      if (!this.live.knows(machineId)) this.lastResync.delete(machineId);
  }

  /** At most one resync per machine per spacing: a lossy link must not turn into a command storm. */
  private resync(bridgeId: string, machineId: string): void {
    const now = this.clock.now();
    const last = this.lastResync.get(machineId);
    if (last !== undefined && now - last < RESYNC_SPACING_MS) return;
    this.lastResync.set(machineId, now);
    this.resyncsSent += 1;
    const command = {
      command: 'resync' as const,
      commandId: uuidv7(),
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + RESYNC_EXPIRES_MS).toISOString(),
      params: { reason: 'seq_gap' as const },
    };
    this.mqtt
      .sendCommand(bridgeId, machineId, command)
      .catch((error: Error) => this.logger.warn(`Resync of ${machineId} via ${bridgeId} failed: ${error.message}`));
  }
}

function clip(topic: unknown): string {
  const text = typeof topic === 'string' ? topic : String(topic);
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
