// Jobs, machines and a Paris site for the scheduler's specs.
import { openIntervals, wallClockToMs, type SiteCalendar } from '../sites/opening-hours.rules.js';
import { planStarts, type QueuedJob, type SchedulableMachine, type SchedulerInput } from './scheduler.rules.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const PARIS: SiteCalendar = {
  timeZone: 'Europe/Paris',
  weeklyHours: { tue: [['09:00', '18:00']], wed: [['09:00', '18:00']] },
  closures: [],
};
/** Tuesday 4 March 2025, wall-clock time in Paris. */
export const paris = (time: string) => wallClockToMs('2025-03-04', time, 'Europe/Paris');
export const NOW = paris('10:00');
export const staffedParis = (now: number) => new Map([['site', openIntervals(PARIS, now, now + 48 * HOUR)]]);

let ids = 0;
export function buildJob(o: Partial<QueuedJob> = {}): QueuedJob {
  ids += 1;
  return {
    id: `job-${String(ids).padStart(3, '0')}`,
    siteId: 'site',
    kind: 'fdm_printer',
    format: 'gcode',
    ownerKey: 'maker-a',
    staffPriority: false,
    position: ids,
    targetMachineId: null,
    reservation: null,
    needs: {},
    estimatedSeconds: 45 * 60,
    design: null,
    designSizeMm: null,
    avoidMachineIds: [],
    ...o,
  };
}

export function buildMachine(o: Partial<SchedulableMachine> = {}): SchedulableMachine {
  return {
    id: 'mk4-1',
    siteId: 'site',
    kind: 'fdm_printer',
    free: true,
    capabilities: { materials: ['PLA', 'PETG'], nozzleMm: 0.4, buildVolumeMm: [250, 210, 220] },
    fileFormats: ['gcode', 'bgcode'],
    loadedMaterials: [],
    durationRatio: 1,
    busy: [],
    ...o,
  };
}

export function buildEmbroidery(o: Partial<SchedulableMachine> = {}): SchedulableMachine {
  return buildMachine({
    id: 'pp1',
    kind: 'embroidery',
    capabilities: { hoopsMm: [[100, 100]], needles: 1, stitchesPerMinute: 400, needsOperator: true },
    fileFormats: ['pes', 'dst'],
    ...o,
  });
}

export const embroideryJob = (o: Partial<QueuedJob> = {}) =>
  buildJob({
    kind: 'embroidery',
    format: 'pes',
    estimatedSeconds: null,
    // 6,000 stitches at 400 spm = 15 min, plus two single-needle colour changes of 1 min.
    design: { stitches: 6000, colorChanges: 2, trims: 0 },
    designSizeMm: { widthMm: 90, heightMm: 60 },
    ...o,
  });

export function plan(o: Partial<SchedulerInput> & Pick<SchedulerInput, 'jobs' | 'machines'>) {
  return planStarts({
    now: NOW,
    staffed: staffedParis(o.now ?? NOW),
    lastStartBySite: new Map(),
    lastServedByOwner: new Map(),
    policy: { marginMs: 10 * MIN, unknownEstimateMs: 2 * HOUR, staggerMs: 0 },
    ...o,
  });
}

export const booking = (start: number, end: number, reservationId: string | null = 'r-other') => ({
  start,
  end,
  reservationId,
});
export const startedIds = (result: ReturnType<typeof planStarts>) => result.starts.map((s) => s.jobId);
