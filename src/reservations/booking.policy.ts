import { parseWallTime, type SiteCalendar } from '../sites/opening-hours.rules.js';
import type { HeldTraining } from '../trainings/training-validity.rules.js';
import {
  checkDuration,
  checkHorizon,
  checkMachineAvailable,
  checkNotice,
  checkNotInPast,
  checkOpeningHours,
  checkSlotGrid,
  checkTraining,
  checkWellFormed,
} from './booking-checks.rules.js';
import { checkConflict } from './booking-conflict.rules.js';
import { checkQuotas } from './booking-quotas.rules.js';
import type { Interval } from './intervals.js';

/**
 * The booking policy of a site and machine kind, and the check every new or moved booking passes.
 * The policy resolved at booking time is frozen on the reservation, so later edits to the config
 * never change the cancel cut-off or check-in grace of a booking a maker already holds.
 */
export interface BookingPolicy {
  slotMinutes: number;
  minMinutes: number;
  maxMinutes: number;
  /**
   * Local 'HH:mm' windows in which a booking START gets its own max (e.g. 17:00–09:00 for long
   * overnight prints); `from > to` wraps past midnight. The largest matching band wins; with no
   * matching band `maxMinutes` applies.
   */
  bands: Array<{ from: string; to: string; maxMinutes: number }>;
  /** Printers may run unattended after closing: only the start must be in opening hours. */
  allowRunPastClosing: boolean;
  horizonDays: number;
  minNoticeMinutes: number;
  maxOpenReservations: number;
  maxHoursPerDay: number;
  maxHoursPerWeek: number;
  bufferMinutes: number;
  cancelCutoffMinutes: number;
  checkInGraceMinutes: number;
}

export type PolicyOverride = Partial<BookingPolicy>;

export interface SitePolicyOverrides {
  default?: PolicyOverride;
  kinds?: Record<string, PolicyOverride>;
}

export type BookingRuleCode =
  | 'TRAINING_REQUIRED'
  | 'OUTSIDE_OPENING_HOURS'
  | 'QUOTA_EXCEEDED'
  | 'TOO_FAR_AHEAD'
  | 'TOO_SHORT_NOTICE'
  | 'MACHINE_UNAVAILABLE'
  | 'INVALID_DURATION'
  | 'NOT_ON_SLOT_GRID'
  | 'RESERVATION_CONFLICT'
  | 'IN_THE_PAST';

export interface BookingViolation {
  code: BookingRuleCode;
  message: string;
  field?: 'start' | 'end' | 'machineId';
  /**
   * The numbers and instants the message states, so a page can say it in its own language:
   * `rule` names the variant when a code has several (`min` / `max` duration, `day` / `week` quota).
   */
  details?: Record<string, string | number | null>;
}

export interface BookingContext {
  nowMs: number;
  policy: BookingPolicy;
  calendar: SiteCalendar;
  machine: {
    id: string;
    kind: string;
    adminStatus: 'active' | 'maintenance' | 'retired';
    requiredTraining: string | null;
  };
  makerTrainings: HeldTraining[];
  /** The maker's active reservations on any machine, without the one being moved. */
  makerReservations: Interval[];
  /** Active reservations and block occurrences on this machine, without the one being moved. */
  machineBusy: Array<Interval & { kind: 'reservation' | 'block' }>;
}

/**
 * Precedence: network default < network kind < site default < site kind. Arrays (`bands`) are
 * replaced, not merged, so a site can drop the network's overnight band with `bands: []`.
 */
export function resolvePolicy(
  network: BookingPolicy,
  networkKinds: Record<string, PolicyOverride>,
  site: SitePolicyOverrides | undefined,
  kind: string,
): BookingPolicy {
  const layers = [networkKinds[kind], site?.default, site?.kinds?.[kind]];
  const resolved: BookingPolicy = { ...network, bands: [...network.bands] };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      // An explicit `undefined` (an optional DTO field) must not erase a lower layer, and a key
      // the policy does not have (a typo in YAML) must not ride along into the frozen copy.
      if (value === undefined || !(key in network)) continue;
      Object.assign(resolved, { [key]: Array.isArray(value) ? [...value] : value });
    }
  }
  return resolved;
}

