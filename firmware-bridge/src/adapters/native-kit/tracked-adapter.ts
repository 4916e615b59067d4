// The part of a real-machine adapter that does not depend on the protocol: the update emitter
// (silenced after stop), the job tracker, throttled warnings, and the commands every adapter
// answers the same way (clear_confirm, ping, resync, set_telemetry_rate).
import type { Availability, Command, FileFormat, MachineMeta, MachineStateSnapshot } from '../../contract/index.js';
import {
  ok,
  refuse,
  UpdateEmitter,
  type AdapterListener,
  type AdapterOutcome,
  type MachineAdapter,
} from '../../runtime/adapter.js';
import { LogThrottle, type LogFields, type Logger } from '../../runtime/logger.js';
import type { Scheduler } from '../../runtime/scheduler.js';
import { JobTracker } from './job-tracker.js';

export abstract class TrackedAdapter implements MachineAdapter {
  protected readonly emitter: UpdateEmitter;
  protected readonly tracker: JobTracker;
  private readonly throttle: LogThrottle;
  protected stopped = false;

  protected constructor(
    readonly machineId: string,
    protected readonly scheduler: Scheduler,
    protected readonly logger: Logger,
  ) {
    this.emitter = new UpdateEmitter((error) =>
      logger.error('an update listener failed', { machineId, error: (error as Error).message }),
    );
    this.tracker = new JobTracker({
      now: () => scheduler.now(),
      emit: (update) => {
        if (!this.stopped) this.emitter.emit(update);
      },
    });
    this.throttle = new LogThrottle(() => scheduler.now());
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  abstract meta(): MachineMeta;
  /** Commands that reach the machine: start_job, pause, resume, cancel, … */
  protected abstract run(command: Command): Promise<AdapterOutcome>;

  availability(): Availability {
    return this.tracker.availability();
  }

  snapshot(): MachineStateSnapshot {
    return this.tracker.snapshot();
  }

  subscribe(listener: AdapterListener): () => void {
    return this.emitter.subscribe(listener);
  }

  async execute(command: Command): Promise<AdapterOutcome> {
    if (!this.meta().capabilities.commands?.includes(command.command)) {
      return refuse('UNSUPPORTED', `${command.command} is not supported by the ${this.meta().adapter} adapter`);
    }
    switch (command.command) {
      case 'clear_confirm':
        return this.tracker.clear('command', command.commandId);
      case 'ping':
      case 'resync':
      case 'set_telemetry_rate':
        return ok();
      default:
        return this.run(command);
    }
  }

  /** Why a job cannot start now, or null. */
  protected startRefusal(format: FileFormat, formats: readonly FileFormat[]): AdapterOutcome | null {
    if (this.tracker.availability().state === 'offline') {
      return refuse('PRECONDITION_FAILED', 'cannot start a job: the machine is offline', true);
    }
    const state = this.tracker.state();
    if (state !== 'idle') {
      const why = state === 'awaiting_clear' ? 'the build area has not been confirmed clear' : `it is ${state}`;
      return refuse('PRECONDITION_FAILED', `cannot start a job: ${why}`, true);
    }
    if (!formats.includes(format)) {
      return refuse('UNSUPPORTED', `this machine takes ${formats.join(', ')} files, not ${format}`);
    }
    return null;
  }

  /** "Log once": a machine that sends the same odd message every second logs it once a minute. */
  protected warnOnce(key: string, message: string, fields: LogFields = {}): void {
    if (this.throttle.allow(key)) this.logger.warn(message, { machineId: this.machineId, ...fields });
  }
}

/** Resolves when `first` settles or after `ms`, whichever comes first; never rejects. */
export async function settleWithin(first: Promise<unknown>, ms: number, scheduler: Scheduler): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = scheduler.after(ms, resolve);
    first.then(
      () => {
        timer.cancel();
        resolve();
      },
      () => {
        timer.cancel();
        resolve();
      },
    );
  });
}
