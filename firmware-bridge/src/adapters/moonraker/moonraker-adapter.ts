// A Klipper printer through Moonraker. State comes from `printer.objects.subscribe` plus every
// `notify_status_update` delta; `print_stats.state` is kept after a job (complete / cancelled /
// error), so it only ever closes a job the tracker has open and a reconnect never reports a
// finished job twice. Uploads go over HTTP with a SHA-256 `checksum` (Moonraker answers 422 on a
// mismatch); pause / resume / cancel / start are JSON-RPC calls.
import type { Command, CommandOf, JobOutcome, MachineMeta } from '../../contract/index.js';
import { accepted, ok, refuse, type AdapterOutcome } from '../../runtime/adapter.js';
import type { Logger } from '../../runtime/logger.js';
import type { Scheduler } from '../../runtime/scheduler.js';
import type { FinishDetail } from '../native-kit/job-tracker.js';
import { settleWithin, TrackedAdapter } from '../native-kit/tracked-adapter.js';
import { machineFileName, stepFailed, stepOk, transferAndStart, type Step } from '../native-kit/transfer.js';
import type { MoonrakerOptions } from './moonraker-options.js';
import { MoonrakerLink } from './moonraker-link.js';
import { RpcError } from './moonraker-rpc.js';
import { readKlipper, terminalOutcome, type KlipperReading } from './moonraker-status.js';

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

export class MoonrakerAdapter extends TrackedAdapter {
  private readonly link: MoonrakerLink;
  /** The start-up gate applies to the first reading of this process only, never to a reconnect. */
  private firstReading = true;
  private cancelRequested = false;
  private transferAbort: AbortController | null = null;

  constructor(
    machineId: string,
    scheduler: Scheduler,
    logger: Logger,
    private readonly options: MoonrakerOptions,
  ) {
    super(machineId, scheduler, logger);
    this.link = new MoonrakerLink(options, scheduler, {
      reading: () => this.onReading(),
      klippyLost: () => {
        // A Klipper restart kills the print it was running.
        if (this.tracker.current?.startedAt != null) {
          this.endJob('failed', { nativeCode: 'klippy_disconnected', message: 'Klipper disconnected mid-job' });
        }
      },
      changed: () => this.updateAvailability(),
      warn: (key, message, fields) => this.warnOnce(key, message, fields),
    });
  }

  meta(): MachineMeta {
    const { vendor, model } = this.options;
    return {
      kind: 'fdm_printer',
      vendor,
      model,
      adapter: 'moonraker',
      capabilities: { commands: COMMANDS, fileFormats: ['gcode'], remoteStart: true },
    };
  }

  async start(): Promise<void> {
    await settleWithin(this.link.connect(), this.options.connectTimeoutMs, this.scheduler);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.link.stop();
    this.transferAbort?.abort();
  }

  protected async run(command: Command): Promise<AdapterOutcome> {
    switch (command.command) {
      case 'start_job':
        return this.startJob(command);
      case 'pause':
        return this.printCall('printer.print.pause', ['running', 'preparing']);
      case 'resume':
        return this.printCall('printer.print.resume', ['paused']);
      case 'cancel':
        return this.cancel();
      default:
        return refuse('UNSUPPORTED', `${command.command} is not supported by the moonraker adapter`);
    }
  }

  private updateAvailability(): void {
    const link = this.link.availability();
    if (link) this.tracker.setAvailability(link);
  }

  // ---- what Klipper says ---------------------------------------------------------------------------

  private onReading(): void {
    const reading = readKlipper(this.link.status);
    this.settle(reading);
    this.firstReading = false;
    this.tracker.observe(reading.view, this.link.availability());
  }

  private settle(reading: KlipperReading): void {
    const job = this.tracker.current;
    const outcome = terminalOutcome(reading.print);
    if (!job) {
      if (this.firstReading && outcome && this.options.startupGate) {
        this.tracker.assumeOccupied(`Klipper still shows a ${reading.print} job: confirm the build area is clear`);
      }
      return;
    }
    const printing = reading.print === 'printing' || reading.print === 'paused';
    if (job.startedAt === null) {
      if (printing && reading.filename !== job.ref) {
        this.transferAbort?.abort();
        this.endJob('failed', {
          nativeCode: 'PRINTER_BUSY',
          message: `the printer started ${reading.filename} instead`,
        });
      }
      return;
    }
    if (reading.klippy === 'shutdown' || reading.klippy === 'error') {
      return this.endJob('failed', { nativeCode: `klippy_${reading.klippy}`, message: reading.klippyMessage }, reading);
    }
    const ours = job.ref ?? job.name;
    if (reading.filename !== undefined && ours !== undefined && reading.filename !== ours) {
      // The printer moved on to another file while we were not looking: that job's end is unknown.
      return this.endJob('lost', { message: 'ended while the bridge was disconnected' });
    }
    if (outcome) {
      const detail =
        outcome === 'failed' ? { nativeCode: 'error', message: reading.printMessage } : { nativeCode: reading.print };
      return this.endJob(outcome, detail, reading);
    }
    if (reading.print === 'standby') {
      // Older Klipper resets to standby on cancel (SDCARD_RESET_FILE), without a `cancelled`.
      const failed = !this.cancelRequested && reading.printMessage !== undefined;
      this.endJob(failed ? 'failed' : 'cancelled', { nativeCode: 'standby', message: reading.printMessage }, reading);
    }
  }

