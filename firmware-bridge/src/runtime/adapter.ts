// The one interface every machine adapter implements, whatever the machine speaks (Bambu LAN
// MQTT, Moonraker, OctoPrint, a simulator). The bridge runtime only ever sees this shape: it
// publishes what adapters report and hands them the commands that passed its own checks
// (dedupe, expiry, expected state, capabilities). One class per protocol, as FDM Monster does.
import type {
  Availability,
  Command,
  CommandError,
  CommandErrorCode,
  EventDataMap,
  EventType,
  MachineMeta,
  MachineStateSnapshot,
  Telemetry,
} from '../contract/index.js';
import type { Logger } from './logger.js';
import type { Scheduler } from './scheduler.js';

/** An edge event as an adapter reports it; the bridge wraps it in an envelope with its own msgId. */
export type MachineEvent = { [T in EventType]: { type: T; data: EventDataMap[T] } }[EventType];

/**
 * Everything an adapter reports, in the order it happened. One callback for all kinds keeps that
 * order: a `job.finished` event is published before the `awaiting_clear` state that follows it.
 */
export type AdapterUpdate =
  /** The snapshot changed in a way worth a retained publish (state, job, interventions, materials). */
  | { kind: 'state'; snapshot: MachineStateSnapshot }
  /** A sample; the bridge rate-limits what it forwards (progress and temperatures go here). */
  | { kind: 'telemetry'; sample: Telemetry }
  | { kind: 'event'; event: MachineEvent }
  | { kind: 'availability'; availability: Availability };

export type AdapterListener = (update: AdapterUpdate) => void;

/**
 * What `execute` answers. `accepted` is for commands whose effect takes a while and is then
 * reported by events (start_job: the job's outcome is `job.finished`, not a second result).
 */
export type AdapterOutcome = { status: 'ok' } | { status: 'accepted' } | { status: 'error'; error: CommandError };

export interface MachineAdapter {
  readonly machineId: string;
  /** Connects to the machine (or starts the simulation). Resolves once a snapshot is available. */
  start(): Promise<void>;
  /** Releases connections and timers; no updates are emitted afterwards. */
  stop(): Promise<void>;
  /** The birth certificate; `capabilities.commands` lists what `execute` implements. */
  meta(): MachineMeta;
  availability(): Availability;
  /** The current full normalized snapshot, never a delta. */
  snapshot(): MachineStateSnapshot;
  /** Returns an unsubscribe function. */
  subscribe(listener: AdapterListener): () => void;
  /**
   * Runs a command the bridge has already validated, deduplicated and checked against
   * `expiresAt` / `expectState`. Never throws for a machine-side refusal: it answers an error.
   */
  execute(command: Command): Promise<AdapterOutcome>;
}

export interface AdapterContext {
  machineId: string;
  /** The machine's `options` from the bridge config, not yet validated. */
  options: unknown;
  /** Directory of the config file, for relative paths in options (scenario files). */
  configDir: string;
  logger: Logger;
  /** Tests inject a VirtualScheduler; otherwise the adapter builds its own (warped, for simulators). */
  scheduler?: Scheduler;
}

export interface AdapterFactory {
  /** The `adapter` word in the bridge config and in `meta.adapter`. */
  readonly name: string;
  /**
   * Checks `options` at config load, so a typo fails at start, not at the first job. Throws
   * `AdapterOptionsError` naming the key.
   */
  validateOptions(options: unknown, configDir: string): void;
  create(context: AdapterContext): MachineAdapter;
}

/** A bad adapter option; `key` is relative to the machine's `options` (e.g. `faults.clogRate`). */
export class AdapterOptionsError extends Error {
  override readonly name = 'AdapterOptionsError';

  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`${key}: ${reason}`);
  }
}

export const ok = (): AdapterOutcome => ({ status: 'ok' });
export const accepted = (): AdapterOutcome => ({ status: 'accepted' });
export const refuse = (code: CommandErrorCode, message: string, retryable = false): AdapterOutcome => ({
  status: 'error',
  error: { code, message, retryable },
});

/** A small listener set that isolates listeners from each other's exceptions. */
export class UpdateEmitter {
  private readonly listeners = new Set<AdapterListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  subscribe(listener: AdapterListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(update: AdapterUpdate): void {
    for (const listener of this.listeners) {
      try {
        listener(update);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
