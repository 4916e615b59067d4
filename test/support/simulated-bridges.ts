import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, JobOutcome } from '@fabrique/firmware-bridge';
import {
  adapterRegistry,
  Bridge,
  createAdapters,
  parseBridgeConfig,
  silentLogger,
  type AdapterOutcome,
  type AdapterUpdate,
  type AdapterListener,
  type BridgeConfig,
  type BridgeStats,
  type Logger,
  type MachineAdapter,
} from '@fabrique/firmware-bridge/runtime';
import { api, loginAdmin } from './http.js';
import { asTestApp } from './service-process.js';
import { TcpRelay } from './tcp-relay.js';

/** Per-job fault rates at zero: a job then ends `completed` unless the test cancels it. */
export const FDM_NO_FAULTS = { firstLayerFailureRate: 0, clogRate: 0, userCancelRate: 0, transferFailureRate: 0 };
export const EMBROIDERY_NO_FAULTS = { threadBreaksPer10k: 0, rehoopRate: 0, userCancelRate: 0, transferFailureRate: 0 };

export type SimulatorAdapter = 'simulator-fdm' | 'simulator-embroidery';

export interface SimulatedMachine {
  /** A machine of the service's config (e.g. `so-prusa-mk4-1`). */
  machineId: string;
  adapter: SimulatorAdapter;
  /** The simulator's own options (see its fdm-options.ts / embroidery-options.ts), over ours. */
  options?: Record<string, unknown>;
}

export interface SimulatedBridgeOptions {
  /** The service that issues the bridge's credentials (`url` is all that is read). */
  service: { url: string };
  /** Where the bridge connects (the service's `mqttUrl`, or a StandaloneBroker's `url`). */
  mqttUrl: string;
  topicPrefix: string;
  bridgeId: string;
  machines: SimulatedMachine[];
  /** An admin access token; without one the harness signs in as the test admin. */
  adminToken?: string;
  /** Skips issuing credentials (a broker without authentication, or a revoked password on purpose). */
  password?: string;
  /** Simulated seconds per real second; 60 by default (a 6-minute warm-up takes 6 s). */
  warp?: number;
  /** Random faults (clogs, thread breaks, failed transfers, user cancels) at the simulators' rates; off by default. */
  faults?: boolean;
  /** Seeds machine i with `seed + i`; without it each simulator seeds from its machine id. Either way, runs repeat. */
  seed?: number;
  /** Shared between bridges to check jobs across machines; a fresh one by default. */
  ledger?: JobLedger;
  /** The bridge's MQTT keepalive (5 s, the least it accepts), and its retry period after a lost link. */
  keepaliveSeconds?: number;
  reconnectSeconds?: number;
  logger?: Logger;
}

export interface DropOptions {
  /** The link stays down (reconnects are reset) until this settles; by default it may come back at once. */
  until?: Promise<unknown>;
}

/** A start the adapter accepted (the bridge's duplicate and expiry checks had let it through). */
export interface AcceptedStart {
  kind: 'accepted';
  bridgeId: string;
  machineId: string;
  command: 'start_job' | 'load_design';
  jobId: string;
  commandId: string;
  /** Wall-clock ms in the test process. */
  at: number;
}

export interface JobEventRecord {
  kind: 'job.started' | 'job.finished';
  bridgeId: string;
  machineId: string;
  /** Null for a job started at the machine. */
  jobId: string | null;
  outcome?: JobOutcome;
  at: number;
}

/** The bridge restarted: whatever its simulators were running is gone without a `job.finished`. */
export interface MachineReset {
  kind: 'reset';
  bridgeId: string;
  machineId: string;
  at: number;
}

export type LedgerEntry = AcceptedStart | JobEventRecord | MachineReset;

export interface ViolationOptions {
  /** A job may run again after ending with one of these (a re-queue policy); none by default. */
  rerunAfter?: readonly JobOutcome[];
}

/**
 * What the machines really did, in order: each start the adapters accepted and each `job.started`
 * / `job.finished` they emitted, recorded before the bridge publishes anything. Exactly-once
 * dispatch is judged here, not from what the service believes.
 */
export class JobLedger {
  readonly entries: LedgerEntry[] = [];

  get starts(): AcceptedStart[] {
    return this.entries.filter((e): e is AcceptedStart => e.kind === 'accepted');
  }

  get events(): JobEventRecord[] {
    return this.entries.filter((e): e is JobEventRecord => e.kind === 'job.started' || e.kind === 'job.finished');
  }

  of(machineId: string): LedgerEntry[] {
    return this.entries.filter((e) => e.machineId === machineId);
  }

  record(entry: LedgerEntry): void {
    this.entries.push(entry);
  }

