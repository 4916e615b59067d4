import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from './service-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MOSQUITTO = '/usr/sbin/mosquitto';
/** The user name of the test's watcher on the broker; its password is the service's. */
export const WATCHER = 'test-watcher';

/** Debian's dynamic-security plugin for this machine's architecture, if installed. */
export function dynamicSecurityPlugin(): string | undefined {
  return readdirSync('/usr/lib')
    .map((folder) => join('/usr/lib', folder, 'mosquitto_dynamic_security.so'))
    .find((path) => existsSync(path));
}

/**
 * The machine's real Mosquitto, started with the shipped config/mosquitto/mosquitto.conf in a
 * folder of its own: only the port, the paths and the process user are changed, and the
 * dynamic-security file is made the way an operator makes it (`mosquitto_ctrl dynsec init`).
 */
export class TestMosquitto {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly folder: string,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (this.output += text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (this.output += text));
  }

  static async start(servicePassword: string): Promise<TestMosquitto> {
    const plugin = dynamicSecurityPlugin();
    if (!plugin) throw new Error('mosquitto_dynamic_security.so is not installed (Debian package mosquitto)');
    const folder = mkdtempSync(join(tmpdir(), 'fabrique-mosquitto-'));
    const dynsec = join(folder, 'dynamic-security.json');
    initDynamicSecurity(dynsec, 'fabrique-service', servicePassword);
    // A second account with the same rights for the test's own eyes on the broker: the shipped file
    // binds client ids to user names, so a watcher signed in as the service would push it off.
    const watcher = join(folder, 'watcher.json');
    initDynamicSecurity(watcher, WATCHER, servicePassword);
    const accounts = JSON.parse(readFileSync(dynsec, 'utf8')) as { clients: unknown[] };
    accounts.clients.push(...(JSON.parse(readFileSync(watcher, 'utf8')) as { clients: unknown[] }).clients);
    writeFileSync(dynsec, JSON.stringify(accounts));
    const port = (await freePorts(1))[0];
    const shipped = readFileSync(join(ROOT, 'config/mosquitto/mosquitto.conf'), 'utf8');
    const conf = shipped
      .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
      .replace(/^plugin .*$/m, `plugin ${plugin}`)
      .replace(/^plugin_opt_config_file .*$/m, `plugin_opt_config_file ${dynsec}`)
      .replace(/^persistence_location .*$/m, `persistence_location ${folder}/`);
    const file = join(folder, 'mosquitto.conf');
    writeFileSync(file, conf);
    // Started as root (CI), Mosquitto drops to its own user, as in production: let it at its files.
    if (process.getuid?.() === 0) {
      const uid = Number(spawnSync('id', ['-u', 'mosquitto'], { encoding: 'utf8' }).stdout.trim());
      for (const path of [folder, dynsec, file]) chownSync(path, uid, 0);
    }
    const child = spawn(MOSQUITTO, ['-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const broker = new TestMosquitto(child, port, folder);
    await broker.waitForPort();
    return broker;
  }

  /** Everything Mosquitto printed (its log goes to stderr). */
  get log(): string {
    return this.output;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.folder, { recursive: true, force: true });
  }

  private async waitForPort(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`mosquitto exited: ${this.output}`);
      const open = await new Promise<boolean>((resolve) => {
        const socket = createConnection(this.port, '127.0.0.1');
        socket.once('connect', () => resolve(socket.end() !== undefined));
        socket.once('error', () => resolve(false));
      });
      if (open) return;
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${this.port}: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** What `mosquitto_ctrl dynsec init` makes: an account with the plugin's admin role (every topic). */
function initDynamicSecurity(file: string, username: string, password: string): void {
  const init = spawnSync('mosquitto_ctrl', ['dynsec', 'init', file, username, password], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`mosquitto_ctrl dynsec init failed: ${init.stderr}`);
}

/** Whether this run must have Mosquitto: CI sets MQTT_URL and has it installed. */
export function mosquittoAvailable(): boolean {
  return existsSync(MOSQUITTO);
}
