import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's start-up narration (every module initialised, every route mapped: 127 of 135 lines of a
 * start) is for developers: it goes to `debug`, and the start says what runs where in a few lines.
 */
const NEST_BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'WebSocketsController',
]);

const STACK = /\n\s+at /;

/**
 * Nest's LoggerService over pino. Inside an HTTP request, lines go through that request's child
 * logger (see request-logging.ts), so every line a request causes carries its request id.
 */
export class AppLogger implements LoggerService {
  /** The logger of the request being served, if any. */
  readonly requests = new AsyncLocalStorage<Logger>();

  constructor(readonly root: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** The current request's logger, or the root one. */
  get current(): Logger {
    return this.requests.getStore() ?? this.root;
  }

  /**
   * Nest's contract: `(message, ...params, context)`, and for errors `(message, stack?, context)`.
   * A named Logger always appends its context, so a trailing string is the context.
   */
  private write(level: Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const last = rest.at(-1);
    const context = typeof last === 'string' && !STACK.test(last) ? (rest.pop() as string) : undefined;
    const effective = level === 'info' && context && NEST_BOOT_CONTEXTS.has(context) ? 'debug' : level;
    const logger = this.current;
    if (!logger.isLevelEnabled(effective)) return;
    const fields: Record<string, unknown> = context ? { context } : {};
    const stack = rest.find((param): param is string => typeof param === 'string' && STACK.test(param));
    let text: string;
    if (message instanceof Error) {
      fields.err = message;
      text = message.message;
    } else if (typeof message === 'object' && message !== null) {
      fields.data = message;
      text = '';
    } else {
      text = String(message);
      if (stack) fields.err = { message: text, stack };
    }
    logger[effective](fields, text);
  }
}
