import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './support/fake-bridge.js';
import { api, loginAdmin } from './support/http.js';
import { issueBridgeCredentials } from './support/simulated-bridges.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PACKAGE = join(ROOT, 'firmware-bridge');
// The sources stand in for `npm run build`'s dist/ (test/support/ts-register.mjs maps the package's
// own exports to them), so the command is tested as it is, not as it was last built.
const REGISTER = join(ROOT, 'test', 'support', 'ts-register.mjs');
const EXIT_WITH_PARENT = join(ROOT, 'test', 'support', 'exit-with-parent.mjs');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Runs `fabrique-bridge` the way a shell does once npm has linked it: the file itself, by its shebang. */
function fabriqueBridge(args: string[], env: Record<string, string> = {}, cwd = ROOT): Run {
  const launcher = join(
    PACKAGE,
    JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')).bin['fabrique-bridge'],
  );
  const child = spawn(launcher, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: `--import ${REGISTER} --import ${EXIT_WITH_PARENT}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
    // Not executable, no interpreter: the shell would say so, and so does the test, at once.
    child.once('error', (error) => {
      running.delete(child);
      output += String(error);
      resolve(null);
    });
  });
  return { child, output: () => output, exited };
}

describe('the fabrique-bridge command', () => {
  afterEach(() => {
    for (const child of running) child.kill('SIGKILL');
  });

  it('is a committed, executable file with a node shebang, so npm links it before anything is built', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8'));
    const bin = pkg.bin['fabrique-bridge'] as string;
    expect(bin).not.toMatch(/dist\//); // npm skips a bin whose file does not exist at install time
    const file = join(PACKAGE, bin);
    expect(statSync(file).mode & 0o111).toBe(0o111);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
    expect(lock.packages['firmware-bridge'].bin).toEqual({ 'fabrique-bridge': bin.replace(/^\.\//, '') });
  });

  it('prints its usage with --help and exits 0', async () => {
    const run = fabriqueBridge(['--help']);
    expect(await run.exited).toBe(0);
    expect(run.output()).toBe('usage: fabrique-bridge --config <bridge.yaml> [--log-level debug|info|warn|error]\n');
  });

  it('names the problem and exits 2 on a missing config file or a bad argument', async () => {
    const missing = fabriqueBridge(['--config', 'no-such-bridge.yaml']);
    expect(await missing.exited).toBe(2);
    expect(missing.output()).toContain('no-such-bridge.yaml: (file): cannot be read (ENOENT)');
    const unknown = fabriqueBridge(['--verbose']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain('fabrique-bridge: unknown argument --verbose');
  });
});

/**
 * The README's way to run a bridge: credentials from the service's admin API, a config file, the
 * password in FABRIQUE_BRIDGE_PASSWORD, then the command; the machine comes online on the service,
 * and goes offline on SIGTERM after a clean exit.
 */
describe('a bridge run with the fabrique-bridge command', () => {
  let t: TestApp;
  let admin: string;
  let folder: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    folder = mkdtempSync(join(tmpdir(), 'fabrique-bridge-cli-'));
  });

  afterAll(async () => {
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('serves a simulated printer from a config file, and leaves it offline after SIGTERM', async () => {
    const machineId = 'so-prusa-mk4-1';
    const password = await issueBridgeCredentials(t, admin, 'cli-bridge', [machineId]);
    const config = join(folder, 'bridge.yaml');
    writeFileSync(
      config,
      [
        'bridgeId: cli-bridge',
        'broker:',
        `  url: ${t.mqttUrl}`,
        '  username: cli-bridge',
        `topicPrefix: ${t.config.mqtt.topicPrefix}`,
        'dataDir: ./bridge-data',
        'machines:',
        `  - machineId: ${machineId}`,
        '    adapter: simulator-fdm',
        '    options: { seed: 1, warp: 600 }',
        '',
      ].join('\n'),
    );
    const live = async () => (await api(t, admin).get(`/api/v1/machines/${machineId}/live`)).body;

    const run = fabriqueBridge(['--config', config], { FABRIQUE_BRIDGE_PASSWORD: password }, folder);
    const online = await eventually(async () => {
      const body = await live();
      return body.bridge?.online === true && body.state !== 'offline' ? body : undefined;
    });
    expect(online.bridge).toEqual({ id: 'cli-bridge', online: true });
    expect(run.output()).toContain('"bridge started"');

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const offline = await eventually(async () => {
      const body = await live();
      return body.state === 'offline' ? body : undefined;
    });
    expect(offline.bridge).toEqual({ id: 'cli-bridge', online: false });
  });
});
