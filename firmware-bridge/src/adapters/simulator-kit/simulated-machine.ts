// What every simulated machine shares, jobs aside: its state and interventions, the adapter
// plumbing (subscribe, snapshot, telemetry sampling) and the events raising or clearing an
// intervention implies. JobSimulator adds the job life cycle on top.
import type {
  Availability,
  BridgeMachineState,
  Command,
  Intervention,
  JobProgress,
  LastJobOutcome,
  MachineMeta,
  MachineStateSnapshot,
  MaterialSlot,
  PauseReason,
  Telemetry,
  Temperatures,
} from '../../contract/index.js';
import {
  UpdateEmitter,
  type AdapterListener,
  type AdapterOutcome,
  type MachineAdapter,
  type MachineEvent,
} from '../../runtime/adapter.js';
import type { Scheduler, TimerHandle } from '../../runtime/scheduler.js';

export interface SimTimings {
  transferBytesPerS: number;
  /** `pausing` → `paused` after a user pause (the head parks, the hoop stops). */
  pausingS: number;
  /** `stopping` → job finished after a cancel. */
  stoppingS: number;
  /** Telemetry sample period in simulated seconds (the bridge rate-limits what it publishes). */
  sampleS: number;
}

export type InterventionSpec = Omit<Intervention, 'since'>;

export const iso = (ms: number) => new Date(ms).toISOString();

export abstract class SimulatedMachine implements MachineAdapter {
  protected readonly emitter = new UpdateEmitter();
  protected state: BridgeMachineState = 'initializing';
  protected pauseReason: PauseReason | undefined;
  protected substate: string | undefined;
  protected interventions: Intervention[] = [];
  protected lastJobOutcome: LastJobOutcome | undefined;
  private sampler: TimerHandle | null = null;

  protected constructor(
    readonly machineId: string,
    protected readonly scheduler: Scheduler,
    protected readonly timings: SimTimings,
  ) {}

  abstract meta(): MachineMeta;
  abstract execute(command: Command): Promise<AdapterOutcome>;
  /** The job part of the snapshot, null between jobs. */
  protected abstract currentJob(): JobProgress | null;
  /** Someone dealt with an intervention (reloaded filament, re-threaded): update materials. */
  protected abstract onResolved(intervention: Intervention): void;
  protected abstract temps(): Temperatures | undefined;
  protected abstract materials(): MaterialSlot[];
  protected abstract sample(): Telemetry;

  async start(): Promise<void> {
    this.setState('idle');
    this.sampler = this.scheduler.every(this.timings.sampleS * 1000, () =>
      this.emitter.emit({ kind: 'telemetry', sample: this.sample() }),
    );
  }

  async stop(): Promise<void> {
    this.sampler?.cancel();
  }

  availability(): Availability {
    return { state: 'online' };
  }

  subscribe(listener: AdapterListener): () => void {
    return this.emitter.subscribe(listener);
  }

  snapshot(): MachineStateSnapshot {
    const snapshot: MachineStateSnapshot = { state: this.state, interventions: [...this.interventions] };
    if (this.pauseReason && (this.state === 'pausing' || this.state === 'paused')) {
      snapshot.pauseReason = this.pauseReason;
    }
    if (this.substate) snapshot.substate = this.substate;
    snapshot.job = this.currentJob();
    const temps = this.temps();
    if (temps) snapshot.temps = temps;
    snapshot.materials = this.materials();
    if (this.lastJobOutcome) snapshot.lastJobOutcome = { ...this.lastJobOutcome };
    return snapshot;
  }

  protected now(): number {
    return this.scheduler.now();
  }

  protected event(event: MachineEvent): void {
    this.emitter.emit({ kind: 'event', event });
  }

  protected setState(state: BridgeMachineState, substate?: string, pauseReason?: PauseReason): void {
    this.state = state;
    this.substate = substate;
    this.pauseReason = pauseReason;
    this.emitter.emit({ kind: 'state', snapshot: this.snapshot() });
  }

  protected raise(spec: InterventionSpec): Intervention {
    const intervention: Intervention = { ...spec, since: iso(this.now()) };
    this.interventions = [...this.interventions, intervention];
    this.event({ type: 'intervention.raised', data: { intervention } });
    if (spec.severity === 'error' || spec.severity === 'fatal') {
      const { id, severity, nativeCode, message, since } = intervention;
      const code = nativeCode === undefined ? {} : { nativeCode };
      this.event({ type: 'fault.raised', data: { id, severity, ...code, message, since } });
    }
    return intervention;
  }

  /** Removes an intervention; `resolved` says someone fixed it (vs. the job ending under it). */
  protected dismiss(id: string, resolved: boolean): void {
    const found = this.interventions.find((i) => i.id === id);
    if (!found) return;
    this.interventions = this.interventions.filter((i) => i !== found);
    this.event({ type: 'intervention.cleared', data: { id, kind: found.kind } });
    if (found.severity === 'error' || found.severity === 'fatal') {
      const code = found.nativeCode === undefined ? {} : { nativeCode: found.nativeCode };
      this.event({ type: 'fault.cleared', data: { id, ...code } });
    }
    if (resolved) this.onResolved(found);
  }

  protected hasIntervention(id: string): boolean {
    return this.interventions.some((i) => i.id === id);
  }
}