  /**
   * Every breach of "a job runs at most once, a machine runs one job at a time", in plain words;
   * `expect(ledger.violations()).toEqual([])` prints them all when one happens.
   */
  violations(options: ViolationOptions = {}): string[] {
    const rerunAfter = new Set(options.rerunAfter ?? []);
    const found: string[] = [];
    const running = new Map<string, string>(); // machineId → the job it runs
    const accepted = new Map<string, AcceptedStart>(); // jobId → its last accepted start
    const started = new Map<string, JobEventRecord>(); // jobId → its last job.started
    const ended = new Map<string, JobOutcome>(); // jobId → its last outcome
    const startedSinceAccepted = new Set<string>();
    const where = (e: { machineId: string; at: number }) => `${e.machineId} at ${new Date(e.at).toISOString()}`;
    const mayRunAgain = (jobId: string) => {
      const outcome = ended.get(jobId);
      return outcome !== undefined && rerunAfter.has(outcome);
    };
    const occupy = (machineId: string, jobId: string, e: LedgerEntry) => {
      const current = running.get(machineId);
      if (current !== undefined && current !== jobId) {
        found.push(`${machineId} took job ${jobId} while still running job ${current} (${where(e)})`);
      }
      running.set(machineId, jobId);
    };
    for (const e of this.entries) {
      if (e.kind === 'reset') {
        // Whatever it was running is gone: lost, as the bridge would report it had it survived.
        const lost = running.get(e.machineId);
        if (lost !== undefined) ended.set(lost, 'lost');
        running.delete(e.machineId);
        continue;
      }
      const jobId = e.jobId ?? `(started at ${e.machineId})`;
      if (e.kind === 'accepted') {
        const previous = accepted.get(jobId);
        if (previous && !mayRunAgain(jobId)) {
          found.push(`job ${jobId} was accepted twice: on ${where(previous)}, then on ${where(e)}`);
        }
        accepted.set(jobId, e);
        ended.delete(jobId);
        startedSinceAccepted.delete(jobId);
        occupy(e.machineId, jobId, e);
      } else if (e.kind === 'job.started') {
        if (e.jobId !== null) {
          const previous = started.get(jobId);
          if (previous && startedSinceAccepted.has(jobId)) {
            found.push(`job ${jobId} started twice: on ${where(previous)}, then on ${where(e)}`);
          }
          startedSinceAccepted.add(jobId);
          started.set(jobId, e);
        }
        occupy(e.machineId, jobId, e);
      } else {
        if (e.outcome) ended.set(jobId, e.outcome);
        if (running.get(e.machineId) === jobId) running.delete(e.machineId);
      }
    }
    return found;
  }
}

