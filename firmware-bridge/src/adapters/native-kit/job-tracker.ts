// What every real-machine adapter shares: it turns "what the machine says now" (a NativeView) into
// the contract's state model, and the edges between two views into events. Printers do not know
// about the build-area gate, so the tracker keeps it: every job that reached the bed ends in
// `awaiting_clear` until `clear_confirm` (or until someone starts a job at the machine, which
// means a person was there). Terminal states that firmwares keep after a job (Klipper's
// `complete`, Bambu's `FINISH`) only ever close a job the tracker has open: a finished job is
// reported once, never again after a reconnect.
import type {
  Availability,
  BridgeMachineState,
  BuildAreaClearSource,
  Intervention,
  JobOutcome,
  JobProgress,
  LastJobOutcome,
  MachineStateSnapshot,
  MaterialSlot,
  Telemetry,
} from '../../contract/index.js';
import { LIMITS } from '../../contract/index.js';
import { ok, refuse, type AdapterOutcome, type AdapterUpdate, type MachineEvent } from '../../runtime/adapter.js';
import { InterventionSet } from './intervention-set.js';
import { finishedEvent, gateIntervention, iso, jobProgress } from './job-report.js';
import { isJobPhase, type FinishDetail, type NativeView, type TrackedJob, type TrackerMemory } from './native-view.js';
import { clip, wholeS } from './read.js';

export * from './native-view.js';

export interface TrackerDeps {
  now: () => number;
  emit: (update: AdapterUpdate) => void;
}

export class JobTracker {
  private view: NativeView = { phase: 'unknown' };
  private link: Availability = { state: 'offline', reason: 'connecting' };
  private job: TrackedJob | null = null;
  private jobCount = 0;
  private gateId: string | null = null;
  private lastOutcome: LastJobOutcome | undefined;
  private readonly native: InterventionSet;
  private own: Intervention[] = [];
  /** Set by a finish: a stale "still printing" view must not open a phantom job. */
  private settling: { name?: string } | null = null;
  private publishedKey = '';
  private materialsKey = '';

  constructor(private readonly deps: TrackerDeps) {
    this.native = new InterventionSet(
      () => iso(deps.now()),
      (event) => this.event(event),
    );
  }

  get current(): Readonly<TrackedJob> | null {
    return this.job;
  }

  get gated(): boolean {
    return this.gateId !== null;
  }

  availability(): Availability {
    return { ...this.link };
  }

  setAvailability(next: Availability): void {
    if (this.applyLink(next)) this.publish();
  }

  event(event: MachineEvent): void {
    this.deps.emit({ kind: 'event', event });
  }

  /** A new reading; `link` (when given) changes together with it, so no stale state flashes by. */
  observe(view: NativeView, link?: Availability): void {
    if (link) this.applyLink(link);
    this.view = view;
    const settling = this.settling;
    if (settling && (!isJobPhase(view.phase) || (view.jobName !== undefined && view.jobName !== settling.name))) {
      this.settling = null;
    }
    this.native.sync(view.interventions ?? [], LIMITS.interventions - 1);
    this.followJob(view);
    this.syncMaterials(view.materials);
    this.publish();
    this.sample();
  }

  /** `start_job` accepted: the job exists before the machine knows about it. */
  accept(
    jobId: string,
    commandId: string,
    name?: string,
    ref?: string,
    local: [TrackedJob['localState'], string] = ['receiving', 'TRANSFER'],
  ): TrackedJob {
    const job = this.open(jobId, name);
    if (ref !== undefined) job.ref = ref;
    [job.localState, job.localSubstate] = local;
    this.event({ type: 'job.accepted', data: { jobId, commandId } });
    this.publish();
    return job;
  }

  setLocal(state: TrackedJob['localState'], substate: string): void {
    if (!this.job || this.job.startedAt !== null) return;
    this.job.localState = state;
    this.job.localSubstate = substate;
    this.publish();
  }

