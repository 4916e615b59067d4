import { chmod, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AppConfig } from '../config/app-config.js';
import { copyTree, isEmptyFolder } from './data-files.js';
import { dumpSchema, restoreSchema } from './pg-tools.js';

/** What a backup folder holds; written last, so a folder without it is an interrupted backup. */
export interface BackupManifest {
  format: 1;
  createdAt: string;
  database: 'sqlite' | 'postgres';
  /** The PostgreSQL schema that was dumped. */
  schema?: string;
  /** Files of the data folder (job files, secrets) copied beside the database. */
  files: number;
}

const MANIFEST = 'manifest.json';
const SQLITE_COPY = 'database.sqlite';
const PG_DUMP = 'database.pgdump';
const FILES = 'files';

export class BackupError extends Error {
  override name = 'BackupError';
}

/**
 * A consistent copy of everything a restore needs, taken while the service runs: the database
 * first (SQLite's online backup API, or pg_dump's snapshot), then the data folder. Job files are
 * stored by content and written before the row that names them, so every file the copied
 * database refers to is already on disk when the files are copied.
 */
export async function backup(config: AppConfig, target: string): Promise<BackupManifest> {
  if (!(await isEmptyFolder(target))) throw new BackupError(`${target} is not empty: back up into a new folder.`);
  await mkdir(target, { recursive: true, mode: 0o700 });
  const { database } = config;
  const sqliteFiles = new Set<string>();
  if (database.driver === 'sqlite') {
    const source = new Database(join(config.dataDir, database.file), { fileMustExist: true });
    try {
      source.pragma('busy_timeout = 5000');
      await source.backup(join(target, SQLITE_COPY));
      // Password hashes and personal data: owner-only, like the JWT secret.
      await chmod(join(target, SQLITE_COPY), 0o600);
    } finally {
      source.close();
    }
    for (const suffix of ['', '-wal', '-shm', '-journal']) sqliteFiles.add(`${database.file}${suffix}`);
  } else {
    await dumpSchema(database.url, database.schema ?? 'public', join(target, PG_DUMP));
    await chmod(join(target, PG_DUMP), 0o600);
  }
  // Half-received uploads are not jobs yet; the live database files were copied above.
  const files = await copyTree(
    config.dataDir,
    join(target, FILES),
    (path) => sqliteFiles.has(path) || path === join('job-files', 'incoming'),
  );
  const manifest: BackupManifest = {
    format: 1,
    createdAt: new Date().toISOString(),
    database: database.driver,
    ...(database.driver === 'postgres' && { schema: database.schema ?? 'public' }),
    files,
  };
  await writeFile(join(target, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Puts a backup back into the configured data folder and database, which must both be empty: a
 * restore never merges into, or overwrites, a running installation.
 */
export async function restore(config: AppConfig, source: string): Promise<BackupManifest> {
  const manifest = await readManifest(source);
  const { database } = config;
  if (manifest.database !== database.driver) {
    throw new BackupError(
      `This backup holds a ${manifest.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database, but the configuration ` +
        `uses ${database.driver === 'sqlite' ? 'SQLite (DATABASE_URL is unset)' : 'PostgreSQL (DATABASE_URL)'}.`,
    );
  }
  if (!(await isEmptyFolder(config.dataDir))) {
    throw new BackupError(
      `The data folder ${config.dataDir} is not empty: stop the service and restore into an empty folder (move the old one aside).`,
    );
  }
  if (database.driver === 'postgres') {
    const schema = database.schema ?? 'public';
    if (manifest.schema !== schema) {
      // The dump names its schema in every statement: it can only go back where it came from.
      throw new BackupError(
        `This backup holds schema "${manifest.schema}": set database.schema to it (now "${schema}").`,
      );
    }
    const listFile = join(source, '.restore-list');
    try {
      await restoreSchema(database.url, schema, join(source, PG_DUMP), listFile);
    } finally {
      await rm(listFile, { force: true });
    }
  }
  await copyTree(join(source, FILES), config.dataDir);
  if (database.driver === 'sqlite') {
    await copyFile(join(source, SQLITE_COPY), join(config.dataDir, database.file));
    await chmod(join(config.dataDir, database.file), 0o600);
  }
  return manifest;
}

async function readManifest(source: string): Promise<BackupManifest> {
  const text = await readFile(join(source, MANIFEST), 'utf8').catch(() => null);
  if (text === null) {
    throw new BackupError(`${source} has no ${MANIFEST}: it is not a Fabrique backup, or the backup was interrupted.`);
  }
  const manifest = JSON.parse(text) as BackupManifest;
  if (manifest.format !== 1)
    throw new BackupError(`${source} was made by a newer Fabrique (backup format ${manifest.format}).`);
  return manifest;
}
