// A printer driven by OctoPrint. OctoPrint knows the printer's state string and fires events; the
// adapter turns the string into a phase, the events into job outcomes (a cancel fires both
// PrintCancelled and PrintFailed: one `job.finished`, `cancelled`), and keeps the build-area gate
// OctoPrint does not have. Without the push socket, outcomes are inferred from the transitions.
import type { Availability, Command, CommandOf, JobOutcome, MachineMeta } from '../../contract/index.js';
import { accepted, ok, refuse, type AdapterOutcome } from '../../runtime/adapter.js';
import type { Logger } from '../../runtime/logger.js';
import type { Scheduler, TimerHandle } from '../../runtime/scheduler.js';
import { isJobPhase, type FinishDetail, type NativeView } from '../native-kit/job-tracker.js';
import { str, type JsonObject } from '../native-kit/read.js';
import { settleWithin, TrackedAdapter } from '../native-kit/tracked-adapter.js';
import { machineFileName, stepFailed, stepOk, transferAndStart, type Step } from '../native-kit/transfer.js';
import { OctoPrintClient, refusalText, type HttpAnswer, type JobCommand } from './octoprint-client.js';
import { OctoPrintLink } from './octoprint-link.js';
import type { OctoPrintOptions } from './octoprint-options.js';
import { phaseOf, type OctoPhase, type OctoStatus } from './octoprint-status.js';
import { StickyInterventions } from './octoprint-interventions.js';

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

export class OctoPrintAdapter extends TrackedAdapter {
  private readonly client: OctoPrintClient;
  private readonly link: OctoPrintLink;
  private last: OctoStatus | null = null;
  private lastPhase: OctoPhase | undefined;
  private outcomeTimer: TimerHandle | null = null;
  private cancelRequested = false;
  private sawCancelling = false;
  private readonly sticky = new StickyInterventions();
  private transferAbort: AbortController | null = null;

  constructor(
    machineId: string,
    scheduler: Scheduler,
    logger: Logger,
    private readonly options: OctoPrintOptions,
  ) {
    super(machineId, scheduler, logger);
    this.client = new OctoPrintClient(options.url, options.apiKey, options.requestTimeoutMs);
    this.link = new OctoPrintLink(options, this.client, scheduler, {
      status: (status, source) => this.onStatus(status, source),
      event: (type, payload) => this.onEvent(type, payload),
      changed: () => this.updateAvailability(),
      warn: (key, message, fields) => this.warnOnce(key, message, fields),
    });
  }

  meta(): MachineMeta {
    const { vendor, model, push } = this.options;
    return {
      kind: 'fdm_printer',
      vendor,
      model,
      adapter: 'octoprint',
      capabilities: { commands: COMMANDS, fileFormats: ['gcode'], remoteStart: true, pushUpdates: push },
    };
  }

  async start(): Promise<void> {
    await settleWithin(this.link.connect(), this.options.connectTimeoutMs, this.scheduler);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.link.stop();
    this.outcomeTimer?.cancel();
    this.transferAbort?.abort();
  }

  protected async run(command: Command): Promise<AdapterOutcome> {
    switch (command.command) {
      case 'start_job':
        return this.startJob(command);
      case 'pause':
        return this.jobCommand({ command: 'pause', action: 'pause' }, ['running', 'preparing']);
      case 'resume':
        return this.jobCommand({ command: 'pause', action: 'resume' }, ['paused']);
      case 'cancel':
        return this.cancel();
      default:
        return refuse('UNSUPPORTED', `${command.command} is not supported by the octoprint adapter`);
    }
  }

  // ---- what OctoPrint says -----------------------------------------------------------------------

  private updateAvailability(): void {
    this.tracker.setAvailability(this.availabilityNow());
  }

  private availabilityNow(): Availability {
    const { link } = this;
    if (!link.restOk) return { state: 'offline', reason: link.reason.slice(0, 200) };
    if (this.lastPhase === 'offline') return { state: 'offline', reason: 'OctoPrint is not connected to the printer' };
    if (this.options.push && !link.pushLive)
      return { state: 'degraded', reason: 'push socket down: polling the REST API' };
    return { state: 'online' };
  }

