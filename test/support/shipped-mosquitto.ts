import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './fake-bridge.js';

const SHIPPED = fileURLToPath(new URL('../../config/mosquitto/', import.meta.url));

/**
 * Mosquitto started from the configuration we ship (`config/mosquitto/`), as an operator who
 * follows the README runs it: only the port, the password and ACL files' places and persistence
 * change, so a rule the file loses is a test that fails. Needs the `mosquitto` and
 * `mosquitto_passwd` programs (Debian: `apt-get install mosquitto`).
 */
export class ShippedMosquitto {
  private constructor(
    private readonly process: ChildProcess,
    private readonly folder: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Starts it with these users (name → password) in its password file. */
  static async start(users: Record<string, string>): Promise<ShippedMosquitto> {
    const folder = mkdtempSync(join(tmpdir(), 'fabrique-mosquitto-'));
    const port = await freePort();
    const passwords = join(folder, 'fabrique.passwd');
    writeFileSync(passwords, '');
    for (const [user, password] of Object.entries(users)) run('mosquitto_passwd', ['-b', passwords, user, password]);
    writeFileSync(join(folder, 'fabrique.acl'), readFileSync(join(SHIPPED, 'fabrique.acl.example')));
    const config = adapt(readFileSync(join(SHIPPED, 'mosquitto.conf'), 'utf8'), {
      listener: `listener ${port} 127.0.0.1`,
      password_file: `password_file ${passwords}`,
      acl_file: `acl_file ${join(folder, 'fabrique.acl')}`,
      persistence: 'persistence false',
      persistence_location: `persistence_location ${folder}/`,
    });
    writeFileSync(join(folder, 'mosquitto.conf'), config);
    // Mosquitto started as root reads its files as the `mosquitto` user: let it (test secrets only).
    chmodSync(folder, 0o755);
    for (const file of readdirSync(folder)) chmodSync(join(folder, file), 0o644);
    const child = spawn('mosquitto', ['-c', join(folder, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let failure: Error | null = null;
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.once('error', (error) => (failure = missing(error)));
    child.once('exit', (code) => (failure ??= new Error(`mosquitto exited with ${code}:\n${log}`)));
    const broker = new ShippedMosquitto(child, folder, port);
    await eventually(() => {
      if (failure) throw failure;
      return accepts(port);
    }, 10_000);
    return broker;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    if (this.process.exitCode === null) {
      this.process.kill('SIGTERM');
      await exited;
    }
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** The shipped file with each named setting's line replaced; a setting it lacks is an error. */
function adapt(config: string, settings: Record<string, string>): string {
  let out = config;
  for (const [key, line] of Object.entries(settings)) {
    const pattern = new RegExp(`^${key} .*$`, 'm');
    if (!pattern.test(out)) throw new Error(`config/mosquitto/mosquitto.conf has no '${key}' line`);
    out = out.replace(pattern, line);
  }
  return out;
}

function run(program: string, args: string[]): void {
  try {
    execFileSync(program, args, { stdio: 'pipe' });
  } catch (error) {
    throw missing(error as NodeJS.ErrnoException);
  }
}

function missing(error: NodeJS.ErrnoException): Error {
  return error.code === 'ENOENT'
    ? new Error('This test runs the shipped Mosquitto configuration: install Mosquitto (apt-get install mosquitto).')
    : error;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function accepts(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}
