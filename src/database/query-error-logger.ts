import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * Logs failed queries without their parameters: those hold password hashes, emails, member codes
 * and calendar secrets, none of which belongs in a log file.
 */
export class QueryErrorLogger implements TypeOrmLogger {
  private readonly logger = new Logger('Database');

  logQueryError(error: string | Error, query: string): void {
    this.logger.error(`${error instanceof Error ? error.message : error} — in: ${query.slice(0, 500)}`);
  }

  logQuery(): void {}
  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`Slow query (${time} ms): ${query.slice(0, 500)}`);
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger.log(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }
}
