import { Writable } from 'node:stream';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogConfig } from '../config/app-config.js';

/**
 * Fields printed in their own place, or already in the message (a request's line says its method,
 * route, status and time); anything else is printed after the message as `key=value`.
 */
const OWN_FIELDS = new Set(['level', 'time', 'msg', 'context', 'reqId', 'err', 'method', 'route', 'status', 'ms']);

/** Where log lines go: stdout in production (synchronous on Linux, so a crash loses no line). */
export interface LogSink {
  write(text: string): unknown;
}

/**
 * The service's root logger: JSON lines for a log collector, or one readable line per entry for
 * a person at a terminal (the few lines of pino-pretty this service needs, without its weight).
 */
export function createRootLogger(settings: LogConfig, sink: LogSink = process.stdout): Logger {
  const stream: DestinationStream = settings.format === 'pretty' ? new PrettyLines(sink) : sink;
  return pino(
    {
      level: settings.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

/** Turns pino's JSON lines into `time LEVEL [context] message key=value (request id)`. */
export class PrettyLines extends Writable {
  constructor(private readonly target: LogSink) {
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.target.write(formatLine(chunk.toString()));
    done();
  }
}

export function formatLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof entry.time === 'string' ? entry.time.replace('T', ' ').replace('Z', '') : '';
  const level = String(entry.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const context = entry.context ? `[${String(entry.context)}] ` : '';
  const extras = Object.entries(entry)
    .filter(([key]) => !OWN_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  if (entry.reqId) extras.push(`req=${String(entry.reqId)}`);
  const err = entry.err as { stack?: string; message?: string } | undefined;
  const stack = err ? `\n${err.stack ?? err.message ?? ''}` : '';
  return `${time} ${level} ${context}${String(entry.msg ?? '')}${extras.length ? `  ${extras.join(' ')}` : ''}${stack}\n`;
}
