// The adapter's connection to Moonraker: one WebSocket, `printer.info` then the object
// subscription, `notify_status_update` deltas merged into `status`, Klipper's own comings and
// goings (`notify_klippy_ready` / `_shutdown` / `_disconnected`), reconnect with backoff.
import type { Availability } from '../../contract/index.js';
import type { Scheduler } from '../../runtime/scheduler.js';
import { Reconnector } from '../native-kit/backoff.js';
import { isRecord, list, mergeDeep, rec, str, type JsonObject } from '../native-kit/read.js';
import type { MoonrakerOptions } from './moonraker-options.js';
import { MoonrakerRpc, websocketUrl } from './moonraker-rpc.js';
import { isRunoutSensor, SUBSCRIBED } from './moonraker-status.js';

export interface LinkHandlers {
  /** `status` (Klipper's subscribed objects) changed. */
  reading(): void;
  /** Klipper left Moonraker: the print it ran is gone. */
  klippyLost(): void;
  /** The availability inputs changed. */
  changed(): void;
  warn(key: string, message: string, fields?: Record<string, string>): void;
}

export class MoonrakerLink {
  rpc: MoonrakerRpc | null = null;
  /** Klipper's printer objects, as subscribed and merged. */
  status: JsonObject = {};
  private subscribed = false;
  private klippyConnected = false;
  private stopped = false;
  private readonly reconnector: Reconnector;

  constructor(
    private readonly options: MoonrakerOptions,
    private readonly scheduler: Scheduler,
    private readonly handlers: LinkHandlers,
  ) {
    this.reconnector = new Reconnector(scheduler, options.reconnect, () => void this.connect());
  }

  /** Undefined while connected but not yet subscribed (nothing to say yet). */
  availability(): Availability | undefined {
    if (!this.rpc) return { state: 'offline', reason: 'Moonraker unreachable' };
    if (!this.klippyConnected) return { state: 'offline', reason: 'Klipper is not connected to Moonraker' };
    if (!this.subscribed && str(rec(this.status.webhooks).state) !== 'startup') return undefined;
    return { state: 'online' };
  }

  /** One connection attempt; resolves once it is subscribed, waiting for Klipper, or failed. */
  connect(): Promise<void> {
    if (this.stopped || this.rpc) return Promise.resolve();
    return new Promise<void>((resolve) => this.open(resolve)).catch((error: Error) => {
      this.handlers.warn('connect', 'could not open the Moonraker socket', { error: error.message });
      this.reconnector.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
    this.reconnector.stop();
    this.rpc?.close();
    this.rpc = null;
  }

  private open(resolve: () => void): void {
    const { url, apiKey, requestTimeoutMs } = this.options;
    const rpc = new MoonrakerRpc(websocketUrl(url), apiKey, requestTimeoutMs, this.scheduler, {
      open: () => {
        this.reconnector.succeeded();
        void this.identify(rpc).then(resolve);
      },
      notification: (method, params) => this.onNotification(rpc, method, params),
      closed: (reason) => {
        resolve();
        this.onClosed(rpc, reason);
      },
      malformed: (reason) => this.handlers.warn(`malformed:${reason}`, 'ignored a Moonraker message', { reason }),
    });
    this.rpc = rpc;
  }

  private async identify(rpc: MoonrakerRpc): Promise<void> {
    try {
      const info = rec(await rpc.call('printer.info'));
      if (rpc !== this.rpc) return;
      this.klippyConnected = true;
      if (str(info.state) === 'startup') {
        // Klipper is still reading its config: `notify_klippy_ready` will follow.
        const webhooks = { state: 'startup', state_message: str(info.state_message) ?? '' };
        this.status = mergeDeep(this.status, { webhooks });
        return this.handlers.reading();
      }
      await this.subscribe(rpc);
    } catch (error) {
      if (rpc !== this.rpc) return;
      this.klippyConnected = false;
      this.handlers.changed();
      const fields = { error: (error as Error).message };
      this.handlers.warn('klippy', 'Moonraker answers but Klipper does not; waiting for it', fields);
    }
  }

  private async subscribe(rpc: MoonrakerRpc): Promise<void> {
    const listed = rec(await rpc.call('printer.objects.list'));
    const sensors = list(listed.objects).filter((n): n is string => typeof n === 'string' && isRunoutSensor(n));
    const objects = Object.fromEntries([...SUBSCRIBED, ...sensors].map((name) => [name, null]));
    const result = rec(await rpc.call('printer.objects.subscribe', { objects }));
    if (rpc !== this.rpc) return;
    this.status = rec(result.status);
    this.subscribed = true;
    this.klippyConnected = true;
    this.handlers.reading();
  }

  private onNotification(rpc: MoonrakerRpc, method: string, params: unknown[]): void {
    if (rpc !== this.rpc) return;
    switch (method) {
      case 'notify_status_update': {
        if (!this.subscribed) return;
        if (!isRecord(params[0])) return this.handlers.warn('status-update', 'ignored a status update without objects');
        this.status = mergeDeep(this.status, params[0]);
        return this.handlers.reading();
      }
      case 'notify_klippy_ready':
        return void this.identify(rpc);
      case 'notify_klippy_shutdown':
        this.status = mergeDeep(this.status, { webhooks: { state: 'shutdown' } });
        return this.handlers.reading();
      case 'notify_klippy_disconnected':
        this.klippyConnected = false;
        this.subscribed = false;
        this.handlers.klippyLost();
        return this.handlers.changed();
      default:
        return; // notify_gcode_response, notify_proc_stat_update, …
    }
  }

  private onClosed(rpc: MoonrakerRpc, reason: string): void {
    if (rpc !== this.rpc) return;
    this.rpc = null;
    this.subscribed = false;
    if (this.stopped) return;
    this.handlers.warn('link', 'lost the connection to Moonraker; reconnecting', { reason });
    this.handlers.changed();
    this.reconnector.schedule();
  }
}
