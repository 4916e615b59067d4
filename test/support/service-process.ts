import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { serviceClientId, type RawConfig } from '../../src/config/config.loader.js';
import { discardServiceSession } from './mqtt-session.js';
import { PATIENCE_MS } from './patience.js';
import { ADMIN, type TestApp } from './test-app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REGISTER = fileURLToPath(new URL('./ts-register.mjs', import.meta.url));
const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.mjs', import.meta.url));

/** Everything the service reads from the environment; the child gets only what we set here. */
const SERVICE_ENV = [
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'FABRIQUE_CONFIG',
  'FABRIQUE_DATA_DIR',
  'DATABASE_URL',
  'MQTT_URL',
  'MQTT_PORT',
  'FABRIQUE_JWT_SECRET',
  'FABRIQUE_ADMIN_EMAIL',
  'FABRIQUE_ADMIN_PASSWORD',
  'TRUST_PROXY',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'METRICS_TOKEN',
  'METRICS_PORT',
  'MQTT_DYNAMIC_SECURITY',
];

const MAX_LOG_CHARS = 4_000_000;

export interface ServiceProcessOptions {
  /** Edits the config (config/default.yaml plus the harness's settings) before it is written. */
  configure?: (raw: RawConfig) => void;
  /** An external broker; defaults to MQTT_URL. `null` uses the service's embedded broker. */
  mqttUrl?: string | null;
  /** PostgreSQL (a fresh schema per call); defaults to DATABASE_URL. `null` uses SQLite. */
  databaseUrl?: string | null;
  /** More environment for the child (e.g. FABRIQUE_JWT_SECRET). */
  env?: Record<string, string>;
  /** How long a start may take before it fails with the service's output; the suites' patience by default. */
  bootTimeoutMs?: number;
}

