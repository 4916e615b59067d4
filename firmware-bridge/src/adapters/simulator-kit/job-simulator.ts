// The job life cycle every simulated machine follows: accepted → receiving (the file, by bytes)
// → preparing → running → awaiting_clear (the bed / hoop is occupied until staff confirm), with
// pauses, interventions, cancel and clear_confirm. Subclasses say what happens inside a job.
import type {
  BridgeMachineState,
  Command,
  Counter,
  FileReference,
  Intervention,
  JobOutcome,
  JobProgress,
  MaterialUsage,
  PauseReason,
  StitchProgress,
} from '../../contract/index.js';
import { accepted, ok, refuse, type AdapterOutcome } from '../../runtime/adapter.js';
import type { Scheduler, TimerHandle } from '../../runtime/scheduler.js';
import { finishedEvent } from './job-summary.js';
import { iso, SimulatedMachine, type InterventionSpec, type SimTimings } from './simulated-machine.js';
import { WorkClock } from './work-clock.js';

export interface SimJob {
  number: number;
  jobId: string;
  name?: string;
  commandId: string;
  /** `load_design`: the operator starts the job at the machine (confirm_step). */
  via: 'start_job' | 'load_design';
  file: FileReference;
  acceptedAt: number;
  /** `job.started`: preparing began (and something may now occupy the bed / hoop). */
  startedAt: number | null;
  runningAt: number | null;
  pausedMs: number;
  pauseStartedAt: number | null;
}

export type FinalProgress = { layer?: Counter; stitch?: StitchProgress };

const ACTIVE: readonly BridgeMachineState[] = ['receiving', 'preparing', 'running', 'pausing', 'paused'];

export abstract class JobSimulator extends SimulatedMachine {
  protected readonly work: WorkClock;
  protected job: SimJob | null = null;
  protected jobCount = 0;
  private jobTimers: TimerHandle[] = [];

  protected constructor(machineId: string, scheduler: Scheduler, timings: SimTimings) {
    super(machineId, scheduler, timings);
    this.work = new WorkClock(scheduler);
  }

  /** Draws the job's plan (durations, faults); returns where the transfer fails, if it does. */
  protected abstract planJob(job: SimJob): { transferFailAtPct: number | null };
  /** The file is on the machine: start preparing (or wait for the operator). */
  protected abstract onTransferred(job: SimJob): void;
  protected abstract jobProgress(job: SimJob): JobProgress;
  protected abstract finalProgress(): FinalProgress;
  protected abstract materialUsed(): MaterialUsage[];
  protected abstract runningSubstate(): string;
  /** `confirm_step` on an intervention that is not a pause (e.g. "press start at the machine"). */
  protected onConfirmed(intervention: Intervention): void {
    void intervention;
  }
  /** The job ended, whatever the outcome: heaters off, motors idle. */
  protected onJobEnded(): void {}

  protected currentJob(): JobProgress | null {
    return this.job ? this.jobProgress(this.job) : null;
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.cancelJobTimers();
    this.work.stop();
  }

  async execute(command: Command): Promise<AdapterOutcome> {
    if (!this.meta().capabilities.commands?.includes(command.command)) {
      return refuse('UNSUPPORTED', `${command.command} is not supported by ${this.meta().model}`);
    }
    switch (command.command) {
      case 'start_job':
      case 'load_design':
        return this.accept(command.command, command.jobId, command.commandId, command.params);
      case 'pause':
        return this.pause();
      case 'resume':
        return this.resume();
      case 'confirm_step':
        return this.confirmStep(command.params.interventionId);
      case 'cancel':
        return this.cancel();
      case 'clear_confirm':
        return this.clearConfirm(command.commandId);
      case 'ping':
      case 'resync':
      case 'set_telemetry_rate':
        return ok();
    }
  }

  // ---- for the simulators ---------------------------------------------------------------------

  /** A timer that belongs to the current job: a cancel or a finish drops it. */
  protected later(seconds: number, fn: () => void): void {
    this.jobTimers.push(this.scheduler.after(seconds * 1000, fn));
  }

  /** `job.phase` plus the state it implies. */
  protected phase(state: BridgeMachineState, phase: string): void {
    if (this.job) this.event({ type: 'job.phase', data: { jobId: this.job.jobId, state, phase } });
    this.setState(state, phase);
  }