  private endJob(outcome: JobOutcome, detail: FinishDetail, reading?: KlipperReading): void {
    const mm = reading?.filamentUsedMm;
    const materialUsed = mm !== undefined && mm > 0 ? [{ slot: '0', amount: Math.round(mm), unit: 'mm' as const }] : [];
    this.tracker.finish(outcome, { ...detail, materialUsed, ...(reading && { progress: reading.progress }) });
    this.cancelRequested = false;
    this.transferAbort = null;
  }

  // ---- commands --------------------------------------------------------------------------------------

  private startJob(command: CommandOf<'start_job'>): AdapterOutcome {
    const refusal = this.startRefusal(command.params.format, ['gcode']);
    if (refusal) return refusal;
    if (command.jobId === undefined) return refuse('PRECONDITION_FAILED', 'start_job needs a jobId');
    const fileName = machineFileName(command.jobId, command.params.name, 'gcode');
    const ref = `${this.options.uploadFolder}/${fileName}`;
    const job = this.tracker.accept(command.jobId, command.commandId, command.params.name, ref);
    this.cancelRequested = false;
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
      upload: (bytes, signal) => this.upload(fileName, bytes, command.params.sha256, signal),
      start: async () => {
        const outcome = await this.call('printer.print.start', { filename: ref });
        return outcome.status === 'error' ? { ok: false, error: outcome.error } : stepOk;
      },
    });
    return accepted();
  }

  private async upload(fileName: string, bytes: Buffer, sha256: string, signal: AbortSignal): Promise<Step> {
    const form = new FormData();
    form.append('root', 'gcodes');
    form.append('path', this.options.uploadFolder);
    form.append('checksum', sha256);
    form.append('file', new Blob([new Uint8Array(bytes)]), fileName);
    const timeout = AbortSignal.timeout(Math.max(this.options.requestTimeoutMs, 600_000));
    const response = await fetch(`${this.options.url}/server/files/upload`, {
      method: 'POST',
      body: form,
      headers: this.options.apiKey === undefined ? {} : { 'X-Api-Key': this.options.apiKey },
      signal: AbortSignal.any([signal, timeout]),
    });
    const text = (await response.text()).slice(0, 200);
    if (response.status === 200 || response.status === 201) return stepOk;
    if (response.status === 422) return stepFailed('CHECKSUM_MISMATCH', `Moonraker refused the upload: ${text}`, true);
    return stepFailed('TRANSFER_FAILED', `upload answered HTTP ${response.status}: ${text}`, response.status >= 500);
  }

  private async printCall(method: string, allowed: readonly string[]): Promise<AdapterOutcome> {
    const state = this.tracker.state();
    if (!allowed.includes(state)) return refuse('PRECONDITION_FAILED', `cannot call ${method} while ${state}`);
    return this.call(method);
  }

  private async call(method: string, params?: Record<string, unknown>): Promise<AdapterOutcome> {
    const rpc = this.link.rpc;
    if (!rpc) return refuse('PRECONDITION_FAILED', 'Moonraker is not connected', true);
    try {
      await rpc.call(method, params);
      return ok();
    } catch (error) {
      const message = `Moonraker ${method}: ${(error as Error).message}`;
      if (error instanceof RpcError)
        return refuse(/timed out/.test(error.message) ? 'TIMEOUT' : 'NATIVE_REJECTED', message, true);
      return refuse('NATIVE_REJECTED', message, true);
    }
  }

  private async cancel(): Promise<AdapterOutcome> {
    const job = this.tracker.current;
    if (!job) return refuse('PRECONDITION_FAILED', `no job to cancel while ${this.tracker.state()}`);
    if (job.startedAt === null) {
      this.transferAbort?.abort();
      this.endJob('cancelled', { message: 'cancelled before the printer started' });
      return ok();
    }
    this.cancelRequested = true;
    const outcome = await this.call('printer.print.cancel');
    if (outcome.status === 'error') this.cancelRequested = false;
    return outcome;
  }
}
