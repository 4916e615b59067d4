import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JobOutcome } from '@fabrique/firmware-bridge';
import { JOB_OUTCOMES } from '@fabrique/firmware-bridge';
import type { AppConfig, MachineKind } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { siteCalendar } from '../reservations/booking-context.service.js';
import type { ReservationStatus } from '../reservations/reservation.entity.js';
import { SitesService } from '../sites/sites.service.js';
import type { DeclaredAnswers } from '../users/people.rules.js';
import { hoursBy, type HoursGrouping } from './hours.rules.js';
import { alignToLocalPeriods, periodsBySite } from './local-periods.rules.js';
import { makerCounts, trainingsGranted } from './makers.rules.js';
import { failureReasons, jobsByOutcome, noShows } from './outcomes.rules.js';
import { snapToGrid, type LocalSpan } from './period-grid.rules.js';
import { publishedTable, type TableSource } from './published-table.rules.js';
import type { StatsAnswer, StatsRequest } from './stats.dto.js';
import {
  localPeriod,
  type GrantRecord,
  type MakerRecord,
  type SiteRecord,
  type StatsHistory,
  type StatsPeriod,
  type StatsQuery,
} from './stats.rules.js';
import type { StatsTable } from './suppression.rules.js';
import { openHours, utilisation, type OpenHours, type UtilisationGrouping } from './utilisation.rules.js';

type Raw = Record<string, string | number | null>;

const num = (value: string | number | null): number => Number(value);

/**
 * Loads a `StatsHistory` read-only, with one set-based query per kind of record, and hands it to
 * the rules. Stats sits above every other module and only reads their tables; people appear in
 * the history only by `maker_key`, the owner ids stay in here.
 */
