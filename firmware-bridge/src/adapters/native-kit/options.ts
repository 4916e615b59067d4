// Options every network adapter shares, read with the simulators' OptionReader so a typo fails at
// config load with the key named (`reconnect.maxMs: must be between …`).
import { AdapterOptionsError } from '../../runtime/adapter.js';
import { OptionReader } from '../simulator-kit/options.js';
import type { BackoffOptions } from './backoff.js';

export { OptionReader };

export function requiredString(r: OptionReader, key: string, pattern?: RegExp): string {
  const value = r.optionalString(key, pattern);
  if (value === undefined) throw new AdapterOptionsError(key, 'is required');
  return value;
}

/** An `http(s)://host[:port][/path]` base URL, without a trailing slash. */
export function httpBaseUrl(r: OptionReader, key: string): string {
  const raw = requiredString(r, key);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AdapterOptionsError(key, 'must be a URL such as http://printer.local');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AdapterOptionsError(key, 'must start with http:// or https://');
  }
  if (url.search || url.hash) throw new AdapterOptionsError(key, 'must not have a query or a fragment');
  return url.href.replace(/\/+$/, '');
}

export function reconnectOptions(r: OptionReader): BackoffOptions {
  const n = r.nested('reconnect');
  const initialMs = n.number('initialMs', { min: 10, max: 600_000 }, 1000);
  const maxMs = n.number('maxMs', { min: 10, max: 3_600_000 }, 30_000);
  n.done();
  if (maxMs < initialMs) throw new AdapterOptionsError('reconnect.maxMs', 'must be at least reconnect.initialMs');
  return { initialMs, maxMs };
}

export interface TransferOptions {
  downloadTimeoutMs: number;
  maxFileBytes: number;
  startTimeoutMs: number;
}

export function transferOptions(r: OptionReader): TransferOptions {
  return {
    downloadTimeoutMs: r.number('downloadTimeoutMs', { min: 100, max: 3_600_000 }, 300_000),
    maxFileBytes: r.number('maxFileBytes', { min: 1, max: 2 ** 32, integer: true }, 512 * 1024 * 1024),
    startTimeoutMs: r.number('startTimeoutMs', { min: 100, max: 3_600_000 }, 120_000),
  };
}
