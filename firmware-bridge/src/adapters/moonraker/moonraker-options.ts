// The Moonraker adapter's options (bridge config `machines[].options`).
import type { BackoffOptions } from '../native-kit/backoff.js';
import {
  httpBaseUrl,
  OptionReader,
  reconnectOptions,
  transferOptions,
  type TransferOptions,
} from '../native-kit/options.js';

export interface MoonrakerOptions {
  /** `http://voron.local:7125`: Moonraker's HTTP base; the WebSocket is `…/websocket`. */
  url: string;
  /** Only when Moonraker's `[authorization]` does not trust the bridge's address; never logged. */
  apiKey?: string;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  reconnect: BackoffOptions;
  transfer: TransferOptions;
  /** Folder under the `gcodes` root for uploaded jobs. */
  uploadFolder: string;
  /**
   * At bridge start, a kept `complete` / `cancelled` / `error` may mean parts on the bed: wait for
   * `clear_confirm` (true), or trust the bed is clear (false).
   */
  startupGate: boolean;
  vendor: string;
  model: string;
}

export function parseMoonrakerOptions(raw: unknown): MoonrakerOptions {
  const r = OptionReader.of(raw);
  const apiKey = r.optionalString('apiKey');
  const options: MoonrakerOptions = {
    url: httpBaseUrl(r, 'url'),
    ...(apiKey !== undefined && { apiKey }),
    requestTimeoutMs: r.number('requestTimeoutMs', { min: 10, max: 600_000 }, 10_000),
    connectTimeoutMs: r.number('connectTimeoutMs', { min: 10, max: 600_000 }, 10_000),
    reconnect: reconnectOptions(r),
    transfer: transferOptions(r),
    uploadFolder: r.string('uploadFolder', 'fabrique', /^[A-Za-z0-9_-]{1,64}$/),
    startupGate: r.boolean('startupGate', true),
    vendor: r.string('vendor', 'Generic'),
    model: r.string('model', 'Klipper printer'),
  };
  r.done();
  return options;
}