@Injectable()
export class StatsService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async table(request: StatsRequest): Promise<StatsAnswer> {
    const site = request.siteId ? await this.sites.get(request.siteId) : null;
    const sites = (await this.sites.list()).map((s) => ({ siteId: s.id, calendar: siteCalendar(s) }));
    const grid = snapToGrid(request.from, request.to, this.config.stats.grid);
    const inScope = (siteId: string | undefined) => sites.filter((s) => siteId === undefined || s.siteId === siteId);
    const window = envelope([...periodsBySite(inScope(request.siteId), grid.period.from, grid.period.to).values()]);
    const { history, firstActivitySite } = await this.load(window, sites, request.siteId);
    const floor = this.config.stats.suppressBelow;
    const openWithin = openHoursOverGrid(sites, grid.cells);
    const source: TableSource = {
      tableOf: (span, siteId, threshold, by) => {
        const periods = periodsBySite(inScope(siteId), span.from, span.to);
        const aligned = alignToLocalPeriods(history, periods, firstActivitySite);
        const query: StatsQuery = { period: aligned.period, siteId, threshold, labelThreshold: floor };
        return this.compute(request.table, by, aligned.durations, aligned.events, query, openWithin(span));
      },
      machinesOf: (group, label) =>
        history.machines.filter((m) => (group === 'kind' ? m.kind : m.siteId) === label).map((m) => m.machineId),
    };
    const publication = { ...request, siteIds: inScope(request.siteId).map((s) => s.siteId), floor, grid };
    return {
      table: request.table,
      by: request.by ?? null,
      period: { ...grid.period, timeZone: site?.timeZone ?? null },
      siteId: request.siteId ?? null,
      threshold: request.threshold,
      ...publishedTable(publication, source),
    };
  }

  private compute(
    table: StatsRequest['table'],
    by: string | undefined,
    durations: StatsHistory,
    events: StatsHistory,
    query: StatsQuery,
    open: OpenHours,
  ): StatsTable {
    switch (table) {
      case 'utilisation':
        return utilisation(durations, query, by as UtilisationGrouping, open);
      case 'hours':
        return hoursBy(durations, query, by as HoursGrouping);
      case 'makers':
        return makerCounts(durations, query);
      case 'trainings':
        return trainingsGranted(events, query, this.config.machineKinds);
      case 'jobs':
        return jobsByOutcome(events, query);
      case 'failures':
        return failureReasons(events, query);
      case 'no-shows':
        return noShows(events, query);
    }
  }

  private async load(
    window: StatsPeriod,
    sites: StatsHistory['sites'],
    siteId: string | undefined,
  ): Promise<{ history: StatsHistory; firstActivitySite: Map<string, string> }> {
    const bySite = (alias: string) => (siteId ? `${alias}.site_id = :siteId` : '1 = 1');
    const params = { from: window.from, to: window.to, siteId };
    const q = () => this.db.createQueryBuilder();

    const [machines, users, reservations, jobs, grants, firstUses, firstBookings] = await Promise.all([
      q().select(['m.id AS id', 'm.site_id AS site_id', 'm.kind AS kind']).from('machines', 'm').getRawMany<Raw>(),
      q()
        .select(['u.id AS id', 'u.maker_key AS maker_key', 'u.tags AS tags', 'u.declared AS declared'])
        .from('users', 'u')
        .getRawMany<Raw>(),
      q()
        .select(['r.machine_id AS machine_id', 'r.maker_id AS maker_id', 'r.start_ms AS start_ms'])
        .addSelect(['r.end_ms AS end_ms', 'r.status AS status', 'r.tags AS tags'])
        .from('reservations', 'r')
        .where('r.start_ms < :to AND r.end_ms > :from')
        .andWhere(bySite('r'))
        .setParameters(params)
        .getRawMany<Raw>(),
      q()
        .select(['j.machine_id AS machine_id', 'j.owner_id AS owner_id', 'j.started_at AS started_at'])
        .addSelect(['j.ended_at AS ended_at', 'j.state AS state', 'j.failure_reason AS failure_reason'])
        .from('jobs', 'j')
        .where('j.ended_at IS NOT NULL AND j.machine_id IS NOT NULL AND j.state IN (:...outcomes)')
        .andWhere('j.ended_at > :from AND COALESCE(j.started_at, j.ended_at) < :to')
        .andWhere(bySite('j'))
        .setParameters({ ...params, outcomes: [...JOB_OUTCOMES] })
        .getRawMany<Raw>(),
      q()
        .select(['a.subject_id AS user_id', 'a.site_id AS site_id', 'a.at AS at', 'a.details AS details'])
        .from('audit_log', 'a')
        .where(`a.action = 'training.granted' AND a.at >= :from AND a.at < :to`)
        .setParameters(params)
        .getRawMany<Raw>(),
      // First use anywhere in the network, per person and site: a booking that held a machine,
      // or a job that started on one.
      q()
        .select(['r.maker_id AS user_id', 'r.site_id AS site_id', 'MIN(r.start_ms) AS first'])
        .from('reservations', 'r')
        .where(`r.status IN ('active', 'completed')`)
        .groupBy('r.maker_id')
        .addGroupBy('r.site_id')
        .getRawMany<Raw>()
        .then(async (rows) => [
          ...rows,
          ...(await q()
            .select(['j.owner_id AS user_id', 'j.site_id AS site_id', 'MIN(j.started_at) AS first'])
            .from('jobs', 'j')
            .where('j.owner_id IS NOT NULL AND j.started_at IS NOT NULL')
            .groupBy('j.owner_id')
            .addGroupBy('j.site_id')
            .getRawMany<Raw>()),
        ]),
      q()
        .select(['r.maker_id AS user_id', 'm.kind AS kind', 'MIN(r.start_ms) AS first'])
        .from('reservations', 'r')
        .innerJoin('machines', 'm', 'm.id = r.machine_id')
        .where(`r.status <> 'cancelled'`)
        .groupBy('r.maker_id')
        .addGroupBy('m.kind')
        .getRawMany<Raw>(),
    ]);

    const keyOf = new Map(users.map((u) => [String(u.id), String(u.maker_key)]));
    const key = (userId: string | number | null): string | null =>
      userId === null ? null : (keyOf.get(String(userId)) ?? null);
    const firstActivity = new Map<string, { at: number; siteId: string }>();
    for (const row of firstUses) {
      const makerKey = key(row.user_id);
      const at = num(row.first);
      const known = makerKey ? firstActivity.get(makerKey) : undefined;
      if (makerKey && (!known || at < known.at)) firstActivity.set(makerKey, { at, siteId: String(row.site_id) });
    }
    const firstBookingAt = new Map<string, Partial<Record<MachineKind, number>>>();
    for (const row of firstBookings) {
      const makerKey = key(row.user_id);
      if (!makerKey) continue;
      const byKind = firstBookingAt.get(makerKey) ?? {};
      byKind[row.kind as MachineKind] = num(row.first);
      firstBookingAt.set(makerKey, byKind);
    }
    const makers: MakerRecord[] = users.map((u) => {
      const makerKey = String(u.maker_key);
      const declared = parseJson<DeclaredAnswers>(u.declared);
      return {
        makerKey,
        firstActivityAt: firstActivity.get(makerKey)?.at ?? Number.POSITIVE_INFINITY,
        firstBookingAt: firstBookingAt.get(makerKey) ?? {},
        tags: parseJson<string[]>(u.tags) ?? [],
        declared: declared ? { consent: true, ...declared } : null,
      };
    });
    const history: StatsHistory = {
      sites,
      machines: machines.map((m) => ({
        machineId: String(m.id),
        siteId: String(m.site_id),
        kind: m.kind as MachineKind,
      })),
      reservations: reservations.flatMap((r) => {
        const makerKey = key(r.maker_id);
        return makerKey
          ? [
              {
                machineId: String(r.machine_id),
                makerKey,
                start: num(r.start_ms),
                end: num(r.end_ms),
                status: r.status as ReservationStatus,
                tags: parseJson<string[]>(r.tags) ?? [],
              },
            ]
          : [];
      }),
      jobRuns: jobs.map((j) => ({
        machineId: String(j.machine_id),
        makerKey: key(j.owner_id),
        startedAt: num(j.started_at ?? j.ended_at),
        endedAt: num(j.ended_at),
        outcome: j.state as JobOutcome,
        failureReason: j.failure_reason === null ? null : String(j.failure_reason),
      })),
      makers,
      grants: grants.flatMap((g): GrantRecord[] => {
        const makerKey = key(g.user_id);
        const training = parseJson<{ training?: string }>(g.details)?.training;
        return makerKey && training
          ? [{ makerKey, training, grantedAt: num(g.at), siteId: g.site_id === null ? null : String(g.site_id) }]
          : [];
      }),
    };
    const firstActivitySite = new Map([...firstActivity].map(([makerKey, first]) => [makerKey, first.siteId]));
    return { history, firstActivitySite };
  }
}

