// A Bambu Lab printer over its LAN MQTT. `gcode_state` is the job truth; FINISH and FAILED are kept
// after a job, so they only ever close a job the tracker has open. Control needs LAN-only mode and
// Developer mode on recent firmware: a printer that refuses a command ("MQTT command verification
// failed") turns the adapter read-only (CONTROL_LOCKED, availability degraded) until it reconnects.
import type { Availability, Command, CommandOf, JobOutcome, MachineMeta } from '../../contract/index.js';
import { accepted, ok, refuse, type AdapterOutcome } from '../../runtime/adapter.js';
import type { Logger } from '../../runtime/logger.js';
import type { Scheduler } from '../../runtime/scheduler.js';
import type { FinishDetail, TrackedJob } from '../native-kit/job-tracker.js';
import { str, type JsonObject } from '../native-kit/read.js';
import { settleWithin, TrackedAdapter } from '../native-kit/tracked-adapter.js';
import { BambuLink, type Reply } from './bambu-link.js';
import type { BambuOptions } from './bambu-options.js';
import { CANCELLED_ERROR, readReport, type BambuReading } from './bambu-report.js';

const COMMANDS = [
  'start_job',
  'pause',
  'resume',
  'cancel',
  'clear_confirm',
  'resync',
  'ping',
  'set_telemetry_rate',
] as const;
const ACTIVE = ['PREPARE', 'RUNNING', 'PAUSE'];
/** A file on the SD card, optionally in a folder: no `..`, no leading slash. */
const SD_NAME = /^(?!.*\.\.)[A-Za-z0-9 _().-]+(\/[A-Za-z0-9 _().-]+)*\.(3mf|gcode)$/;

const gcodeState = (state: JsonObject) => str(state.gcode_state) ?? '';

export class BambuAdapter extends TrackedAdapter {
  private readonly link: BambuLink;
  /** Why the printer refuses control, once it did; cleared at the next connection. */
  private locked: string | null = null;
  private hasReport = false;
  private firstReport = true;
  private cancelRequested = false;

  constructor(
    machineId: string,
    scheduler: Scheduler,
    logger: Logger,
    private readonly options: BambuOptions,
  ) {
    super(machineId, scheduler, logger);
    this.link = new BambuLink(options, scheduler, {
      report: (print) => this.onReport(print),
      changed: () => this.onLinkChanged(),
      warn: (key, message, fields) => this.warnOnce(key, message, fields),
    });
  }

  meta(): MachineMeta {
    const { vendor, model, sdStart, readOnly } = this.options;
    return {
      kind: 'fdm_printer',
      vendor,
      model,
      adapter: 'bambu-lan',
      capabilities: {
        commands: COMMANDS,
        fileFormats: sdStart ? ['3mf', 'gcode'] : [],
        remoteStart: sdStart && !readOnly,
        startFromSdCardOnly: true,
        readOnly,
      },
    };
  }

  async start(): Promise<void> {
    await settleWithin(this.link.connect(), this.options.connectTimeoutMs, this.scheduler);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.link.stop();
  }

  protected async run(command: Command): Promise<AdapterOutcome> {
    if (this.options.readOnly) return refuse('CONTROL_LOCKED', 'this printer is configured read-only (readOnly: true)');
    if (this.locked !== null) {
      return refuse(
        'CONTROL_LOCKED',
        `the printer refuses control (${this.locked}): enable LAN-only and Developer mode`,
      );
    }
    switch (command.command) {
      case 'start_job':
        return this.startJob(command);
      case 'pause':
        return this.control('pause', ['running', 'preparing'], (s) => gcodeState(s) === 'PAUSE');
      case 'resume':
        return this.control('resume', ['paused'], (s) => gcodeState(s) === 'RUNNING');
      case 'cancel':
        return this.cancel();
      default:
        return refuse('UNSUPPORTED', `${command.command} is not supported by the bambu-lan adapter`);
    }
  }

