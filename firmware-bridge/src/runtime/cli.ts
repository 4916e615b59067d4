#!/usr/bin/env node
// `fabrique-bridge --config bridge.yaml`: the one start-up file that wires config, adapters and
// the bridge, and turns SIGINT / SIGTERM into a clean shutdown (retained `offline`, then
// DISCONNECT). Exit codes: 0 clean stop, 1 crash, 2 bad usage or config.
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Bridge } from './bridge.js';
import { ConfigError, loadBridgeConfig } from './config.js';
import { createJsonLogger, type LogLevel } from './logger.js';
import { adapterRegistry, createAdapters } from './registry.js';

const USAGE = 'usage: fabrique-bridge --config <bridge.yaml> [--log-level debug|info|warn|error]\n';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
/** A broker that never acknowledges must not keep a stopping bridge alive forever. */
const STOP_TIMEOUT_MS = 10_000;

export type CliArgs = { config: string; logLevel: LogLevel } | { help: true } | { error: string };

export function parseArgs(argv: readonly string[]): CliArgs {
  let config: string | undefined;
  let logLevel: LogLevel = 'info';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '-h' || flag === '--help') return { help: true };
    else if (flag === '-c' || flag === '--config') config = value();
    else if (flag === '--log-level') {
      const level = value();
      if (!LEVELS.includes(level as LogLevel)) return { error: `--log-level must be one of ${LEVELS.join(', ')}` };
      logLevel = level as LogLevel;
    } else return { error: `unknown argument ${arg}` };
  }
  if (!config) return { error: '--config is required' };
  return { config, logLevel };
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const args = parseArgs(argv);
  if ('help' in args) {
    process.stdout.write(USAGE);
    return 0;
  }
  if ('error' in args) {
    process.stderr.write(`fabrique-bridge: ${args.error}\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadBridgeConfig(args.config, { registry: adapterRegistry });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`fabrique-bridge: ${error.message}\n`);
    return 2;
  }
  const logger = createJsonLogger(args.logLevel);
  const version = packageVersion();
  const bridge = new Bridge({ config, adapters: createAdapters(config, logger), logger, version });
  await bridge.start();
  logger.info('bridge started', { bridgeId: config.bridgeId, machines: config.machines.length, version });

  const signal = await untilSignal();
  logger.info('stopping', { signal });
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS, 'timeout').unref());
  if ((await Promise.race([bridge.stop(), timeout])) === 'timeout') {
    logger.warn('broker did not acknowledge the offline status in time; exiting anyway');
  }
  return 0;
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
})();

/** Runs the command and exits with its code: what the `fabrique-bridge` launcher (bin/) calls. */
export function runCli(argv: readonly string[] = process.argv.slice(2)): void {
  main(argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `fabrique-bridge: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

if (invokedDirectly) runCli();
