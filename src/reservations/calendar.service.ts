import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { MachinesService } from '../machines/machines.service.js';
import { SitesService } from '../sites/sites.service.js';
import { UsersService } from '../users/users.service.js';
import { blockIntervalsForMachine } from './blocks.rules.js';
import { BlocksService } from './blocks.service.js';
import { toICalendar, type CalendarEvent } from './icalendar.js';
import { ReservationsService } from './reservations.service.js';

const DAY_MS = 86_400_000;
/** What a feed shows: a week back (what happened) and two months ahead (beyond any horizon). */
const FEED_WINDOW = { back: 7 * DAY_MS, ahead: 62 * DAY_MS };

@Injectable()
export class CalendarService {
  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(ReservationsService) private readonly reservations: ReservationsService,
    @Inject(BlocksService) private readonly blocks: BlocksService,
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async feedUrl(userId: string): Promise<string> {
    return `${this.config.server.publicUrl}/api/v1/calendar/${await this.users.calendarToken(userId)}.ics`;
  }

  /** The maker's own bookings; the URL's secret is the only key, so calendar apps can poll it. */
  async makerFeed(token: string): Promise<string> {
    const user = await this.users.findByCalendarToken(token);
    if (!user) throw new NotFoundError('calendar', 'feed');
    const now = this.clock.now();
    const mine = await this.reservations.listForMaker(user.id, { from: now - FEED_WINDOW.back, status: 'active' });
    const names = await this.machineNames();
    const events: CalendarEvent[] = mine.map((r) => ({
      uid: `${r.id}@fabrique`,
      start: r.start,
      end: r.end,
      summary: names.get(r.machineId) ?? r.machineId,
      location: r.siteId,
      description: r.note ?? undefined,
    }));
    return toICalendar(`Fabrique — ${user.displayName}`, events, now);
  }

  /** A site's public feed: what is reserved or blocked when, and never by whom. */
  async siteFeed(siteId: string): Promise<string> {
    const site = await this.sites.get(siteId);
    const now = this.clock.now();
    const range = { start: now - FEED_WINDOW.back, end: now + FEED_WINDOW.ahead };
    const booked = (await this.reservations.listForSite(siteId, range)).filter((r) => r.status === 'active');
    const names = await this.machineNames();
    const events: CalendarEvent[] = booked.map((r) => ({
      uid: `${r.id}@fabrique`,
      start: r.start,
      end: r.end,
      summary: `Reserved — ${names.get(r.machineId) ?? r.machineId}`,
    }));
    const rules = await this.blocks.rulesForSite(siteId);
    for (const machine of await this.machines.listBySite(siteId)) {
      for (const occurrence of blockIntervalsForMachine(rules, machine.id, site.timeZone, range.start, range.end)) {
        events.push({
          uid: `block-${machine.id}-${occurrence.start}@fabrique`,
          ...occurrence,
          summary: `Blocked — ${machine.name}`,
        });
      }
    }
    return toICalendar(`Fabrique — ${site.name}`, events, now);
  }

  private async machineNames(): Promise<Map<string, string>> {
    const all = await Promise.all((await this.sites.list()).map((site) => this.machines.listBySite(site.id)));
    return new Map(all.flat().map((machine) => [machine.id, machine.name]));
  }
}
