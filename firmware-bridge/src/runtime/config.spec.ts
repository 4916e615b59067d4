import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadBridgeConfig, PASSWORD_ENV } from './config.js';
import { adapterRegistry } from './registry.js';

const here = dirname(fileURLToPath(import.meta.url));
const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-config-'));
  const file = join(dir, 'bridge.yaml');
  writeFileSync(file, yaml);
  return { file, dir, load: () => loadBridgeConfig(file, { registry: adapterRegistry, env }) };
};
const MINIMAL = `
bridgeId: lab-1
broker: { url: mqtt://localhost:1883 }
dataDir: data
machines:
  - { machineId: mk4, adapter: simulator-fdm }
`;

function errorOf(yaml: string): string {
  const { load: run, file } = load(yaml);
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message.replace(`${file}: `, '');
  }
  throw new Error('expected a ConfigError');
}

describe('loadBridgeConfig', () => {
  it('loads the shipped example and fills in the defaults', () => {
    const config = loadBridgeConfig(join(here, 'bridge.example.yaml'), { registry: adapterRegistry, env: {} });
    expect(config).toMatchObject({
      bridgeId: 'lab-bridge-1',
      topicPrefix: 'fabrique/v1',
      dataDir: join(here, 'data'),
      telemetry: { runningSeconds: 5, idleSeconds: 30 },
      heartbeatSeconds: 30,
      eventBufferSize: 1000,
      commandRetentionHours: 48,
      broker: { username: 'lab-bridge-1', clientId: 'fabrique-bridge-lab-bridge-1', password: undefined },
    });
    expect(config.machines.map((m) => m.adapter)).toEqual(['simulator-fdm', 'simulator-embroidery']);
    expect(Object.isFrozen(config.machines[0])).toBe(true);
  });

  it('takes the password from FABRIQUE_BRIDGE_PASSWORD over the file, and resolves dataDir from the file', () => {
    const { load: run, dir } = load(
      `${MINIMAL}\n`.replace('url: mqtt://localhost:1883', 'url: mqtt://b:1883, password: in-file'),
      {
        [PASSWORD_ENV]: 'from-env',
      },
    );
    const config = run();
    expect(config.broker.password).toBe('from-env');
    expect(config.dataDir).toBe(join(dir, 'data'));
  });

  it.each([
    ['a missing key', MINIMAL.replace('dataDir: data\n', ''), 'dataDir: is required'],
    ['an unknown key', `${MINIMAL}colour: blue\n`, 'colour: is not a known key'],
    ['a bad broker url', MINIMAL.replace('mqtt://localhost:1883', 'http://x'), 'broker.url: must match'],
    [
      'a machine id unsafe in a topic',
      MINIMAL.replace('machineId: mk4', 'machineId: MK/4'),
      'machines[0].machineId: must match',
    ],
    [
      'an unknown adapter',
      MINIMAL.replace('simulator-fdm', 'prusalink'),
      'machines[0].adapter: must be one of simulator-fdm, simulator-embroidery, octoprint, moonraker, bambu-lan, manual-embroidery',
    ],
    [
      'a machine listed twice',
      `${MINIMAL}  - { machineId: mk4, adapter: simulator-fdm }\n`,
      'machines[1].machineId: mk4 is listed twice',
    ],
    ['a short command retention', `${MINIMAL}commandRetentionHours: 2\n`, 'commandRetentionHours: must be >= 24'],
    ['a bad topic prefix', `${MINIMAL}topicPrefix: $SYS/x\n`, 'topicPrefix: must be 1-4 levels'],
    [
      'an adapter option out of range',
      MINIMAL.replace('adapter: simulator-fdm }', 'adapter: simulator-fdm, options: { faults: { clogRate: 2 } } }'),
      'machines[0].options.faults.clogRate: must be between 0 and 1',
    ],
    [
      'a misspelt adapter option',
      MINIMAL.replace('adapter: simulator-fdm }', 'adapter: simulator-fdm, options: { wrap: 60 } }'),
      'machines[0].options.wrap: is not a known option',
    ],
    [
      'a missing scenario file',
      MINIMAL.replace('adapter: simulator-fdm }', 'adapter: simulator-fdm, options: { scenario: nope.yaml } }'),
      'machines[0].options.scenario: cannot read',
    ],
    ['invalid YAML', 'bridgeId: [unclosed', '(file): is not valid YAML'],
  ])('refuses %s with one line naming the key', (_what, yaml, expected) => {
    expect(errorOf(yaml)).toContain(expected);
  });

  it('says when the file cannot be read', () => {
    expect(() => loadBridgeConfig('/nonexistent/bridge.yaml', { registry: adapterRegistry })).toThrow(
      '/nonexistent/bridge.yaml: (file): cannot be read (ENOENT)',
    );
  });
});