  /** Ends the open job; `awaiting_clear` follows when it reached the bed. False without a job. */
  finish(outcome: JobOutcome, detail: FinishDetail = {}): boolean {
    const job = this.job;
    if (!job) return false;
    const end = this.deps.now();
    if (job.pauseStartedAt !== null) job.pausedMs += end - job.pauseStartedAt;
    const started = job.startedAt !== null;
    const progress = started ? (detail.progress ?? this.view.progress) : undefined;
    const data = finishedEvent(job, outcome, detail, progress, end);
    this.event({ type: 'job.finished', data });
    this.lastOutcome = { jobId: job.jobId, outcome, endedAt: iso(end) };
    this.job = null;
    if (started) {
      this.settling = { name: this.view.jobName };
      this.raiseGate(`Job ${outcome}: remove the parts and confirm the build area is clear`);
    }
    this.publish();
    return true;
  }

  /** `clear_confirm` (or the operator's button at the machine). */
  clear(source: BuildAreaClearSource, commandId?: string): AdapterOutcome {
    if (this.gateId === null || this.job) {
      return refuse('PRECONDITION_FAILED', `nothing to clear while ${this.state()}`);
    }
    this.clearGate(source, commandId);
    this.publish();
    return ok();
  }

  /** At start-up the machine still shows a finished job: its parts may still be on the bed. */
  assumeOccupied(message: string): void {
    if (this.gateId !== null || this.job) return;
    this.raiseGate(message);
    this.publish();
  }

  memory(): TrackerMemory {
    return structuredClone({
      job: this.job,
      jobCount: this.jobCount,
      gate: this.own[0] ?? null,
      ...(this.lastOutcome && { lastOutcome: this.lastOutcome }),
      interventions: [...this.native.values()],
    });
  }

  /** Picks up where a previous process left off, without re-announcing anything. */
  restore(memory: TrackerMemory, view: NativeView): void {
    this.job = memory.job;
    this.jobCount = memory.jobCount;
    this.lastOutcome = memory.lastOutcome;
    this.own = memory.gate ? [memory.gate] : [];
    this.gateId = memory.gate?.id ?? null;
    this.native.restore(memory.interventions);
    this.view = view;
    this.publish();
  }

  state(): BridgeMachineState {
    if (this.link.state === 'offline') return 'offline';
    const { job } = this;
    const { phase } = this.view;
    if (job && job.startedAt === null) return job.localState;
    // The job is open but the machine has already stopped: the adapter is settling the outcome.
    if (job) return isJobPhase(phase) ? phase : 'stopping';
    if (phase === 'error') return 'error';
    if (this.gateId !== null) return 'awaiting_clear';
    // No job but a job phase: the machine has not caught up with the end of the job yet.
    return isJobPhase(phase) ? 'idle' : phase;
  }

  snapshot(): MachineStateSnapshot {
    const state = this.state();
    const online = this.link.state !== 'offline';
    const snapshot: MachineStateSnapshot = {
      state,
      interventions: [...this.native.values(), ...this.own].slice(0, LIMITS.interventions),
    };
    if (state === 'pausing' || state === 'paused') snapshot.pauseReason = this.view.pauseReason ?? 'user';
    const local = this.job && this.job.startedAt === null ? this.job.localSubstate : undefined;
    const substate = local ?? (online ? this.view.substate : undefined);
    if (substate) snapshot.substate = clip(substate, LIMITS.shortText);
    snapshot.job = this.job ? this.jobProgress(this.job) : null;
    if (online && this.view.temps) snapshot.temps = this.view.temps;
    if (this.view.materials) snapshot.materials = this.view.materials;
    if (this.lastOutcome) snapshot.lastJobOutcome = { ...this.lastOutcome };
    return snapshot;
  }

  // ---- internals -------------------------------------------------------------------------------

  private applyLink(next: Availability): boolean {
    if (next.state === this.link.state && next.reason === this.link.reason) return false;
    this.link = { ...next };
    this.deps.emit({ kind: 'availability', availability: { ...next } });
    return true;
  }

  private open(jobId: string | null, name?: string): TrackedJob {
    const job: TrackedJob = {
      number: ++this.jobCount,
      jobId,
      ...(name !== undefined && name !== '' && { name }),
      acceptedAt: this.deps.now(),
      startedAt: null,
      runningAt: null,
      pausedMs: 0,
      pauseStartedAt: null,
      pausedReported: false,
      phaseKey: '',
      localState: 'receiving',
      localSubstate: 'TRANSFER',
    };
    this.job = job;
    return job;
  }

