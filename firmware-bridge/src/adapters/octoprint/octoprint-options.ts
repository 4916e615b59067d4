// The OctoPrint adapter's options (bridge config `machines[].options`).
import type { BackoffOptions } from '../native-kit/backoff.js';
import {
  httpBaseUrl,
  OptionReader,
  reconnectOptions,
  requiredString,
  transferOptions,
  type TransferOptions,
} from '../native-kit/options.js';

export interface OctoPrintOptions {
  /** `http://octopi.local` (OctoPrint's base URL, with a path prefix if behind a proxy). */
  url: string;
  /** An application or user API key, sent as `X-Api-Key`; never logged. */
  apiKey: string;
  /** Use the push socket (`/sockjs/websocket`); REST polling is the fallback either way. */
  push: boolean;
  /** REST polling period while the push socket is down (or disabled). */
  pollIntervalMs: number;
  requestTimeoutMs: number;
  /** How long to wait for PrintDone / PrintFailed / PrintCancelled once printing stops. */
  outcomeGraceMs: number;
  /** `start()` waits at most this long for the first contact. */
  connectTimeoutMs: number;
  reconnect: BackoffOptions;
  transfer: TransferOptions;
  vendor: string;
  model: string;
}

export function parseOctoPrintOptions(raw: unknown): OctoPrintOptions {
  const r = OptionReader.of(raw);
  const options: OctoPrintOptions = {
    url: httpBaseUrl(r, 'url'),
    apiKey: requiredString(r, 'apiKey'),
    push: r.boolean('push', true),
    pollIntervalMs: r.number('pollIntervalMs', { min: 10, max: 600_000 }, 2000),
    requestTimeoutMs: r.number('requestTimeoutMs', { min: 10, max: 600_000 }, 10_000),
    outcomeGraceMs: r.number('outcomeGraceMs', { min: 0, max: 600_000 }, 3000),
    connectTimeoutMs: r.number('connectTimeoutMs', { min: 10, max: 600_000 }, 10_000),
    reconnect: reconnectOptions(r),
    transfer: transferOptions(r),
    vendor: r.string('vendor', 'Generic'),
    model: r.string('model', 'OctoPrint printer'),
  };
  r.done();
  return options;
}