  // ---- what the printer says -----------------------------------------------------------------------

  private availabilityNow(): Availability {
    if (!this.link.connected || !this.hasReport) {
      const why = this.link.lastError;
      return { state: 'offline', reason: `the printer is unreachable${why ? ` (${why})` : ''}` };
    }
    if (this.locked !== null)
      return { state: 'degraded', reason: `read-only: the printer refuses control (${this.locked})` };
    return { state: 'online' };
  }

  private onLinkChanged(): void {
    if (!this.link.connected) {
      this.hasReport = false;
      this.locked = null;
    }
    this.tracker.setAvailability(this.availabilityNow());
  }

  private onReport(print: JsonObject): void {
    // A P1 delta before the answer to pushall: wait for a state that says what the printer does.
    if (str(print.gcode_state) === undefined) return;
    this.hasReport = true;
    const reading = readReport(print);
    this.settle(reading);
    this.firstReport = false;
    this.tracker.observe(reading.view, this.availabilityNow());
  }

  private settle(reading: BambuReading): void {
    const job = this.tracker.current;
    const state = reading.gcodeState ?? '';
    if (!job) {
      if (this.firstReport && (state === 'FINISH' || state === 'FAILED') && this.options.startupGate) {
        this.tracker.assumeOccupied(`The printer still shows a ${state} job: confirm the build plate is clear`);
      }
      return;
    }
    const active = ACTIVE.includes(state);
    if (job.startedAt === null) {
      if (active && job.ref !== undefined && reading.jobName !== undefined && reading.jobName !== job.ref) {
        this.end('failed', { nativeCode: 'PRINTER_BUSY', message: `the printer started ${reading.jobName} instead` });
      }
      return;
    }
    const ours = job.ref ?? job.name;
    if (active && reading.jobName !== undefined && ours !== undefined && reading.jobName !== ours) {
      return this.end('lost', { message: 'ended while the bridge was disconnected' });
    }
    const code = reading.printError.toString(16).toUpperCase().padStart(8, '0');
    const { progress } = reading;
    if (state === 'FINISH') return this.end('completed', { nativeCode: 'FINISH', progress });
    if (state === 'FAILED') {
      if (this.cancelRequested || reading.printError === CANCELLED_ERROR) {
        return this.end('cancelled', { nativeCode: code, progress });
      }
      return this.end('failed', { nativeCode: code, message: `the printer reported print_error ${code}`, progress });
    }
    if (state === 'IDLE') {
      this.end(this.cancelRequested ? 'cancelled' : 'failed', { nativeCode: 'IDLE', message: 'the printer went idle' });
    }
  }

  private end(outcome: JobOutcome, detail: FinishDetail): void {
    this.tracker.finish(outcome, detail);
    this.cancelRequested = false;
  }

  // ---- commands ----------------------------------------------------------------------------------