  private followJob(view: NativeView): void {
    if (!isJobPhase(view.phase) || this.link.state === 'offline') return;
    if (!this.job) {
      if (this.settling) return;
      this.open(null, view.jobName);
    }
    const job = this.job!;
    const now = this.deps.now();
    if (job.startedAt === null) this.begin(job, view, now);
    if (view.phase === 'running' && job.runningAt === null) job.runningAt = now;
    if (view.phase === 'paused' || view.phase === 'pausing') {
      job.pauseStartedAt ??= now;
      if (view.phase === 'paused' && !job.pausedReported) {
        job.pausedReported = true;
        const reason = view.pauseReason ?? 'user';
        const blocking = reason === 'user' ? undefined : [...this.native.values()].find((i) => i.blocking);
        const interventionId = blocking?.id;
        this.event({
          type: 'job.paused',
          data: { jobId: job.jobId, reason, ...(interventionId && { interventionId }) },
        });
      }
    } else if (job.pauseStartedAt !== null && view.phase !== 'stopping') {
      job.pausedMs += now - job.pauseStartedAt;
      job.pauseStartedAt = null;
      if (job.pausedReported) {
        job.pausedReported = false;
        this.event({ type: 'job.resumed', data: { jobId: job.jobId } });
      }
    }
    if (view.phase === 'preparing' || view.phase === 'running') {
      const phase = clip(view.substate || view.phase, LIMITS.shortText);
      const key = `${view.phase}/${phase}`;
      if (key !== job.phaseKey) {
        job.phaseKey = key;
        this.event({ type: 'job.phase', data: { jobId: job.jobId, state: view.phase, phase } });
      }
    }
  }

  private begin(job: TrackedJob, view: NativeView, now: number): void {
    job.startedAt = now;
    if (job.name === undefined && view.jobName) job.name = view.jobName;
    // A job started at the machine means a person was there: the bed was cleared by hand.
    if (this.gateId !== null) this.clearGate('at_machine');
    const p = view.progress;
    const estimatedS = p?.remainingS == null ? null : wholeS((p.elapsedS ?? 0) + p.remainingS);
    const name = job.name === undefined ? {} : { name: clip(job.name, LIMITS.name) };
    this.event({ type: 'job.started', data: { jobId: job.jobId, ...name, startedAt: iso(now), estimatedS } });
  }

  private raiseGate(message: string): void {
    const intervention = gateIntervention(message, this.deps.now());
    this.own = [intervention];
    this.gateId = intervention.id;
    this.event({ type: 'intervention.raised', data: { intervention } });
  }

  private clearGate(source: BuildAreaClearSource, commandId?: string): void {
    for (const i of this.own) this.event({ type: 'intervention.cleared', data: { id: i.id, kind: i.kind } });
    this.own = [];
    this.gateId = null;
    const jobId = this.lastOutcome?.jobId ?? null;
    this.event({ type: 'build_area.cleared', data: { jobId, source, ...(commandId && { commandId }) } });
  }

  private syncMaterials(materials: MaterialSlot[] | undefined): void {
    if (!materials) return;
    const key = JSON.stringify(materials);
    if (this.materialsKey !== '' && key !== this.materialsKey) {
      this.event({ type: 'materials.changed', data: { materials } });
    }
    this.materialsKey = key;
  }

  private jobProgress(job: TrackedJob): JobProgress {
    return jobProgress(job, job.startedAt !== null ? this.view.progress : undefined, this.deps.now());
  }

  /** Emits a state update only when something worth a retained publish changed (not progress). */
  private publish(): void {
    const snapshot = this.snapshot();
    const job = snapshot.job ? { jobId: snapshot.job.jobId, name: snapshot.job.name } : null;
    const key = JSON.stringify({ ...snapshot, temps: undefined, job });
    if (key === this.publishedKey) return;
    this.publishedKey = key;
    this.deps.emit({ kind: 'state', snapshot });
  }

  private sample(): void {
    if (this.link.state === 'offline') return;
    const sample: Telemetry = {};
    if (this.view.temps) sample.temps = this.view.temps;
    if (this.job && this.job.startedAt !== null && this.view.progress) {
      const { progressPct, elapsedS, remainingS, layer, stitch } = this.jobProgress(this.job);
      Object.assign(sample, { progressPct, elapsedS, remainingS }, layer ? { layer } : stitch ? { stitch } : {});
    }
    if (Object.keys(sample).length > 0) this.deps.emit({ kind: 'telemetry', sample });
  }
}