  protected beginJob(estimatedS: number | null): void {
    if (!this.job) return;
    this.job.startedAt = this.now();
    const { jobId, name } = this.job;
    const named = name === undefined ? {} : { name };
    this.event({ type: 'job.started', data: { jobId, ...named, startedAt: iso(this.now()), estimatedS } });
  }

  protected beginRunning(substate: string): void {
    if (!this.job) return;
    this.job.runningAt = this.now();
    this.work.start();
    this.phase('running', substate);
  }

  /** The machine stopped by itself (runout, thread break, colour change): paused at once. */
  protected pauseFor(spec: InterventionSpec, reason: PauseReason, substate: string): void {
    if (!this.job || this.state !== 'running') return;
    this.work.stop();
    this.job.pauseStartedAt = this.now();
    this.raise(spec);
    this.event({ type: 'job.paused', data: { jobId: this.job.jobId, reason, interventionId: spec.id } });
    this.setState('paused', substate, reason);
  }

  /** Back to work after a pause, once nothing blocking is left. */
  protected continueJob(): void {
    if (!this.job || this.state !== 'paused') return;
    if (this.job.pauseStartedAt !== null) this.job.pausedMs += this.now() - this.job.pauseStartedAt;
    this.job.pauseStartedAt = null;
    this.work.start();
    this.event({ type: 'job.resumed', data: { jobId: this.job.jobId } });
    this.setState('running', this.runningSubstate());
  }

  /** Cancel (by command or at the machine): `failed` when a fault had already doomed the job. */
  protected stopJob(): void {
    const fatal = this.interventions.find((i) => !i.resumable && i.severity !== 'info');
    const outcome = fatal ? 'failed' : 'cancelled';
    const detail = fatal ? { nativeCode: fatal.nativeCode, message: fatal.message } : {};
    if (this.state === 'receiving') return this.finish(outcome, detail);
    this.cancelJobTimers();
    this.work.stop();
    this.setState('stopping', 'STOPPING');
    this.later(this.timings.stoppingS, () => this.finish(outcome, detail));
  }

  /** Ends the job: `job.finished`, then `awaiting_clear` if anything reached the bed / hoop. */
  protected finish(outcome: JobOutcome, detail: { nativeCode?: string; message?: string } = {}): void {
    const job = this.job;
    if (!job) return;
    this.cancelJobTimers();
    this.work.stop();
    const end = this.now();
    if (job.pauseStartedAt !== null) job.pausedMs += end - job.pauseStartedAt;
    for (const i of this.interventions) this.dismiss(i.id, false);
    const usage = { materialUsed: this.materialUsed(), progress: this.finalProgress(), workMs: this.work.elapsedMs() };
    this.event({ type: 'job.finished', data: finishedEvent(job, outcome, end, usage, detail) });
    this.onJobEnded();
    this.lastJobOutcome = { jobId: job.jobId, outcome, endedAt: iso(end) };
    this.job = null;
    this.work.reset();
    // Nothing reached the machine (the transfer failed or was cancelled): nothing to clear.
    if (job.startedAt === null) return this.setState('idle');
    this.raise({
      id: `clear-${job.number}`,
      kind: 'clear_build_area',
      severity: 'info',
      blocking: true,
      resumable: false,
      message: `Job ${outcome}: remove the parts and confirm the build area is clear`,
      actions: ['clear_confirm'],
    });
    this.setState('awaiting_clear');
  }

  // ---- commands -------------------------------------------------------------------------------

  private accept(
    via: SimJob['via'],
    jobId: string | undefined,
    commandId: string,
    file: FileReference,
  ): AdapterOutcome {
    if (this.state !== 'idle') {
      const why =
        this.state === 'awaiting_clear' ? 'the build area has not been confirmed clear' : `it is ${this.state}`;
      return refuse('PRECONDITION_FAILED', `cannot start a job: ${why}`, true);
    }
    if (!this.meta().capabilities.fileFormats?.includes(file.format)) {
      return refuse('UNSUPPORTED', `${this.meta().model} cannot handle ${file.format} files`);
    }
    const number = ++this.jobCount;
    const job: SimJob = {
      ...{ number, jobId: jobId ?? `local-${number}`, name: file.name, commandId, via, file },
      ...{ acceptedAt: this.now(), startedAt: null, runningAt: null, pausedMs: 0, pauseStartedAt: null },
    };
    this.job = job;
    this.work.reset();
    const { transferFailAtPct } = this.planJob(job);
    this.event({ type: 'job.accepted', data: { jobId: job.jobId, commandId } });
    this.setState('receiving', 'TRANSFER');
    this.transfer(job, transferFailAtPct);
    return accepted();
  }