  private onStatus(status: OctoStatus, source: 'rest' | 'push'): void {
    const phase = phaseOf(status);
    if (phase === undefined) this.warnOnce(`state:${status.text}`, 'unknown OctoPrint state', { text: status.text });
    const p = phase ?? 'unknown';
    const previous = this.lastPhase;
    this.lastPhase = p;
    this.settle(p, status, source);
    this.sticky.follow(p, previous, status, this.tracker.current !== null);
    this.last = status;
    if (p === 'offline') this.updateAvailability();
    else this.tracker.observe(this.view(p, status), this.availabilityNow());
  }

  /** Decides whether the open job ended, and how. */
  private settle(p: OctoPhase, status: OctoStatus, source: 'rest' | 'push'): void {
    const job = this.tracker.current;
    if (!job) return;
    if (p === 'stopping') this.sawCancelling = true;
    if (job.startedAt === null) {
      // Our upload is selected and waiting: another file printing means someone else got there first.
      if (isJobPhase(p) && status.filePath !== undefined && status.filePath !== job.ref) {
        this.transferAbort?.abort();
        this.end('failed', { nativeCode: 'PRINTER_BUSY', message: `the printer started ${status.filePath} instead` });
      }
      return;
    }
    if (isJobPhase(p)) {
      this.outcomeTimer?.cancel();
      this.outcomeTimer = null;
      return;
    }
    if (p === 'error') return this.end('failed', { nativeCode: 'PRINTER_ERROR', message: status.error ?? status.text });
    if (p === 'offline') {
      return this.end('failed', { nativeCode: 'PRINTER_DISCONNECTED', message: 'OctoPrint lost the printer mid-job' });
    }
    // Printing stopped. The push socket's events say how; give them a moment, then infer.
    if (source === 'push' && this.options.outcomeGraceMs > 0) {
      this.outcomeTimer ??= this.scheduler.after(this.options.outcomeGraceMs, () => {
        this.outcomeTimer = null;
        this.endInferred();
      });
    } else this.endInferred(status);
  }

  private endInferred(status: OctoStatus | null = this.last): void {
    if (this.cancelRequested || this.sawCancelling) return this.end('cancelled', { nativeCode: 'Cancelling' });
    if ((status?.completion ?? 0) >= 99.5) return this.end('completed', { nativeCode: 'Operational' });
    this.end('failed', { nativeCode: 'UNKNOWN_END', message: 'the print stopped without a reported outcome' });
  }

  private onEvent(type: string, payload: JsonObject): void {
    switch (type) {
      case 'PrintDone':
        return this.endByEvent('completed', type);
      case 'PrintCancelled':
        return this.endByEvent('cancelled', type);
      case 'PrintFailed': {
        const reason = str(payload.reason);
        if (reason === 'cancelled') return this.endByEvent('cancelled', type);
        return this.endByEvent('failed', type, `OctoPrint reported the print failed${reason ? ` (${reason})` : ''}`);
      }
      case 'PrintCancelling':
        this.sawCancelling = true;
        return;
      case 'FilamentChange':
        this.sticky.filamentChangeRequested();
        return this.refresh();
      case 'PrintResumed':
        this.sticky.resumed();
        return this.refresh();
      default:
        if (this.sticky.pluginEvent(type)) this.refresh();
    }
  }

  /** The first terminal event wins; the second of PrintCancelled + PrintFailed finds no job. */
  private endByEvent(outcome: JobOutcome, nativeCode: string, message?: string): void {
    const job = this.tracker.current;
    if (!job || job.startedAt === null) return;
    this.end(outcome, { nativeCode, ...(message && { message }) });
  }

  private end(outcome: JobOutcome, detail: FinishDetail): void {
    this.outcomeTimer?.cancel();
    this.outcomeTimer = null;
    this.tracker.finish(outcome, detail);
    this.cancelRequested = false;
    this.sawCancelling = false;
    this.sticky.reset();
    this.transferAbort = null;
  }

