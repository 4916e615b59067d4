import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ConfigError, loadConfig, type RawConfig } from './config.loader.js';
import { CONFIG_VERSION, ConfigUpgradeError, upgradeConfig, type ConfigMigration } from './config.versions.js';

/** A made-up history: version 2 renamed `auth.throttle.ipFailures`, version 3 dropped `legacy`. */
const HISTORY: ConfigMigration[] = [
  {
    from: 1,
    upgrade(raw) {
      if (raw.auth?.throttle?.ipFailures === undefined) return [];
      raw.auth.throttle.addressFailures = raw.auth.throttle.ipFailures;
      delete raw.auth.throttle.ipFailures;
      return ['rename auth.throttle.ipFailures to auth.throttle.addressFailures'];
    },
  },
  {
    from: 2,
    upgrade(raw) {
      if (raw.legacy === undefined) return [];
      throw new ConfigUpgradeError('legacy', 'is gone in version 3: move its sites under sites[] and delete it');
    },
  },
];

describe('config versions', () => {
  it('upgrades an old file in memory, step by step, and says what to change in it', () => {
    const raw: RawConfig = { auth: { throttle: { ipFailures: 7 } } };
    const notices = upgradeConfig(raw, HISTORY, 3);
    expect(raw).toEqual({ version: 3, auth: { throttle: { addressFailures: 7 } } });
    expect(notices).toEqual([
      'configuration version 1 read as version 2; to update the file: rename auth.throttle.ipFailures to auth.throttle.addressFailures',
      'configuration version 2 read as version 3',
      'set "version: 3" in the file once it is updated',
    ]);
  });

  it('stops with the key and exactly what to change when a step cannot be made for the operator', () => {
    expect(() => upgradeConfig({ version: 2, legacy: {} }, HISTORY, 3)).toThrow(
      expect.objectContaining({ key: 'legacy', reason: expect.stringMatching(/move its sites under sites\[\]/) }),
    );
  });

  it('refuses a file written for a newer Fabrique, and a version that is not a whole number', () => {
    expect(() => upgradeConfig({ version: 4 }, HISTORY, 3)).toThrow(/is 4, but this Fabrique reads .* up to version 3/);
    expect(() => upgradeConfig({ version: '2' }, HISTORY, 3)).toThrow(/must be a whole number/);
  });

  it('reads the shipped file (current version) and a file without a version, silently', () => {
    const shipped = parse(readFileSync('config/default.yaml', 'utf8')) as RawConfig;
    expect(shipped.version).toBe(CONFIG_VERSION);
    delete shipped.version;
    const file = join(mkdtempSync(join(tmpdir(), 'fabrique-config-')), 'old.yaml');
    writeFileSync(file, stringify(shipped));
    expect(loadConfig({ env: { FABRIQUE_CONFIG: file } }).notices).toEqual([]);
  });

  it('names the file and the key when the loader meets a newer file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fabrique-config-')), 'new.yaml');
    writeFileSync(
      file,
      stringify({ ...parse(readFileSync('config/default.yaml', 'utf8')), version: CONFIG_VERSION + 1 }),
    );
    const error = (() => {
      try {
        loadConfig({ env: { FABRIQUE_CONFIG: file } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      new RegExp(`^Invalid configuration in ${file}: version: is ${CONFIG_VERSION + 1}`),
    );
  });
});
