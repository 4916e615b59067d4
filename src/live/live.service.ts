import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { merge, Subject, type Subscription } from 'rxjs';
import { Clock } from '../common/clock.js';
import { JobEvents } from '../jobs/job-events.js';
import type { Job } from '../jobs/job.entity.js';
import { JobsService } from '../jobs/jobs.service.js';
import { MachineLiveEvents } from '../machines/machine-live-events.js';
import { MachineLiveService, type MachineLive } from '../machines/machine-live.service.js';
import { MachinesService } from '../machines/machines.service.js';
import { AvailabilityService } from '../reservations/availability.service.js';
import { siteCalendar } from '../reservations/booking-context.service.js';
import { BookingEvents } from '../reservations/reservation-events.js';
import type { Reservation } from '../reservations/reservation.entity.js';
import { ReservationsService } from '../reservations/reservations.service.js';
import { SitesService } from '../sites/sites.service.js';
import { UsersService } from '../users/users.service.js';
import {
  kioskKind,
  kioskMachine,
  openingView,
  type KioskKind,
  type KioskMachine,
  type LiveSnapshot,
  type OpeningView,
  type StaffMachine,
} from './live.views.js';
import { kindSummaries, machineOccupancy, type LiveFacts } from './occupancy.rules.js';
import { siteOpening } from './opening.rules.js';
import { iso } from '../common/instants.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** A booking starting this soon makes a free machine "reserved soon" on the screens. */
const SOON_MS = 30 * MINUTE_MS;
/** How far ahead screens look for the next free time. */
const LOOKAHEAD_MS = 7 * 24 * HOUR_MS;
/** While closed, screens also say what is free the day it opens: look that far at least. */
const AFTER_OPENING_MS = 24 * HOUR_MS;
/** Bursts of events (a telemetry storm, a block over ten machines) become one update. */
const COALESCE_MS = 100;

export interface SiteUpdate {
  siteId: string;
  kiosk: LiveSnapshot<KioskMachine>;
  staff: LiveSnapshot<StaffMachine>;
}

interface RecomputeSlot {
  timer?: NodeJS.Timeout;
  running: boolean;
  /** Something changed since the running (or last) recompute started. */
  dirty: boolean;
  lastMs: number;
}

interface SiteLive {
  seq: number;
  at: number;
  timeZone: string;
  opening: OpeningView;
  /** Each machine's kiosk view (the allow-list of live.views.ts) and staff view. */
  machines: Map<string, { kiosk: KioskMachine; staff: StaffMachine; key: string }>;
  kinds: KioskKind[];
}

/**
 * Per-site occupancy, kept in memory and recomputed when a machine, a booking or a block changes
 * and at every minute boundary — never per client. Each change gets the next sequence number, so
 * a screen that misses one asks for a fresh snapshot.
 */
