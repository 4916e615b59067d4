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
  const { connectTimeoutMs, statementTimeoutMs } = config.database;
  if (config.database.driver === 'postgres') {
    const { url, schema } = config.database;
    if (schema) await createSchema(url, schema);
    // Without these a stalled server (a network cut, a full disk, a lock nobody releases) holds
    // every request, /health included, for as long as TCP takes to give up: minutes. The server
    // cancels a slow statement itself; a link that stalls cannot even carry that answer, so
    // the client gives up a moment later on its own (the request then answers 503).
    const extra = {
      max: 10,
      connectionTimeoutMillis: connectTimeoutMs,
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + 1_000,
      ...(schema && { options: `-c search_path=${schema}` }),
    };
    return { ...common, type: 'postgres', url, ...(schema && { schema }), extra };
  }
  mkdirSync(config.dataDir, { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: join(config.dataDir, config.database.file),
    // WAL lets kiosks and dashboards read while a booking writes; busy_timeout covers a second
    // process (the admin CLI) holding the write lock for a moment, and bounds the wait when
    // something holds it for longer (the request then answers 503).
    prepareDatabase: (db: SqliteHandle) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${Math.round(connectTimeoutMs)}`);
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
