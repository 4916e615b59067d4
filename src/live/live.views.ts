import type { KindSummary, MachineOccupancy, OccupancyStatus } from './occupancy.rules.js';
import type { SiteOpening } from './opening.rules.js';
import { isoOrNull } from '../common/instants.js';

/**
 * What a lobby screen receives. Built field by field from an allow-list, so nothing about a person
 * (a name, an account id, an email, a note) can reach a kiosk, whatever the occupancy grows into.
 */
export interface KioskMachine {
  machineId: string;
  machineName: string;
  kind: string;
  status: OccupancyStatus;
  busyUntil: string | null;
  nextFreeAt: string | null;
  progressPct: number | null;
  attention: string[];
  /** Out of service: what staff chose to tell the public (never their own note). */
  notice: { reason: string | null; backAt: string | null } | null;
}

export interface KioskKind {
  kind: string;
  total: number;
  freeNow: number;
  nextFreeAt: string | null;
  freeAtOpening: number | null;
}

/** The centre itself: open now, or closed and when it opens. */
export interface OpeningView {
  open: boolean;
  opensAt: string | null;
  closesAt: string | null;
  closure: string | null;
}

/** The public side of a machine out of service, as staff wrote it for everyone to read. */
export interface PublicNotice {
  publicReason: string | null;
  expectedBackAt: number | null;
}

/** Staff also see who is on the machine and what it reported. */
export interface StaffMachine extends KioskMachine {
  liveState: string | null;
  current: {
    reservationId: string;
    makerId: string;
    makerName: string;
    start: string;
    end: string;
    checkedIn: boolean;
  } | null;
  next: { reservationId: string; makerId: string; makerName: string; start: string; end: string } | null;
  /** The job the machine is taking or running, and whose it is (staff hand the parts over). */
  job: { jobId: string; name: string; makerId: string | null; makerName: string | null } | null;
  interventions: Array<{ id: string; kind: string; severity: string; message: string; actions: string[] }>;
}

export interface LiveSnapshot<M> {
  siteId: string;
  seq: number;
  at: string;
  timeZone: string;
  opening: OpeningView;
  machines: M[];
  kinds: KioskKind[];
}

/** Only the machines that changed since `seq - 1`, with the kinds summary that goes with them. */
export type LiveDelta<M> = LiveSnapshot<M>;

export function kioskMachine(machine: MachineOccupancy, notice: PublicNotice): KioskMachine {
  return {
    machineId: machine.machineId,
    machineName: machine.machineName,
    kind: machine.kind,
    status: machine.status,
    busyUntil: isoOrNull(machine.busyUntil),
    nextFreeAt: isoOrNull(machine.nextFreeAt),
    progressPct: machine.progressPct,
    attention: [...machine.attention],
    notice:
      machine.status === 'maintenance'
        ? { reason: notice.publicReason, backAt: isoOrNull(notice.expectedBackAt) }
        : null,
  };
}

export function kioskKind(kind: KindSummary): KioskKind {
  return {
    kind: kind.kind,
    total: kind.total,
    freeNow: kind.freeNow,
    nextFreeAt: isoOrNull(kind.nextFreeAt),
    freeAtOpening: kind.freeAtOpening,
  };
}

export function openingView(opening: SiteOpening): OpeningView {
  return {
    open: opening.open,
    opensAt: isoOrNull(opening.opensAt),
    closesAt: isoOrNull(opening.closesAt),
    closure: opening.closure,
  };
}
