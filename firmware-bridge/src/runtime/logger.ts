// Logging behind an interface: library code never writes to the console, the CLI decides where
// lines go. Fields are structured so a log shipper can index them; secrets are never passed in.

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** One JSON object per line on the given stream (stderr by default, so stdout stays clean). */
export function createJsonLogger(
  minLevel: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const threshold = LEVELS.indexOf(minLevel);
  const log = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVELS.indexOf(level) < threshold) return;
    write(`${JSON.stringify({ ts: new Date().toISOString(), level, message, ...fields })}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * "Logged once per key per window": a flood of identical bad messages (a misconfigured service
 * re-sending a malformed command every second) must not drown the log.
 */
export class LogThrottle {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 60_000,
  ) {}

  /** True when `key` has not been logged within the window (and records that it now is). */
  allow(key: string): boolean {
    const t = this.now();
    const previous = this.last.get(key);
    if (previous !== undefined && t - previous < this.windowMs) return false;
    if (this.last.size > 1000) this.last.clear();
    this.last.set(key, t);
    return true;
  }
}