@Injectable()
export class LiveService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LiveService.name);
  private readonly state = new Map<string, SiteLive>();
  private readonly schedule = new Map<string, RecomputeSlot>();
  readonly updates$ = new Subject<SiteUpdate>();
  private subscription?: Subscription;
  private minuteTimer?: NodeJS.Timeout;

  constructor(
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(MachineLiveService) private readonly machineLive: MachineLiveService,
    @Inject(MachineLiveEvents) private readonly machineEvents: MachineLiveEvents,
    @Inject(BookingEvents) private readonly bookingEvents: BookingEvents,
    @Inject(ReservationsService) private readonly reservations: ReservationsService,
    @Inject(AvailabilityService) private readonly availability: AvailabilityService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(JobsService) private readonly jobs: JobsService,
    @Inject(JobEvents) private readonly jobEvents: JobEvents,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const site of await this.sites.list()) await this.recompute(site.id);
    this.subscription = merge(this.bookingEvents.events$, this.machineEvents.events$).subscribe((event) =>
      this.touch(event.siteId),
    );
    // A job taking a machine changes whose print it is on the staff board.
    this.subscription.add(this.jobEvents.changes$.subscribe((change) => this.touch(change.job.siteId)));
    this.scheduleMinuteTick();
  }

  onModuleDestroy(): void {
    clearTimeout(this.minuteTimer);
    for (const slot of this.schedule.values()) clearTimeout(slot.timer);
    this.subscription?.unsubscribe();
    this.updates$.complete();
  }

  /** The current picture of a site for one audience; null for an unknown site. */
  snapshot(
    siteId: string,
    audience: 'kiosk' | 'staff',
  ): LiveSnapshot<KioskMachine> | LiveSnapshot<StaffMachine> | null {
    const site = this.state.get(siteId);
    if (!site) return null;
    const entries = [...site.machines.values()];
    return audience === 'staff'
      ? this.frame(
          siteId,
          site,
          entries.map((entry) => entry.staff),
        )
      : this.frame(
          siteId,
          site,
          entries.map((entry) => entry.kiosk),
        );
  }

  /**
   * Marks a site for recomputation. Changes arriving together become one recompute, and the next
   * one waits at least as long as the last one took: a busy site gets fewer, fresher updates
   * instead of recomputing back to back and starving MQTT, HTTP and the screens.
   */
  touch(siteId: string): void {
    const slot = this.schedule.get(siteId) ?? { running: false, dirty: false, lastMs: 0 };
    this.schedule.set(siteId, slot);
    slot.dirty = true;
    if (slot.running || slot.timer) return;
    slot.timer = setTimeout(() => void this.runScheduled(siteId, slot), Math.max(COALESCE_MS, slot.lastMs));
    slot.timer.unref();
  }

  private async runScheduled(siteId: string, slot: RecomputeSlot): Promise<void> {
    slot.timer = undefined;
    slot.dirty = false;
    slot.running = true;
    const started = performance.now();
    await this.recomputeSafely(siteId);
    slot.lastMs = performance.now() - started;
    slot.running = false;
    if (slot.dirty) this.touch(siteId);
  }

  private scheduleMinuteTick(): void {
    // Minute boundaries of the real clock: "frees up at 14:00" must turn into "free" at 14:00.
    const wait = MINUTE_MS - (Date.now() % MINUTE_MS);
    this.minuteTimer = setTimeout(() => {
      for (const siteId of this.state.keys()) this.touch(siteId);
      this.scheduleMinuteTick();
    }, wait);
    this.minuteTimer.unref();
  }

  private async recomputeSafely(siteId: string): Promise<void> {
    try {
      await this.recompute(siteId);
    } catch (error) {
      this.logger.error(
        `Occupancy of ${siteId} could not be recomputed: ${(error as Error).message}`,
        (error as Error).stack,
      );
    }
  }

  async recompute(siteId: string): Promise<void> {
    const now = this.clock.now();
    const site = await this.sites.get(siteId);
    const opening = siteOpening(siteCalendar(site), now);
    const horizon = Math.max(now + LOOKAHEAD_MS, (opening.opensAt ?? 0) + AFTER_OPENING_MS);
    const machines = await this.machines.listBySite(siteId);
    const [booked, availability, onMachines] = await Promise.all([
      this.reservations.listForSite(siteId, { start: now - 12 * HOUR_MS, end: horizon }),
      this.availability.forSite(siteId, { start: now, end: horizon }),
      this.jobs.onMachines(siteId),
    ]);
    const active = booked.filter((r) => r.status === 'active' && r.end > now);
    const freeByMachine = new Map(availability.map((a) => [a.machineId, a.free]));
    const jobByMachine = new Map(onMachines.map((job) => [job.machineId, job]));
    const names = await this.users.displayNames([
      ...active.map((r) => r.makerId),
      ...onMachines.flatMap((job) => (job.ownerId ? [job.ownerId] : [])),
    ]);
    const previous = this.state.get(siteId);
    const next: SiteLive = {
      seq: previous?.seq ?? 0,
      at: now,
      timeZone: site.timeZone,
      opening: openingView(opening),
      machines: new Map(),
      kinds: [],
    };
    const changed: Array<{ kiosk: KioskMachine; staff: StaffMachine }> = [];
    const occupancies = machines.map((machine) => {
      const mine = active.filter((r) => r.machineId === machine.id);
      const live = this.machineLive.get(machine.id);
      const occupancy = machineOccupancy(
        {
          machineId: machine.id,
          machineName: machine.name,
          kind: machine.kind,
          adminStatus: machine.adminStatus,
          live: liveFacts(live),
          reservations: mine.map((r) => ({ start: r.start, end: r.end, checkedIn: r.checkedInAt !== null })),
          free: freeByMachine.get(machine.id) ?? [],
          siteOpen: opening.open,
        },
        now,
        SOON_MS,
      );
      const kiosk = kioskMachine(occupancy, machine);
      const staff = staffMachine(kiosk, live, mine, jobByMachine.get(machine.id) ?? null, names, now);
      const key = JSON.stringify(staff);
      next.machines.set(machine.id, { kiosk, staff, key });
      if (previous?.machines.get(machine.id)?.key !== key) changed.push({ kiosk, staff });
      return occupancy;
    });
    next.kinds = kindSummaries(occupancies, opening.opensAt).map(kioskKind);
    const siteChanged =
      JSON.stringify([next.kinds, next.opening]) !== JSON.stringify([previous?.kinds, previous?.opening]);
    if (previous && changed.length === 0 && !siteChanged) return;
    next.seq += 1;
    this.state.set(siteId, next);
    this.updates$.next({
      siteId,
      staff: this.frame(
        siteId,
        next,
        changed.map((entry) => entry.staff),
      ),
      kiosk: this.frame(
        siteId,
        next,
        changed.map((entry) => entry.kiosk),
      ),
    });
  }

  private frame<M>(siteId: string, site: SiteLive, machines: M[]): LiveSnapshot<M> {
    return {
      siteId,
      seq: site.seq,
      at: new Date(site.at).toISOString(),
      timeZone: site.timeZone,
      opening: site.opening,
      machines,
      kinds: site.kinds,
    };
  }
}

