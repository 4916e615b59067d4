// The manual embroidery adapter's options (bridge config `machines[].options`).
import { resolve } from 'node:path';
import type { FileFormat } from '../../contract/index.js';
import { AdapterOptionsError } from '../../runtime/adapter.js';
import type { BackoffOptions } from '../native-kit/backoff.js';
import { OptionReader, reconnectOptions, requiredString } from '../native-kit/options.js';

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface ManualEmbroideryOptions {
  /** Where the operator page listens. `127.0.0.1` by default: set `0.0.0.0` for a tablet. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Asked on every step; never logged. */
  pin: string;
  /** Wrong PINs allowed per client per minute before the page refuses for a minute. */
  maxPinAttempts: number;
  language: Language;
  /** Keeps the operator's job across bridge restarts (path relative to the config file). */
  stateFile?: string;
  /** Retry when the port is busy. */
  reconnect: BackoffOptions;
  fileFormats: FileFormat[];
  vendor: string;
  model: string;
}

const EMBROIDERY_FORMATS: readonly FileFormat[] = ['dst', 'pes', 'exp', 'jef', 'vp3'];

export function parseManualOptions(raw: unknown, configDir: string): ManualEmbroideryOptions {
  const r = OptionReader.of(raw);
  const stateFile = r.optionalString('stateFile');
  const formats = r.list('fileFormats');
  const fileFormats = formats.length === 0 ? [...EMBROIDERY_FORMATS] : formats.map((f, i) => format(f, i));
  const options: ManualEmbroideryOptions = {
    host: r.string('host', '127.0.0.1', /^[A-Za-z0-9.:[\]-]+$/),
    port: r.number('port', { min: 0, max: 65535, integer: true }, 8090),
    pin: requiredString(r, 'pin', /^\d{4,12}$/),
    maxPinAttempts: r.number('maxPinAttempts', { min: 1, max: 100, integer: true }, 5),
    language: r.oneOf('language', LANGUAGES, 'fr'),
    ...(stateFile !== undefined && { stateFile: resolve(configDir, stateFile) }),
    reconnect: reconnectOptions(r),
    fileFormats,
    vendor: r.string('vendor', 'Generic'),
    model: r.string('model', 'Embroidery machine (operator-confirmed)'),
  };
  r.done();
  return options;
}

function format(value: unknown, index: number): FileFormat {
  if (typeof value !== 'string' || !(EMBROIDERY_FORMATS as readonly string[]).includes(value)) {
    throw new AdapterOptionsError(`fileFormats[${index}]`, `must be one of ${EMBROIDERY_FORMATS.join(', ')}`);
  }
  return value as FileFormat;
}
