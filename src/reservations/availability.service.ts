import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MachinesService } from '../machines/machines.service.js';
import { SitesService } from '../sites/sites.service.js';
import { machineAvailability, type MachineAvailability } from './availability.rules.js';
import { blockIntervalsForMachine } from './blocks.rules.js';
import { BlocksService } from './blocks.service.js';
import { BookingContextService, siteCalendar } from './booking-context.service.js';
import type { Interval } from './intervals.js';
import type { Reservation } from './reservation.entity.js';
import { openIntervals } from '../sites/opening-hours.rules.js';

export interface MachineAvailabilityView extends MachineAvailability {
  machineId: string;
  name: string;
  kind: string;
}

@Injectable()
export class AvailabilityService {
  constructor(
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(BlocksService) private readonly blocks: BlocksService,
    @Inject(BookingContextService) private readonly context: BookingContextService,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** Free time of every machine of a site, and why the rest is not free; three queries in all. */
  async forSite(siteId: string, range: Interval, kind?: string): Promise<MachineAvailabilityView[]> {
    const site = await this.sites.get(siteId);
    const machines = (await this.machines.listBySite(siteId)).filter((machine) => !kind || machine.kind === kind);
    const [reservations, rules] = await Promise.all([
      this.context.activeReservations(
        this.dataSource.manager,
        machines.map((machine) => machine.id),
        range,
      ),
      this.blocks.rulesForSite(siteId),
    ]);
    const calendar = siteCalendar(site);
    const open = openIntervals(calendar, range.start, range.end);
    const byMachine = new Map<string, Reservation[]>();
    for (const reservation of reservations) {
      const list = byMachine.get(reservation.machineId);
      if (list) list.push(reservation);
      else byMachine.set(reservation.machineId, [reservation]);
    }
    return machines.map((machine) => {
      const policy = this.context.policyFor(site, machine.kind);
      return {
        machineId: machine.id,
        name: machine.name,
        kind: machine.kind,
        ...machineAvailability({
          calendar,
          open,
          fromMs: range.start,
          toMs: range.end,
          adminStatus: machine.adminStatus,
          reservations: byMachine.get(machine.id) ?? [],
          blocks: blockIntervalsForMachine(rules, machine.id, site.timeZone, range.start, range.end),
          bufferMs: policy.bufferMinutes * 60_000,
        }),
      };
    });
  }
}