/**
 * Open hours are the slow part (a calendar walked day by day): each site's are worked out once
 * per grid period, from its own calendar, and summed over a span whatever the grouping. The rules
 * ask for a site's open hours within its own part of a span (alignment closed it outside): the
 * span's grid periods in the site's own zone.
 */
function openHoursOverGrid(sites: readonly SiteRecord[], cells: readonly LocalSpan[]): (span: LocalSpan) => OpenHours {
  const opened = new Map<string, number>();
  const inCell = (siteId: string, cell: LocalSpan): number => {
    const key = `${siteId}|${cell.from}`;
    if (!opened.has(key)) {
      const site = sites.find((s) => s.siteId === siteId)!;
      opened.set(key, openHours(site, localPeriod(cell.from, cell.to, site.calendar.timeZone)));
    }
    return opened.get(key)!;
  };
  return (span) => (site) =>
    cells
      .filter((cell) => cell.from >= span.from && cell.to <= span.to)
      .reduce((sum, c) => sum + inCell(site.siteId, c), 0);
}

function envelope(periods: StatsPeriod[]): StatsPeriod {
  return { from: Math.min(...periods.map((p) => p.from)), to: Math.max(...periods.map((p) => p.to)) };
}

/** simple-json columns come back as text from both drivers. */
function parseJson<T>(value: string | number | null): T | null {
  if (value === null || value === '') return null;
  try {
    return JSON.parse(String(value)) as T;
  } catch {
    return null;
  }
}
