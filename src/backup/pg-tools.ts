import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * libpq's environment for a connection URL, so the password reaches pg_dump and pg_restore without
 * showing in the process list (a URL on their command line would).
 */
export function libpqEnvironment(url: string): NodeJS.ProcessEnv {
  const parsed = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (parsed.hostname) env.PGHOST = decodeURIComponent(parsed.hostname);
  if (parsed.port) env.PGPORT = parsed.port;
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database) env.PGDATABASE = database;
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

async function tool(name: 'pg_dump' | 'pg_restore', args: string[], url: string): Promise<string> {
  try {
    const { stdout } = await run(name, args, { env: libpqEnvironment(url), maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error(
        `${name} is not installed. Install PostgreSQL's client tools (Debian: apt-get install postgresql-client), ` +
          `the same major version as the server or newer.`,
        { cause: error },
      );
    }
    throw new Error(`${name} failed: ${(failure.stderr ?? failure.message).trim()}`, { cause: error });
  }
}

/** The database pg_restore writes into; host, port, user and password travel in the environment. */
function databaseName(url: string): string {
  const env = libpqEnvironment(url);
  return env.PGDATABASE ?? env.PGUSER ?? 'postgres';
}

/** The service's schema (its tables, data, sequences) in pg_dump's custom format. */
export async function dumpSchema(url: string, schema: string, file: string): Promise<void> {
  await tool(
    'pg_dump',
    ['--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`, `--file=${file}`],
    url,
  );
}

/**
 * Restores a dump into `schema`, which must hold no table yet. The overlap constraint needs
 * btree_gist, which the service's migration keeps in `public`, outside any dumped schema.
 */
export async function restoreSchema(url: string, schema: string, file: string, listFile: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let schemaExists: boolean;
  try {
    const tables = await client.query(
      'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    if ((tables.rows[0] as { n: number }).n > 0) {
      throw new Error(
        `Schema "${schema}" already has tables: restore into an empty database or schema (stop the service first).`,
      );
    }
    const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    schemaExists = found.rowCount !== 0;
    await client.query('CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public');
  } finally {
    await client.end();
  }
  // An existing (empty) schema, `public` always, would stop the restore at its CREATE SCHEMA.
  const entries = (await tool('pg_restore', ['--list', file], url))
    .split('\n')
    .filter((line) => !(schemaExists && new RegExp(`^\\d+; \\d+ \\d+ SCHEMA - ${schema} `).test(line)));
  await writeFile(listFile, entries.join('\n'));
  await tool(
    'pg_restore',
    [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      `--use-list=${listFile}`,
      `--dbname=${databaseName(url)}`,
      file,
    ],
    url,
  );
}
