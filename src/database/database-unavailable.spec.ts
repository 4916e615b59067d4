import { describe, expect, it } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { asDatabaseUnavailable, DatabaseUnavailableError } from './database-unavailable.js';

const withCode = (code: string, message = 'driver error') => Object.assign(new Error(message), { code });
const failedQuery = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe('telling a database outage from a bug', () => {
  it.each([
    ['a statement cut by statement_timeout', failedQuery(withCode('57014'))],
    ['the server shutting down', failedQuery(withCode('57P01'))],
    ['too many connections', withCode('53300')],
    ['a connection lost mid-query', failedQuery(withCode('08006'))],
    ['the pool waiting too long for a connection', new Error('timeout exceeded when trying to connect')],
    [
      'a connect that timed out',
      new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated') }),
    ],
    ['a stalled link (client-side query_timeout)', failedQuery(new Error('Query read timeout'))],
    ['a refused TCP connection', withCode('ECONNREFUSED')],
    ['a SQLite file locked by another process', failedQuery(withCode('SQLITE_BUSY'))],
    ['a full disk under SQLite', failedQuery(withCode('SQLITE_FULL'))],
    ['an I/O error under SQLite', failedQuery(withCode('SQLITE_IOERR_WRITE'))],
  ])('%s is a 503 the client may retry', (_, error) => {
    const mapped = asDatabaseUnavailable(error);
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError);
    expect(mapped).toMatchObject({ code: 'DATABASE_UNAVAILABLE', kind: 'unavailable' });
    expect(mapped?.details).toEqual({ retryAfterSeconds: 5 });
  });

  it.each([
    ['a unique violation', failedQuery(withCode('23505'))],
    ['a syntax error', failedQuery(withCode('42601'))],
    ['a SQLite constraint', failedQuery(withCode('SQLITE_CONSTRAINT_UNIQUE'))],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['something that is not an error', 'boom'],
  ])('%s stays what it is', (_, error) => {
    expect(asDatabaseUnavailable(error)).toBeNull();
  });
});
