import { DomainError } from '../common/domain-error.js';

/** What a client is told to wait before trying again (the Retry-After header). */
const RETRY_AFTER_SECONDS = 5;

/** The database did not answer (down, stalled, locked, out of room): nothing the request did wrong. */
export class DatabaseUnavailableError extends DomainError {
  readonly code = 'DATABASE_UNAVAILABLE';
  readonly kind = 'unavailable';

  constructor() {
    super('The database is not answering right now. Try again in a moment.', {
      details: { retryAfterSeconds: RETRY_AFTER_SECONDS },
    });
  }
}

/**
 * PostgreSQL SQLSTATEs that say the server cannot serve now, not that the query is wrong:
 * connection exceptions (08…), insufficient resources (53…: too many connections, disk full),
 * a statement cancelled by `statement_timeout` (57014), a shutdown or start-up (57P01–57P03).
 */
const POSTGRES_UNAVAILABLE = /^(08...|53...|57014|57P0[123])$/;
/** SQLite: the file locked by someone else past busy_timeout, unreadable, unwritable or full. */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|NOMEM|PROTOCOL)/;
/** The network under the PostgreSQL driver. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
/** pg and pg-pool say these with a message only (the pool's and the client's own timeouts). */
const DRIVER_MESSAGES = ['timeout exceeded when trying to connect', 'Connection terminated', 'Query read timeout'];

/**
 * The error as a DatabaseUnavailableError when some link of its chain (TypeORM's `driverError`,
 * a `cause`) says the database could not be reached or could not answer; otherwise null.
 */
export function asDatabaseUnavailable(error: unknown): DatabaseUnavailableError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (saysUnavailable(current)) return new DatabaseUnavailableError();
    const { driverError, cause } = current as { driverError?: unknown; cause?: unknown };
    current = driverError ?? cause;
  }
  return null;
}

function saysUnavailable(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (POSTGRES_UNAVAILABLE.test(code) || SQLITE_UNAVAILABLE.test(code) || NETWORK_CODES.has(code)) return true;
  }
  return DRIVER_MESSAGES.some((message) => error.message.startsWith(message));
}
