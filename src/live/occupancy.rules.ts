import type { Interval } from '../reservations/intervals.js';

/**
 * What a kiosk or a staff board shows for a machine, folded from what the machine reports, the
 * bookings and blocks around now, and the clock. Pure: the live service feeds it on every event
 * and at minute boundaries.
 */
export type OccupancyStatus =
  'free' | 'in_use' | 'reserved_soon' | 'closed' | 'needs_attention' | 'offline' | 'maintenance';

/** Order of precedence when several apply: the first is what a person most needs to know. */
export const STATUS_PRECEDENCE: readonly OccupancyStatus[] = [
  'maintenance',
  'offline',
  'needs_attention',
  'in_use',
  // Nobody can use an idle machine while the centre is closed, whatever its bookings say.
  'closed',
  'reserved_soon',
  'free',
];

/** Live states in which the machine is working on something, for whoever is using it. */
const WORKING_STATES = new Set(['busy', 'receiving', 'preparing', 'running', 'pausing', 'paused', 'stopping']);
/** States in which a person must act: an error, or a finished job whose bed or hoop is still full. */
const ATTENTION_STATES = new Set(['error', 'awaiting_clear']);

export interface LiveFacts {
  /** False when the bridge or the machine link is down. */
  connected: boolean;
  state: string;
  pauseReason?: string | null;
  progressPct?: number | null;
  remainingS?: number | null;
  /** Kinds of blocking interventions waiting (material_runout, clear_build_area, …). */
  interventions: string[];
}

export interface MachineFacts {
  machineId: string;
  machineName: string;
  kind: string;
  adminStatus: 'active' | 'maintenance' | 'retired';
  /** Null when no bridge ever reported this machine: it is booked and used by hand. */
  live: LiveFacts | null;
  /** Active reservations around now, sorted by start. */
  reservations: Array<Interval & { checkedIn: boolean }>;
  /** Bookable time from now on (availability rules: opening hours, reservations, blocks). */
  free: Interval[];
  /** False outside opening hours and on closed days. */
  siteOpen: boolean;
}

export interface MachineOccupancy {
  machineId: string;
  machineName: string;
  kind: string;
  status: OccupancyStatus;
  /** When the current use ends, if the machine is not free now. */
  busyUntil: number | null;
  /** The next instant it can be booked or used, if any in the horizon looked at. */
  nextFreeAt: number | null;
  progressPct: number | null;
  /** Why it needs attention, in the contract's intervention words (or the live state). */
  attention: string[];
}

export function machineOccupancy(facts: MachineFacts, nowMs: number, soonMs: number): MachineOccupancy {
  const live = facts.live;
  const current = facts.reservations.find((r) => r.start <= nowMs && nowMs < r.end);
  const upcoming = facts.reservations.find((r) => r.start > nowMs && r.start - nowMs <= soonMs);
  const attention = live ? attentionOf(live) : [];
  const working = live !== null && WORKING_STATES.has(live.state);
  const status = pickStatus([
    facts.adminStatus !== 'active' && 'maintenance',
    live !== null && (!live.connected || live.state === 'offline' || live.state === 'unknown') && 'offline',
    attention.length > 0 && 'needs_attention',
    (working || current?.checkedIn) && 'in_use',
    !facts.siteOpen && 'closed',
    (current || upcoming) && 'reserved_soon',
  ]);
  const jobEndsAt = working && live?.remainingS ? nowMs + live.remainingS * 1000 : null;
  const timing = timingOf(status, { nowMs, jobEndsAt, current, upcoming, free: facts.free });
  return {
    machineId: facts.machineId,
    machineName: facts.machineName,
    kind: facts.kind,
    status,
    ...timing,
    progressPct: working ? (live?.progressPct ?? null) : null,
    attention,
  };
}

/**
 * When the current use ends and when the machine is next free for someone else. Nobody can say
 * when a machine waiting for a person, offline or in maintenance will be free: that is null,
 * and screens say "ask the staff" rather than guess.
 */
function timingOf(
  status: OccupancyStatus,
  at: { nowMs: number; jobEndsAt: number | null; current?: Interval; upcoming?: Interval; free: Interval[] },
): { busyUntil: number | null; nextFreeAt: number | null } {
  const freeFrom = (instant: number) => {
    const next = at.free.find((interval) => interval.end > instant);
    return next ? Math.max(next.start, instant) : null;
  };
  switch (status) {
    case 'free':
      return { busyUntil: null, nextFreeAt: at.nowMs };
    case 'closed':
      return { busyUntil: null, nextFreeAt: freeFrom(at.nowMs) };
    case 'in_use': {
      const busyUntil = Math.max(at.jobEndsAt ?? at.nowMs, at.current?.end ?? at.nowMs);
      return { busyUntil, nextFreeAt: freeFrom(busyUntil) };
    }
    case 'reserved_soon': {
      const booking = (at.current ?? at.upcoming)!;
      return { busyUntil: at.current ? at.current.end : null, nextFreeAt: freeFrom(booking.end) };
    }
    default:
      return { busyUntil: null, nextFreeAt: null };
  }
}

export interface KindSummary {
  kind: string;
  total: number;
  freeNow: number;
  /** The soonest a machine of this kind (not in maintenance) can be used. */
  nextFreeAt: number | null;
  /** While the centre is closed: how many will be free the moment it opens (`opensAt`). */
  freeAtOpening: number | null;
}

/** `opensAt`: when the closed centre opens next, or null while it is open. */
export function kindSummaries(machines: readonly MachineOccupancy[], opensAt: number | null = null): KindSummary[] {
  const byKind = new Map<string, KindSummary>();
  for (const machine of machines) {
    const summary = byKind.get(machine.kind) ?? {
      kind: machine.kind,
      total: 0,
      freeNow: 0,
      nextFreeAt: null,
      freeAtOpening: opensAt === null ? null : 0,
    };
    summary.total += 1;
    if (machine.status === 'free') summary.freeNow += 1;
    if (opensAt !== null && machine.status !== 'maintenance' && machine.nextFreeAt === opensAt) {
      summary.freeAtOpening = (summary.freeAtOpening ?? 0) + 1;
    }
    if (machine.status !== 'maintenance' && machine.nextFreeAt !== null) {
      summary.nextFreeAt =
        summary.nextFreeAt === null ? machine.nextFreeAt : Math.min(summary.nextFreeAt, machine.nextFreeAt);
    }
    byKind.set(machine.kind, summary);
  }
  return [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}

function attentionOf(live: LiveFacts): string[] {
  const reasons = [...live.interventions];
  if (ATTENTION_STATES.has(live.state)) reasons.unshift(live.state);
  if (
    live.state === 'paused' &&
    (live.pauseReason === 'intervention' || live.pauseReason === 'error') &&
    reasons.length === 0
  ) {
    reasons.push(`paused_${live.pauseReason}`);
  }
  return [...new Set(reasons)];
}

function pickStatus(candidates: Array<OccupancyStatus | false | undefined>): OccupancyStatus {
  const present = new Set(candidates.filter((c): c is OccupancyStatus => typeof c === 'string'));
  return STATUS_PRECEDENCE.find((status) => present.has(status)) ?? 'free';
}