/** A machine no bridge ever reported is used and booked by hand: only bookings say if it is free. */
function liveFacts(live: MachineLive | null): LiveFacts | null {
  if (!live || (live.bridge === null && live.snapshot === null)) return null;
  const snapshot = live.snapshot;
  return {
    connected: live.link !== 'offline' && live.bridge?.online !== false,
    state: live.state,
    pauseReason: snapshot?.pauseReason ?? null,
    progressPct: snapshot?.job?.progressPct ?? null,
    remainingS: snapshot?.job?.remainingS ?? null,
    interventions: (snapshot?.interventions ?? []).filter((i) => i.blocking).map((i) => i.kind),
  };
}

function staffMachine(
  kiosk: KioskMachine,
  live: MachineLive | null,
  reservations: Reservation[],
  job: Job | null,
  names: Map<string, string>,
  now: number,
): StaffMachine {
  const current = reservations.find((r) => r.start <= now && now < r.end);
  const next = reservations.find((r) => r.start > now);
  return {
    ...kiosk,
    liveState: live?.state ?? null,
    current: current
      ? {
          reservationId: current.id,
          makerId: current.makerId,
          makerName: names.get(current.makerId) ?? '',
          start: iso(current.start),
          end: iso(current.end),
          checkedIn: current.checkedInAt !== null,
        }
      : null,
    next: next
      ? {
          reservationId: next.id,
          makerId: next.makerId,
          makerName: names.get(next.makerId) ?? '',
          start: iso(next.start),
          end: iso(next.end),
        }
      : null,
    job: job
      ? {
          jobId: job.id,
          name: job.name,
          makerId: job.ownerId,
          makerName: job.ownerId ? (names.get(job.ownerId) ?? null) : null,
        }
      : null,
    interventions: (live?.snapshot?.interventions ?? []).map((i) => ({
      id: i.id,
      kind: i.kind,
      severity: i.severity,
      message: i.message,
      actions: [...i.actions],
    })),
  };
}
