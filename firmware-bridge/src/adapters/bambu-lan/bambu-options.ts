// The Bambu LAN adapter's options (bridge config `machines[].options`).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AdapterOptionsError } from '../../runtime/adapter.js';
import type { BackoffOptions } from '../native-kit/backoff.js';
import { OptionReader, reconnectOptions, requiredString } from '../native-kit/options.js';

export interface BambuOptions {
  /** The printer's IP address (or host name) on the LAN. */
  host: string;
  port: number;
  /** Printed on the printer; also the TLS server name of its certificate. */
  serial: string;
  /** "LAN access code" from the printer's screen: the MQTT password. Never logged. */
  accessCode: string;
  /**
   * PEM of the CA that signed the printer's certificate (path relative to the config file).
   * Without it the printer's self-signed certificate is accepted unverified.
   */
  ca?: Buffer;
  /** Monitor only: every control command answers CONTROL_LOCKED without reaching the printer. */
  readOnly: boolean;
  /** How long a command waits for the printer's reply (matched by `sequence_id`). */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  startTimeoutMs: number;
  reconnect: BackoffOptions;
  /** `start_job` prints a file already on the printer's SD card, named by `params.name`. */
  sdStart: boolean;
  useAms: boolean;
  /** As for Moonraker: a kept FINISH / FAILED at bridge start waits for `clear_confirm`. */
  startupGate: boolean;
  vendor: string;
  model: string;
}

export function parseBambuOptions(raw: unknown, configDir: string): BambuOptions {
  const r = OptionReader.of(raw);
  const caFile = r.optionalString('caFile');
  let ca: Buffer | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(resolve(configDir, caFile));
    } catch (error) {
      throw new AdapterOptionsError('caFile', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const options: BambuOptions = {
    host: requiredString(r, 'host', /^[A-Za-z0-9.:[\]-]+$/),
    port: r.number('port', { min: 1, max: 65535, integer: true }, 8883),
    serial: requiredString(r, 'serial', /^[A-Za-z0-9]{6,32}$/),
    accessCode: requiredString(r, 'accessCode', /^\S{4,64}$/),
    ...(ca && { ca }),
    readOnly: r.boolean('readOnly', false),
    commandTimeoutMs: r.number('commandTimeoutMs', { min: 10, max: 120_000 }, 5000),
    connectTimeoutMs: r.number('connectTimeoutMs', { min: 10, max: 600_000 }, 10_000),
    startTimeoutMs: r.number('startTimeoutMs', { min: 100, max: 3_600_000 }, 120_000),
    reconnect: reconnectOptions(r),
    sdStart: r.boolean('sdStart', true),
    useAms: r.boolean('useAms', false),
    startupGate: r.boolean('startupGate', true),
    vendor: r.string('vendor', 'Bambu Lab'),
    model: r.string('model', 'Bambu Lab printer'),
  };
  r.done();
  return options;
}