  private startJob(command: CommandOf<'start_job'>): AdapterOutcome {
    const { params, jobId } = command;
    if (!this.options.sdStart) {
      return refuse('UNSUPPORTED', 'this bridge cannot send files to a Bambu printer (FTPS upload is not implemented)');
    }
    const refusal = this.startRefusal(params.format, ['3mf', 'gcode']);
    if (refusal) return refusal;
    if (jobId === undefined) return refuse('PRECONDITION_FAILED', 'start_job needs a jobId');
    if (params.name === undefined || !SD_NAME.test(params.name)) {
      return refuse(
        'UNSUPPORTED',
        'Bambu LAN prints only files already on the SD card: params.name must name one (FTPS upload is not implemented)',
      );
    }
    const name = params.name;
    const subtask = name.replace(/^.*\//, '').replace(/(\.gcode)?\.3mf$|\.gcode$/i, '');
    const body =
      params.format === '3mf'
        ? {
            command: 'project_file',
            param: `Metadata/plate_${params.plate ?? 1}.gcode`,
            url: `file:///sdcard/${name}`,
            subtask_name: subtask,
            md5: '',
            project_id: '0',
            profile_id: '0',
            task_id: '0',
            subtask_id: '0',
            timelapse: false,
            bed_type: 'auto',
            bed_levelling: true,
            flow_cali: false,
            vibration_cali: true,
            layer_inspect: false,
            use_ams: this.options.useAms,
          }
        : { command: 'gcode_file', param: `/sdcard/${name}` };
    const ref = params.format === '3mf' ? subtask : undefined;
    const job = this.tracker.accept(jobId, command.commandId, name, ref, ['preparing', 'STARTING']);
    this.cancelRequested = false;
    void this.requestStart(job, body);
    return accepted();
  }

  /** The start's reply arrives as events: a refusal ends the job before it reached the plate. */
  private async requestStart(job: TrackedJob, body: JsonObject & { command: string }): Promise<void> {
    const reply = await this.link.request(body);
    if (this.tracker.current !== job || job.startedAt !== null) return;
    if (reply.kind === 'ok' || reply.kind === 'timeout') {
      // Some firmwares do not answer project_file: the start timeout decides.
      this.scheduler.after(this.options.startTimeoutMs, () => {
        if (this.tracker.current === job && job.startedAt === null) {
          this.end('failed', { nativeCode: 'START_TIMEOUT', message: 'the printer did not start the job' });
        }
      });
      return;
    }
    if (reply.kind === 'rejected' && reply.locked) this.lock(reply.reason);
    const nativeCode = reply.kind === 'offline' ? 'OFFLINE' : reply.locked ? 'CONTROL_LOCKED' : 'NATIVE_REJECTED';
    this.end('failed', { nativeCode, message: reply.kind === 'rejected' ? reply.reason : 'the printer went offline' });
  }

  private async control(
    name: 'pause' | 'resume',
    allowed: readonly string[],
    until: (state: JsonObject) => boolean,
  ): Promise<AdapterOutcome> {
    const state = this.tracker.state();
    if (!allowed.includes(state)) return refuse('PRECONDITION_FAILED', `cannot ${name} while ${state}`);
    return this.answer(name, await this.link.request({ command: name, param: '' }, until));
  }

  private async cancel(): Promise<AdapterOutcome> {
    const job = this.tracker.current;
    if (!job) return refuse('PRECONDITION_FAILED', `no job to cancel while ${this.tracker.state()}`);
    const stopped = (s: JsonObject) => ['FAILED', 'IDLE', 'FINISH'].includes(gcodeState(s));
    if (job.startedAt === null) {
      this.end('cancelled', { message: 'cancelled before the printer started' });
      void this.link.request({ command: 'stop', param: '' }, stopped);
      return ok();
    }
    this.cancelRequested = true;
    const outcome = this.answer('stop', await this.link.request({ command: 'stop', param: '' }, stopped));
    if (outcome.status === 'error') this.cancelRequested = false;
    return outcome;
  }

  private answer(name: string, reply: Reply): AdapterOutcome {
    switch (reply.kind) {
      case 'ok':
        return ok();
      case 'offline':
        return refuse('PRECONDITION_FAILED', 'the printer is not connected', true);
      case 'timeout':
        return refuse('TIMEOUT', `the printer did not answer ${name} within ${this.options.commandTimeoutMs} ms`, true);
      case 'rejected':
        if (!reply.locked) return refuse('NATIVE_REJECTED', `the printer refused ${name}: ${reply.reason}`);
        this.lock(reply.reason);
        return refuse(
          'CONTROL_LOCKED',
          `the printer refuses control (${reply.reason}): enable LAN-only and Developer mode`,
        );
    }
  }

  private lock(reason: string): void {
    this.locked = reason;
    this.warnOnce('locked', 'the printer refuses control commands: read-only until it reconnects', { reason });
    this.tracker.setAvailability(this.availabilityNow());
  }
}
