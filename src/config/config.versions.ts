import type { RawConfig } from './config.loader.js';

/** The format `config/*.yaml` is written in; a file without `version` is taken as version 1. */
export const CONFIG_VERSION = 1;

/**
 * One step from `from` to `from + 1`. `upgrade` edits the parsed file in memory (the operator's
 * file is never rewritten) and returns what the operator should change to make the file current;
 * a change it cannot make safely on its own throws `ConfigUpgradeError` saying what to change.
 */
export interface ConfigMigration {
  from: number;
  upgrade(raw: RawConfig): string[];
}

/** A file an older Fabrique wrote, that this one cannot read without the operator's decision. */
export class ConfigUpgradeError extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Version 1 is the first versioned format. When a key is renamed or reshaped, its step goes here
 * (`{ from: 1, upgrade: (raw) => { …; return ['rename a.b to a.c'] } }`) with CONFIG_VERSION
 * raised, so every operator's older file still starts, and says how to bring itself up to date.
 */
export const CONFIG_MIGRATIONS: readonly ConfigMigration[] = [];

/**
 * Brings a parsed file up to `current` through `migrations`, or throws `ConfigUpgradeError` naming
 * the key and exactly what to change. Returns one notice per step taken, for the start's log.
 */
export function upgradeConfig(
  raw: RawConfig,
  migrations: readonly ConfigMigration[] = CONFIG_MIGRATIONS,
  current = CONFIG_VERSION,
): string[] {
  const declared: unknown = raw.version ?? 1;
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1) {
    throw new ConfigUpgradeError(
      'version',
      `must be a whole number from 1 to ${current} (this Fabrique writes ${current})`,
    );
  }
  if (declared > current) {
    throw new ConfigUpgradeError(
      'version',
      `is ${declared}, but this Fabrique reads configuration files up to version ${current}: ` +
        `upgrade Fabrique, or use the file you had before upgrading the configuration`,
    );
  }
  const notices: string[] = [];
  for (let version = declared; version < current; version += 1) {
    const step = migrations.find((migration) => migration.from === version);
    if (!step) throw new Error(`No configuration upgrade from version ${version}: a bug in CONFIG_MIGRATIONS.`);
    const changes = step.upgrade(raw);
    notices.push(
      `configuration version ${version} read as version ${version + 1}` +
        (changes.length ? `; to update the file: ${changes.join('; ')}` : ''),
    );
  }
  if (declared < current) notices.push(`set "version: ${current}" in the file once it is updated`);
  raw.version = current;
  return notices;
}