/** Issues MQTT credentials for a bridge through the admin API and returns its password. */
export async function issueBridgeCredentials(
  service: { url: string },
  adminToken: string,
  bridgeId: string,
  machineIds: readonly string[],
  label = `Simulated bridge ${bridgeId}`,
): Promise<string> {
  const response = await api(asTestApp(service), adminToken).post('/api/v1/devices/bridges', {
    bridgeId,
    machineIds,
    label,
  });
  if (response.status !== 201) {
    throw new Error(`issuing credentials for ${bridgeId} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.mqttPassword as string;
}

/**
 * A real bridge runtime in the test process, with simulated machines (time-warped, seeded, faults
 * off unless asked), connected like any bridge with credentials the service issued. Its traffic
 * goes through a TCP relay of its own, so a test can cut this one bridge's link and nothing else.
 */
export async function startSimulatedBridge(options: SimulatedBridgeOptions): Promise<SimulatedBridge> {
  const machineIds = options.machines.map((m) => m.machineId);
  const password =
    options.password ??
    (await issueBridgeCredentials(
      options.service,
      options.adminToken ?? (await loginAdmin(asTestApp(options.service))),
      options.bridgeId,
      machineIds,
    ));
  const relay = await relayTo(options.mqttUrl);
  const dataDir = mkdtempSync(join(tmpdir(), `fabrique-sim-${options.bridgeId}-`));
  const warp = options.warp ?? 60;
  const config = parseBridgeConfig(
    {
      bridgeId: options.bridgeId,
      broker: {
        url: relay.via(options.mqttUrl),
        password,
        keepaliveSeconds: options.keepaliveSeconds ?? 5,
        reconnectSeconds: options.reconnectSeconds ?? 0.2,
      },
      topicPrefix: options.topicPrefix,
      dataDir,
      machines: options.machines.map((machine, i) => ({
        machineId: machine.machineId,
        adapter: machine.adapter,
        options: {
          warp,
          ...(options.seed !== undefined && { seed: options.seed + i }),
          ...(!options.faults && {
            faults: machine.adapter === 'simulator-fdm' ? FDM_NO_FAULTS : EMBROIDERY_NO_FAULTS,
          }),
          ...machine.options,
        },
      })),
    },
    dataDir,
    { registry: adapterRegistry, env: {} },
  );
  const bridge = new SimulatedBridge(config, relay, options.ledger ?? new JobLedger(), options.logger ?? silentLogger);
  await bridge.start();
  return bridge;
}

export class SimulatedBridge {
  private bridge!: Bridge;
  private adapters = new Map<string, MachineAdapter>();
  private stopped = false;

  constructor(
    private readonly config: Readonly<BridgeConfig>,
    private readonly relay: TcpRelay,
    readonly ledger: JobLedger,
    private readonly logger: Logger,
  ) {}

  get bridgeId(): string {
    return this.config.bridgeId;
  }

  get machineIds(): string[] {
    return this.config.machines.map((m) => m.machineId);
  }

  /** Holds the session counter and the command-result store; kept across `restart()`. */
  get dataDir(): string {
    return this.config.dataDir;
  }

  get connected(): boolean {
    return this.bridge.stats().connected;
  }

  /** Grows at every (re)connect, so a test can tell that a reconnect happened. */
  get session(): number {
    return this.bridge.session;
  }

  stats(): BridgeStats {
    return this.bridge.stats();
  }

  /** The simulated machine itself (its snapshot, or commands straight at the machine). */
  adapter(machineId: string): MachineAdapter {
    const adapter = this.adapters.get(machineId);
    if (!adapter) throw new Error(`${this.bridgeId} serves no machine ${machineId}`);
    return adapter;
  }

  /** @internal */
  async start(): Promise<void> {
    const adapters = createAdapters(this.config, this.logger).map(
      (inner) => new RecordingAdapter(inner, this.bridgeId, this.ledger),
    );
    this.adapters = new Map(adapters.map((a) => [a.machineId, a]));
    this.bridge = new Bridge({ config: this.config, adapters, logger: this.logger, version: 'simulated-test' });
    await this.bridge.start();
  }

  /**
   * Cuts the bridge's TCP connection with no DISCONNECT, as a pulled cable would: the broker
   * publishes its last will. The bridge then reconnects by itself with a new session, as it
   * always does, once `until` (if given) has settled.
   */
  drop(options: DropOptions = {}): void {
    this.relay.cut(options.until);
  }

  /**
   * The bridge process crashed and came back: the link is cut (the will fires), the simulators
   * lose the job they were running, and a new runtime starts on the same data folder, so its
   * session keeps counting and the command store still answers duplicates.
   */
  async restart(): Promise<void> {
    let restarted!: () => void;
    this.relay.cut(new Promise<void>((resolve) => (restarted = resolve)));
    try {
      await this.bridge.stop();
      for (const machineId of this.machineIds) {
        this.ledger.record({ kind: 'reset', bridgeId: this.bridgeId, machineId, at: Date.now() });
      }
      await this.start();
    } finally {
      restarted();
    }
  }

  /** Stops cleanly (a retained `offline`), closes the relay and removes the data folder. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.bridge.stop();
    await this.relay.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Passes everything through to the simulator and writes down what it accepted and reported. */
class RecordingAdapter implements MachineAdapter {
  constructor(
    private readonly inner: MachineAdapter,
    private readonly bridgeId: string,
    private readonly ledger: JobLedger,
  ) {
    // Subscribed before the bridge is, so the ledger sees an event before it is published.
    inner.subscribe((update) => this.observe(update));
  }

  get machineId(): string {
    return this.inner.machineId;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  meta() {
    return this.inner.meta();
  }

  availability() {
    return this.inner.availability();
  }

  snapshot() {
    return this.inner.snapshot();
  }

  subscribe(listener: AdapterListener): () => void {
    return this.inner.subscribe(listener);
  }

  async execute(command: Command): Promise<AdapterOutcome> {
    const outcome = await this.inner.execute(command);
    if ((command.command === 'start_job' || command.command === 'load_design') && outcome.status !== 'error') {
      this.ledger.record({
        kind: 'accepted',
        bridgeId: this.bridgeId,
        machineId: this.machineId,
        command: command.command,
        jobId: command.jobId ?? '(no job id)',
        commandId: command.commandId,
        at: Date.now(),
      });
    }
    return outcome;
  }

  private observe(update: AdapterUpdate): void {
    if (update.kind !== 'event') return;
    const { event } = update;
    const base = { bridgeId: this.bridgeId, machineId: this.machineId, at: Date.now() };
    if (event.type === 'job.started') this.ledger.record({ kind: 'job.started', ...base, jobId: event.data.jobId });
    if (event.type === 'job.finished') {
      this.ledger.record({ kind: 'job.finished', ...base, jobId: event.data.jobId, outcome: event.data.outcome });
    }
  }
}

/**
 * A relay of the bridge's own in front of its broker: cutting both halves of its connection is
 * what a pulled cable looks like from both ends, whatever the broker is (embedded, Aedes,
 * Mosquitto), and it needs no hook inside the bridge runtime.
 */
function relayTo(brokerUrl: string): Promise<TcpRelay> {
  const target = new URL(brokerUrl);
  if (target.protocol !== 'mqtt:' && target.protocol !== 'tcp:') {
    throw new Error(`the bridge relay speaks plain TCP only, not ${target.protocol}`);
  }
  return TcpRelay.start(target.hostname, Number(target.port || 1883));
}