  private refresh(): void {
    const last = this.last;
    const p = last ? phaseOf(last) : undefined;
    if (last && p && p !== 'offline') this.tracker.observe(this.view(p, last));
  }

  private view(p: Exclude<OctoPhase, 'offline'>, status: OctoStatus): NativeView {
    const paused = p === 'paused' || p === 'pausing';
    const interventions = this.sticky.specs(this.tracker.current?.number ?? 0, paused);
    const { completion, printTimeS, printTimeLeftS } = status;
    return {
      phase: p,
      substate: status.text,
      ...(paused && { pauseReason: interventions.length > 0 ? 'intervention' : 'user' }),
      ...(status.fileName && { jobName: status.fileName }),
      ...(completion !== null && {
        progress: {
          progressPct: completion,
          ...(printTimeS !== null && { elapsedS: printTimeS }),
          remainingS: printTimeLeftS,
        },
      }),
      ...(status.temps && { temps: status.temps }),
      interventions,
    };
  }

  // ---- commands --------------------------------------------------------------------------------

  private startJob(command: CommandOf<'start_job'>): AdapterOutcome {
    const refusal = this.startRefusal(command.params.format, ['gcode']);
    if (refusal) return refusal;
    if (command.jobId === undefined) return refuse('PRECONDITION_FAILED', 'start_job needs a jobId');
    const ref = machineFileName(command.jobId, command.params.name, 'gcode');
    const job = this.tracker.accept(command.jobId, command.commandId, command.params.name, ref);
    this.cancelRequested = false;
    this.sawCancelling = false;
    const abort = new AbortController();
    this.transferAbort = abort;
    const { downloadTimeoutMs, maxFileBytes, startTimeoutMs } = this.options.transfer;
    void transferAndStart({
      tracker: this.tracker,
      scheduler: this.scheduler,
      job,
      file: command.params,
      download: { timeoutMs: downloadTimeoutMs, maxBytes: maxFileBytes },
      signal: abort.signal,
      startTimeoutMs,
      upload: async (bytes, signal) => this.answerStep(await this.client.upload(ref, bytes, signal), 'upload'),
      start: async (signal) => this.answerStep(await this.client.jobCommand({ command: 'start' }, signal), 'start'),
    });
    return accepted();
  }

  private answerStep(answer: HttpAnswer, what: 'upload' | 'start'): Step {
    if (answer.status >= 200 && answer.status < 300) return stepOk;
    const code = what === 'upload' ? 'TRANSFER_FAILED' : 'NATIVE_REJECTED';
    return stepFailed(code, `OctoPrint refused the ${what}: ${refusalText(answer)}`, answer.status === 409);
  }

  private async jobCommand(body: JobCommand, allowed: readonly string[]): Promise<AdapterOutcome> {
    const state = this.tracker.state();
    if (!allowed.includes(state)) {
      return refuse(
        'PRECONDITION_FAILED',
        `cannot ${body.command === 'pause' ? body.action : body.command} while ${state}`,
      );
    }
    return this.send(body);
  }

  private async send(body: JobCommand): Promise<AdapterOutcome> {
    try {
      const answer = await this.client.jobCommand(body);
      if (answer.status >= 200 && answer.status < 300) return ok();
      return refuse('NATIVE_REJECTED', `OctoPrint refused: ${refusalText(answer)}`, answer.status === 409);
    } catch (error) {
      const timeout = (error as Error).name === 'TimeoutError';
      return refuse(timeout ? 'TIMEOUT' : 'NATIVE_REJECTED', `OctoPrint: ${(error as Error).message}`, true);
    }
  }

  private async cancel(): Promise<AdapterOutcome> {
    const job = this.tracker.current;
    if (!job) return refuse('PRECONDITION_FAILED', `no job to cancel while ${this.tracker.state()}`);
    if (job.startedAt === null) {
      this.transferAbort?.abort();
      this.end('cancelled', { message: 'cancelled before the printer started' });
      return ok();
    }
    this.cancelRequested = true;
    const outcome = await this.send({ command: 'cancel' });
    if (outcome.status === 'error') this.cancelRequested = false;
    return outcome;
  }
}