export interface RestartOptions {
  /** Wait for /health to answer 200 (the default), or for any answer (a broker that is down). */
  healthy?: boolean;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  /** Base URL of the HTTP server; the same across restarts. */
  readonly url: string;
  /** Where bridges connect: the external broker, or the embedded broker's fixed port. */
  readonly mqttUrl: string;
  readonly topicPrefix: string;
  /** The service's data folder (SQLite file, JWT secret); kept across restarts. */
  readonly dataDir: string;
  /** The config as written to the file the service reads. */
  readonly config: RawConfig;
  /** The running child's pid; undefined while it is down. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** stdout and stderr of every run so far, each run headed by its pid. */
  logs(): string;
  /** Sends `signal` and resolves once the process has exited; SIGKILL leaves it no cleanup at all. */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus | null>;
  /** Starts again on the same data, schema and ports (stopping it with SIGTERM first if it runs). */
  restart(options?: RestartOptions): Promise<void>;
  /** Stops it, drops its PostgreSQL schema and removes its folder. */
  close(): Promise<void>;
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * The whole service as a separate OS process, run from the TypeScript source (no build), so a
 * test can SIGKILL it mid-work and start it again: a fresh data folder, free ports, a config file
 * of its own with a unique topic prefix and no demo bridges, the test admin, and PostgreSQL in a
 * fresh schema when DATABASE_URL is set (as startTestApp does). The child runs on the real clock.
 */
export async function startServiceProcess(options: ServiceProcessOptions = {}): Promise<ServiceProcess> {
  installExitHook();
  const folder = mkdtempSync(join(tmpdir(), 'fabrique-process-'));
  const dataDir = join(folder, 'data');
  mkdirSync(dataDir);
  const configFile = join(folder, 'config.yaml');
  const unique = randomBytes(6).toString('hex');
  const mqttUrl = options.mqttUrl === undefined ? process.env.MQTT_URL || null : options.mqttUrl;
  const databaseUrl = options.databaseUrl === undefined ? process.env.DATABASE_URL || null : options.databaseUrl;
  const schema = databaseUrl ? `t_${unique}` : undefined;
  const [httpPort, brokerPort] = await freePorts(2);

  const raw = parse(readFileSync(join(ROOT, 'config/default.yaml'), 'utf8')) as RawConfig;
  raw.server = { ...raw.server, port: httpPort, host: '127.0.0.1' };
  raw.data = { dir: dataDir };
  raw.mqtt.embedded = { host: '127.0.0.1', port: brokerPort };
  // A shared broker (MQTT_URL) serves concurrent suites: each service keeps to its own topics.
  raw.mqtt.topicPrefix = `fabrique-test/${unique}`;
  raw.demo = { simulatedBridges: false };
  // A database that refuses the child fails the start at once, as in startTestApp.
  raw.database = { ...raw.database, ...(schema && { schema }), connectRetries: 0 };
  options.configure?.(raw);
  writeFileSync(configFile, stringify(raw));

  const env: NodeJS.ProcessEnv = { ...process.env };
  // jest's NODE_OPTIONS (--experimental-vm-modules) and a developer's PORT are not the child's.
  for (const key of [...SERVICE_ENV, 'NODE_OPTIONS', 'FORCE_COLOR']) delete env[key];
  Object.assign(env, {
    NO_COLOR: '1',
    FABRIQUE_CONFIG: configFile,
    FABRIQUE_ADMIN_EMAIL: ADMIN.email,
    FABRIQUE_ADMIN_PASSWORD: ADMIN.password,
    ...(mqttUrl && { MQTT_URL: mqttUrl }),
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    ...options.env,
  });

  const url = `http://127.0.0.1:${raw.server.port}`;
  const bootTimeoutMs = options.bootTimeoutMs ?? PATIENCE_MS;
  let output = '';
  let runs = 0;
  let child: ChildProcess | null = null;
  let exited: Promise<ExitStatus> = Promise.resolve({ code: null, signal: null });

  const append = (text: string) => {
    output += text;
    if (output.length > MAX_LOG_CHARS) output = output.slice(-MAX_LOG_CHARS / 2);
  };

  const spawnChild = () => {
    const started = spawn(process.execPath, ['--import', REGISTER, '--import', EXIT_WITH_PARENT, 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    runs += 1;
    append(`\n----- run ${runs}, pid ${started.pid} -----\n`);
    started.stdout?.setEncoding('utf8').on('data', append);
    started.stderr?.setEncoding('utf8').on('data', append);
    children.add(started);
    exited = new Promise((resolve) =>
      started.once('exit', (code, signal) => {
        children.delete(started);
        append(`----- pid ${started.pid} exited: ${signal ?? `code ${code}`} -----\n`);
        resolve({ code, signal });
      }),
    );
    child = started;
    return exited;
  };

  const waitForHealth = async (exit: Promise<ExitStatus>, healthy: boolean) => {
    const deadline = Date.now() + bootTimeoutMs;
    const seen: { exit: ExitStatus | null } = { exit: null };
    void exit.then((status) => (seen.exit = status));
    for (;;) {
      if (seen.exit) throw new Error(`the service exited while starting (${describe(seen.exit)})\n${tail(output)}`);
      const status = await fetch(`${url}/health`).then(
        (response) => response.status,
        () => null,
      );
      if (status === 200 || (!healthy && status !== null)) return;
      if (Date.now() > deadline) {
        throw new Error(`the service did not answer /health within ${bootTimeoutMs} ms\n${tail(output)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const alive = () => child !== null && child.exitCode === null && child.signalCode === null;

  const stop = async (signal: NodeJS.Signals): Promise<ExitStatus | null> => {
    const current = child;
    if (!current || !alive()) return null;
    const done = exited;
    current.kill(signal);
    const status = await done;
    child = null;
    return status;
  };

  /** SIGTERM lets Nest's shutdown hooks run; a service stuck in them is killed after 10 s. */
  const stopGracefully = async () => {
    const current = child;
    if (!current || !alive()) return;
    const timer = setTimeout(() => current.kill('SIGKILL'), 10_000);
    try {
      await stop('SIGTERM');
    } finally {
      clearTimeout(timer);
    }
  };

  const start = async (healthy = true) => {
    try {
      await waitForHealth(spawnChild(), healthy);
    } catch (error) {
      await stop('SIGKILL');
      throw error;
    }
  };

  try {
    await start();
  } catch (error) {
    await cleanUp(folder, databaseUrl, schema);
    throw error;
  }

  return {
    url,
    mqttUrl: mqttUrl ?? `mqtt://127.0.0.1:${raw.mqtt.embedded.port}`,
    topicPrefix: raw.mqtt.topicPrefix,
    dataDir,
    config: raw,
    get pid() {
      return alive() ? child?.pid : undefined;
    },
    get running() {
      return alive();
    },
    logs: () => output,
    kill: (signal: NodeJS.Signals = 'SIGKILL') => stop(signal),
    async restart(restartOptions: RestartOptions = {}) {
      await stopGracefully();
      await start(restartOptions.healthy ?? true);
    },
    async close() {
      await stopGracefully();
      if (mqttUrl) await discardServiceSession(mqttUrl, raw.mqtt.clientId ?? serviceClientId(raw.mqtt.topicPrefix));
      await cleanUp(folder, databaseUrl, schema);
    },
  };
}

function describe(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
}

function tail(output: string, lines = 150): string {
  return `--- last ${lines} lines of the service's output ---\n${output.split('\n').slice(-lines).join('\n')}`;
}

/** Ports the OS has just handed out: free now, and the child binds them again at every restart. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

async function cleanUp(folder: string, databaseUrl: string | null, schema: string | undefined): Promise<void> {
  if (databaseUrl && schema) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  }
  rmSync(folder, { recursive: true, force: true });
}

/** A test process that exits (or crashes) must not leave services running behind it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
}

/** For the helpers of http.ts, which read nothing from their TestApp but `url`. */
export function asTestApp(service: { url: string }): TestApp {
  return service as unknown as TestApp;
}
