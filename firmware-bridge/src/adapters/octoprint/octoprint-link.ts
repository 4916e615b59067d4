// The adapter's connection to OctoPrint. The push socket is the primary source (state at up to
// 2 Hz plus events such as PrintDone); while it is down the REST API is polled every
// `pollIntervalMs`, so the machine stays visible (availability `degraded`). A REST failure means
// OctoPrint itself is unreachable: everything closes and reconnects with backoff.
import { Reconnector } from '../native-kit/backoff.js';
import { rec, str, type JsonObject } from '../native-kit/read.js';
import type { Scheduler, TimerHandle } from '../../runtime/scheduler.js';
import type { OctoPrintClient } from './octoprint-client.js';
import type { OctoPrintOptions } from './octoprint-options.js';
import { OctoPrintPush, pushUrl } from './octoprint-push.js';
import { fromPush, fromRest, type OctoStatus } from './octoprint-status.js';

export interface LinkHandlers {
  status(status: OctoStatus, source: 'rest' | 'push'): void;
  event(type: string, payload: JsonObject): void;
  /** `restOk` or `pushLive` changed. */
  changed(): void;
  warn(key: string, message: string, fields?: Record<string, string>): void;
}

export class OctoPrintLink {
  restOk = false;
  pushLive = false;
  reason = 'connecting';
  private push: OctoPrintPush | null = null;
  private poller: TimerHandle | null = null;
  private polling = false;
  private stopped = false;
  private readonly reconnector: Reconnector;
  private readonly pushReconnector: Reconnector;

  constructor(
    private readonly options: OctoPrintOptions,
    private readonly client: OctoPrintClient,
    private readonly scheduler: Scheduler,
    private readonly handlers: LinkHandlers,
  ) {
    this.reconnector = new Reconnector(scheduler, options.reconnect, () => void this.connect());
    this.pushReconnector = new Reconnector(scheduler, options.reconnect, () => void this.reopenPush());
  }

  /** One connection attempt; resolves when it succeeded or failed (never rejects). */
  async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const status = await this.fetchRest();
      if (this.stopped) return;
      this.restOk = true;
      this.reason = '';
      this.reconnector.succeeded();
      this.handlers.status(status, 'rest');
      this.handlers.changed();
      this.poller ??= this.scheduler.every(this.options.pollIntervalMs, () => void this.poll());
      if (this.options.push) await this.openPush();
    } catch (error) {
      this.lost(`OctoPrint unreachable: ${(error as Error).message}`);
    }
  }

  stop(): void {
    this.stopped = true;
    this.reconnector.stop();
    this.pushReconnector.stop();
    this.poller?.cancel();
    this.poller = null;
    this.closePush();
  }

  private async fetchRest(): Promise<OctoStatus> {
    const [printer, job] = await Promise.all([this.client.printer(), this.client.job()]);
    for (const answer of [printer, job]) {
      if (answer.status === 401 || answer.status === 403) throw new Error('the API key was refused');
    }
    if (printer.status !== 200 && printer.status !== 409)
      throw new Error(`GET /api/printer answered ${printer.status}`);
    if (job.status !== 200) throw new Error(`GET /api/job answered ${job.status}`);
    return fromRest(printer.status === 409 ? null : (printer.body ?? {}), job.body ?? {});
  }

  private async poll(): Promise<void> {
    if (this.pushLive || this.polling || !this.restOk || this.stopped) return;
    this.polling = true;
    let status: OctoStatus;
    try {
      status = await this.fetchRest();
    } catch (error) {
      if (!this.stopped) this.lost(`OctoPrint unreachable: ${(error as Error).message}`);
      return;
    } finally {
      this.polling = false;
    }
    if (this.stopped || this.pushLive || !this.restOk) return;
    try {
      this.handlers.status(status, 'rest');
    } catch (error) {
      this.handlers.warn('rest-status', 'could not handle a REST status', { error: (error as Error).message });
    }
  }

  private lost(reason: string): void {
    this.handlers.warn('link', 'lost the connection to OctoPrint; reconnecting', { reason });
    this.restOk = false;
    this.reason = reason;
    this.poller?.cancel();
    this.poller = null;
    this.closePush();
    this.handlers.changed();
    this.reconnector.schedule();
  }

  private async openPush(): Promise<void> {
    if (this.push || this.stopped) return;
    const auth = await this.client.socketAuth();
    if (this.stopped || this.push) return;
    if (auth === undefined) {
      this.handlers.warn('push-auth', 'OctoPrint refused the passive login for the push socket; polling instead');
      this.pushReconnector.schedule();
      return;
    }
    this.push = new OctoPrintPush(
      pushUrl(this.options.url),
      auth,
      this.options.apiKey,
      {
        message: (type, payload) => this.onPush(type, payload),
        closed: (reason) => this.onPushClosed(reason),
        malformed: (reason) => this.handlers.warn(`push-malformed:${reason}`, 'ignored a push message', { reason }),
      },
      this.options.requestTimeoutMs,
    );
  }

  private async reopenPush(): Promise<void> {
    if (!this.restOk || this.stopped) return;
    try {
      await this.openPush();
    } catch {
      this.pushReconnector.schedule();
    }
  }

  private onPush(type: string, payload: unknown): void {
    if (this.stopped) return;
    switch (type) {
      case 'current':
      case 'history': {
        const status = fromPush(payload);
        if (!status) return this.handlers.warn('push-current', `ignored a ${type} message without a state`);
        if (!this.pushLive) {
          this.pushLive = true;
          this.pushReconnector.succeeded();
          this.handlers.changed();
        }
        return this.handlers.status(status, 'push');
      }
      case 'event': {
        const event = rec(payload);
        const name = str(event.type);
        if (name === undefined) return this.handlers.warn('push-event', 'ignored an event without a type');
        return this.handlers.event(name, rec(event.payload));
      }
      case 'reauthRequired':
        // The session behind our auth expired: a fresh passive login on a new socket.
        this.closePush();
        this.pushReconnector.schedule();
        return;
      default:
        return; // connected, plugin, slicingProgress, timelapse…: "clients must ignore unknown messages"
    }
  }

  private onPushClosed(reason: string): void {
    this.push = null;
    if (this.stopped) return;
    if (this.pushLive) this.handlers.warn('push-closed', 'the push socket closed; polling the REST API', { reason });
    this.pushLive = false;
    this.handlers.changed();
    if (this.restOk) this.pushReconnector.schedule();
  }

  private closePush(): void {
    this.push?.close();
    this.push = null;
    this.pushLive = false;
  }
}
