import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { MIGRATIONS } from './migrations/index.js';
import { QueryErrorLogger } from './query-error-logger.js';

/** better-sqlite3's `Database`, reduced to the one method the pragmas need. */
interface SqliteHandle {
  pragma(source: string): unknown;
}

/**
 * TypeORM options for the configured driver. Migrations always run at boot; the schema is never
 * synchronized from entities.
 */
export async function dataSourceOptions(
  config: AppConfig,
  entities: DataSourceOptions['entities'],
): Promise<DataSourceOptions> {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    logging: ['error' as const, 'warn' as const, 'migration' as const],
    logger: new QueryErrorLogger(),
  };
  if (config.database.driver === 'postgres') {
    const { url, schema } = config.database;
    if (schema) await createSchema(url, schema);
    return {
      ...common,
      type: 'postgres',
      url,
      ...(schema ? { schema, extra: { options: `-c search_path=${schema}`, max: 10 } } : { extra: { max: 10 } }),
    };
  }
  mkdirSync(config.dataDir, { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: join(config.dataDir, config.database.file),
    // WAL lets kiosks and dashboards read while a booking writes; busy_timeout covers a second
    // process (the admin CLI) holding the write lock for a moment.
    prepareDatabase: (db: SqliteHandle) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    },
  };
}

async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}