  /** The file arrives at `transferBytesPerS`; progress at each quarter, like a download bar. */
  private transfer(job: SimJob, failAtPct: number | null): void {
    const { bytes, sha256 } = job.file;
    const seconds = bytes / this.timings.transferBytesPerS;
    const failAt = failAtPct === null ? Infinity : failAtPct / 100;
    for (const q of [0.25, 0.5, 0.75].filter((q) => q < failAt)) {
      const progress = { jobId: job.jobId, bytesDone: Math.round(bytes * q), bytesTotal: bytes };
      this.later(seconds * q, () => this.event({ type: 'transfer.progress', data: progress }));
    }
    if (failAt <= 1) {
      return this.later(seconds * failAt, () => {
        const error = { code: 'TRANSFER_FAILED' as const, message: 'download interrupted', retryable: true };
        this.event({ type: 'transfer.failed', data: { jobId: job.jobId, error } });
        this.finish('failed', { nativeCode: 'TRANSFER_FAILED', message: error.message });
      });
    }
    this.later(seconds, () => {
      this.event({ type: 'transfer.completed', data: { jobId: job.jobId, bytes, sha256 } });
      this.onTransferred(job);
    });
  }

  private pause(): AdapterOutcome {
    const job = this.job;
    if (!job || this.state !== 'running') return refuse('PRECONDITION_FAILED', `cannot pause while ${this.state}`);
    this.work.stop();
    job.pauseStartedAt = this.now();
    this.setState('pausing', 'PAUSING', 'user');
    this.later(this.timings.pausingS, () => {
      this.event({ type: 'job.paused', data: { jobId: job.jobId, reason: 'user' } });
      this.setState('paused', 'PAUSED', 'user');
    });
    return ok();
  }

  private resume(): AdapterOutcome {
    if (this.state !== 'paused') {
      return refuse('PRECONDITION_FAILED', `cannot resume while ${this.state}`, this.state === 'pausing');
    }
    const stuck = this.interventions.find((i) => i.blocking && !i.resumable);
    if (stuck) return refuse('PRECONDITION_FAILED', `${stuck.message} (cannot be resumed: ${stuck.kind})`);
    for (const i of this.interventions.filter((i) => i.blocking)) this.dismiss(i.id, true);
    this.continueJob();
    return ok();
  }

  private confirmStep(interventionId: string): AdapterOutcome {
    const found = this.interventions.find((i) => i.id === interventionId);
    if (!found?.actions.includes('confirm_step')) {
      return refuse('PRECONDITION_FAILED', `no intervention ${interventionId} waiting for confirm_step`);
    }
    this.dismiss(found.id, true);
    if (this.state === 'paused' && !this.interventions.some((i) => i.blocking)) this.continueJob();
    else this.onConfirmed(found);
    return ok();
  }

  private cancel(): AdapterOutcome {
    if (!this.job || !ACTIVE.includes(this.state)) return refuse('PRECONDITION_FAILED', 'no job to cancel');
    this.stopJob();
    return ok();
  }

  private clearConfirm(commandId: string): AdapterOutcome {
    if (this.state !== 'awaiting_clear') return refuse('PRECONDITION_FAILED', `nothing to clear while ${this.state}`);
    for (const i of this.interventions.filter((i) => i.kind === 'clear_build_area')) this.dismiss(i.id, true);
    const jobId = this.lastJobOutcome?.jobId ?? null;
    this.event({ type: 'build_area.cleared', data: { jobId, source: 'command', commandId } });
    this.setState('idle');
    return ok();
  }

  private cancelJobTimers(): void {
    for (const t of this.jobTimers) t.cancel();
    this.jobTimers = [];
  }
}