const POSITIVE_FIELDS = [
  'slotMinutes',
  'minMinutes',
  'maxMinutes',
  'maxOpenReservations',
  'maxHoursPerDay',
  'maxHoursPerWeek',
] as const;
const NON_NEGATIVE_FIELDS = [
  'horizonDays',
  'minNoticeMinutes',
  'bufferMinutes',
  'cancelCutoffMinutes',
  'checkInGraceMinutes',
] as const;

/** Why a resolved policy cannot be applied, for the config loader, or null. */
export function validateBookingPolicy(p: BookingPolicy): string | null {
  for (const key of POSITIVE_FIELDS) {
    if (!(p[key] > 0)) return `${key} must be greater than 0 (got ${String(p[key])})`;
  }
  for (const key of NON_NEGATIVE_FIELDS) {
    if (!(p[key] >= 0)) return `${key} must be 0 or more (got ${String(p[key])})`;
  }
  // The grid restarts at every local midnight, so a slot that does not divide the day would
  // leave a ragged last slot.
  if (!Number.isInteger(p.slotMinutes) || 1440 % p.slotMinutes !== 0) {
    return `slotMinutes must divide a day evenly (15, 30, 60, …), got ${p.slotMinutes}`;
  }
  if (p.minMinutes > p.maxMinutes) {
    return `minMinutes (${p.minMinutes}) is more than maxMinutes (${p.maxMinutes})`;
  }
  for (const [index, band] of p.bands.entries()) {
    const from = parseWallTime(band.from);
    const to = parseWallTime(band.to);
    if (from === null || from === 1440 || to === null) {
      return `bands[${index}]: from and to must be times 'HH:mm'`;
    }
    if (from === to) return `bands[${index}]: from and to must differ`;
    if (!(band.maxMinutes >= p.minMinutes)) {
      return `bands[${index}]: maxMinutes must be at least minMinutes (${p.minMinutes})`;
    }
  }
  if (typeof p.allowRunPastClosing !== 'boolean') return 'allowRunPastClosing must be true or false';
  return null;
}

/**
 * The first rule a booking request breaks, or null when it may be booked. Checks run in this
 * fixed order: first what the maker cannot fix alone (only staff train people and run the
 * machines), then what they can change themselves (the time, the length, another slot), so
 * fixing one refusal never just reveals one that could have been said first:
 *
 *  1. INVALID_DURATION       end not after start (malformed request)
 *  2. TRAINING_REQUIRED      required training missing or expiring before the booking ends
 *  3. MACHINE_UNAVAILABLE    machine in maintenance or retired
 *  4. IN_THE_PAST            start before now
 *  5. NOT_ON_SLOT_GRID       start or end off the local slot grid
 *  6. INVALID_DURATION       shorter than min, longer than max (or the start's band max)
 *  7. TOO_SHORT_NOTICE       start sooner than the minimum notice
 *  8. TOO_FAR_AHEAD          start's local date after today + horizonDays (site zone)
 *  9. OUTSIDE_OPENING_HOURS  not inside open time (with allowRunPastClosing: start not open)
 * 10. QUOTA_EXCEEDED         open bookings, then hours per local day, then per local ISO week
 * 11. RESERVATION_CONFLICT   overlaps a block, or a reservation closer than bufferMinutes
 *
 * `skipPolicy` (staff booking for someone) keeps 1, 3, 4 and 11 only, and drops the buffer:
 * maintenance still blocks, overlap is never allowed, policy is the staff's call.
 */
export function checkBooking(
  req: Interval,
  ctx: BookingContext,
  opts: { skipPolicy?: boolean } = {},
): BookingViolation | null {
  const policyOnly = (...checks: BookingCheck[]) => (opts.skipPolicy ? [] : checks);
  const bufferMs = opts.skipPolicy ? 0 : ctx.policy.bufferMinutes * 60_000;
  const checks: BookingCheck[] = [
    checkWellFormed,
    ...policyOnly(checkTraining),
    checkMachineAvailable,
    checkNotInPast,
    ...policyOnly(checkSlotGrid, checkDuration, checkNotice, checkHorizon, checkOpeningHours, checkQuotas),
    (r, c) => checkConflict(r, c, bufferMs),
  ];
  for (const check of checks) {
    const violation = check(req, ctx);
    if (violation) return violation;
  }
  return null;
}

type BookingCheck = (req: Interval, ctx: BookingContext) => BookingViolation | null;
