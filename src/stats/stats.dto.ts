import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { DateTime } from 'luxon';
import { ValidationFailedError } from '../common/domain-error.js';
import type { HoursGrouping } from './hours.rules.js';
import type { StatsTable } from './suppression.rules.js';
import type { UtilisationGrouping } from './utilisation.rules.js';

export const STATS_TABLES = ['utilisation', 'hours', 'makers', 'trainings', 'jobs', 'failures', 'no-shows'] as const;
export type StatsTableName = (typeof STATS_TABLES)[number];

/** The groupings each table accepts, the first being the default; tables without one take none. */
export const GROUPINGS: Record<StatsTableName, readonly string[]> = {
  utilisation: ['kind', 'machine', 'site'] satisfies UtilisationGrouping[],
  hours: ['kind', 'tag', 'age_band', 'status', 'gender'] satisfies HoursGrouping[],
  makers: [],
  trainings: [],
  jobs: [],
  failures: [],
  'no-shows': [],
};

/** Longest period one report covers. */
export const MAX_DAYS = 366;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class StatsQueryDto {
  @ApiPropertyOptional({ description: 'A site; absent: the whole network (admins).' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'siteId must be a site id' })
  siteId?: string;

  @ApiPropertyOptional({ example: '2026-03-23', description: 'First local day, in the site’s zone.' })
  @Matches(LOCAL_DATE, { message: 'from must be a date YYYY-MM-DD' })
  from!: string;

  @ApiPropertyOptional({ example: '2026-03-30', description: 'The local day after the last one.' })
  @Matches(LOCAL_DATE, { message: 'to must be a date YYYY-MM-DD' })
  to!: string;

  @ApiPropertyOptional({
    description: 'Grouping: utilisation machine|kind|site; hours kind|tag|age_band|status|gender.',
  })
  @IsOptional()
  @IsString()
  by?: string;

  @ApiPropertyOptional({ description: 'Fewest makers a shown figure may come from; never below the configured one.' })
  @IsOptional()
  @Matches(/^\d{1,4}$/, { message: 'threshold must be a whole number' })
  threshold?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}

/** A request the service can answer: every field checked, with the field named when it is not. */
export interface StatsRequest {
  table: StatsTableName;
  siteId?: string;
  from: string;
  to: string;
  by?: string;
  threshold: number;
}

export function statsRequest(table: string, query: StatsQueryDto, minThreshold: number): StatsRequest {
  if (!(STATS_TABLES as readonly string[]).includes(table)) {
    throw new ValidationFailedError(`There is no table '${table}'. Tables: ${STATS_TABLES.join(', ')}.`, {
      field: 'table',
    });
  }
  const name = table as StatsTableName;
  const from = DateTime.fromISO(query.from, { zone: 'UTC' });
  const to = DateTime.fromISO(query.to, { zone: 'UTC' });
  if (!from.isValid) throw new ValidationFailedError(`from is not a date: ${query.from}.`, { field: 'from' });
  if (!to.isValid) throw new ValidationFailedError(`to is not a date: ${query.to}.`, { field: 'to' });
  const days = to.diff(from, 'days').days;
  if (days <= 0)
    throw new ValidationFailedError('to must be after from (it is the day after the last).', { field: 'to' });
  if (days > MAX_DAYS) throw new ValidationFailedError(`Ask for at most ${MAX_DAYS} days at a time.`, { field: 'to' });
  const groupings = GROUPINGS[name];
  if (query.by !== undefined && !groupings.includes(query.by)) {
    const accepted = groupings.length > 0 ? `one of ${groupings.join(', ')}` : 'none';
    throw new ValidationFailedError(`The ${name} table cannot be grouped by '${query.by}' (${accepted}).`, {
      field: 'by',
    });
  }
  const threshold = query.threshold === undefined ? minThreshold : Number(query.threshold);
  if (threshold < minThreshold) {
    throw new ValidationFailedError(`threshold cannot be below the fablab's ${minThreshold}.`, { field: 'threshold' });
  }
  return { table: name, siteId: query.siteId, from: query.from, to: query.to, by: query.by ?? groupings[0], threshold };
}

export interface StatsAnswer extends StatsTable {
  table: StatsTableName;
  by: string | null;
  /** Local dates; `to` is the day after the last. `timeZone` null: each site in its own zone. */
  period: { from: string; to: string; timeZone: string | null };
  siteId: string | null;
  threshold: number;
}
