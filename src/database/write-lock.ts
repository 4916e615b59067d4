import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * The one place where atomic writes are done. SQLite has a single writer and TypeORM shares one
 * better-sqlite3 connection, so concurrent `transaction()` calls interleave their statements
 * (typeorm#307, #8668): writers wait in a FIFO here instead. On PostgreSQL the transaction is
 * real; `lockKeys` take transaction-scoped advisory locks so competing writers on the same
 * resource (a machine's calendar) queue up and the loser sees the winner's row, instead of
 * failing on a serialization error.
 */
@Injectable()
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  /** Writes waiting for their turn or running now (for /metrics: a queue that grows is trouble). */
  inFlight = 0;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  get driver(): 'sqlite' | 'postgres' {
    return this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>, lockKeys: string[] = []): Promise<T> {
    this.inFlight += 1;
    try {
      return await this.serialize(work, lockKeys);
    } finally {
      this.inFlight -= 1;
    }
  }

  private serialize<T>(work: (manager: EntityManager) => Promise<T>, lockKeys: string[]): Promise<T> {
    if (this.driver === 'postgres') {
      return this.dataSource.transaction(async (manager) => {
        for (const key of [...new Set(lockKeys)].sort()) {
          await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
        }
        return work(manager);
      });
    }
    const result = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }
}
