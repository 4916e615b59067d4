import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Interval } from '../reservations/intervals.js';
import { openIntervals, wallClockToMs } from '../sites/opening-hours.rules.js';
import {
  MIN,
  HOUR,
  PARIS,
  paris,
  NOW,
  buildJob,
  buildMachine,
  buildEmbroidery,
  embroideryJob,
  plan,
  booking,
  startedIds,
} from './scheduler.fixtures.js';
import {
  fairOrder,
  matches,
  planStarts,
  type QueuedJob,
  type SchedulableMachine,
  type SchedulerInput,
} from './scheduler.rules.js';

describe('room before the next booking', () => {
  it('does not start a 45-min print on a printer whose next booking starts in 50 min with a 10-min margin', () => {
    const job = buildJob({ estimatedSeconds: 45 * 60 });
    const result = plan({ jobs: [job], machines: [buildMachine({ busy: [booking(NOW + 50 * MIN, NOW + 2 * HOUR)] })] });
    expect(result.starts).toEqual([]);
    expect(result.waiting.get(job.id)).toBe('not_enough_time');
  });

  it('starts a 40-min print there: with the margin it ends exactly as the booking begins', () => {
    const job = buildJob({ estimatedSeconds: 40 * 60 });
    const result = plan({ jobs: [job], machines: [buildMachine({ busy: [booking(NOW + 50 * MIN, NOW + 2 * HOUR)] })] });
    expect(result.starts).toEqual([{ jobId: job.id, machineId: 'mk4-1', expectedMs: 40 * MIN }]);
  });

  it('counts the machine’s learned slowness against the booking', () => {
    const job = buildJob({ estimatedSeconds: 30 * 60 });
    const busy = [booking(NOW + 50 * MIN, NOW + 2 * HOUR)];
    expect(plan({ jobs: [job], machines: [buildMachine({ busy, durationRatio: 1 })] }).starts).toHaveLength(1);
    const slow = plan({ jobs: [job], machines: [buildMachine({ busy, durationRatio: 1.4 })] });
    expect(slow.starts).toEqual([]);
    expect(slow.waiting.get(job.id)).toBe('not_enough_time');
  });

  it('starts nothing on a machine inside someone else’s booking or a staff block', () => {
    const job = buildJob({ estimatedSeconds: 60 });
    const booked = buildMachine({ busy: [booking(NOW - HOUR, NOW + HOUR)] });
    expect(plan({ jobs: [job], machines: [booked] }).waiting.get(job.id)).toBe('not_enough_time');
    const blocked = buildMachine({ busy: [booking(NOW - HOUR, NOW + HOUR, null)] });
    expect(plan({ jobs: [job], machines: [blocked] }).starts).toEqual([]);
  });

  it('uses a machine whose last booking ends right now', () => {
    const job = buildJob();
    expect(plan({ jobs: [job], machines: [buildMachine({ busy: [booking(NOW - HOUR, NOW)] })] }).starts).toHaveLength(
      1,
    );
  });

  it('passes over a booked printer for the next one that has room', () => {
    const job = buildJob();
    const machines = [buildMachine({ busy: [booking(NOW + 20 * MIN, NOW + HOUR)] }), buildMachine({ id: 'mk4-2' })];
    expect(plan({ jobs: [job], machines }).starts.map((s) => s.machineId)).toEqual(['mk4-2']);
  });
});

describe('a job attached to the maker’s own booking', () => {
  const own = { id: 'r-mine', machineId: 'mk4-1', start: NOW - 15 * MIN, end: NOW + HOUR };
  const mine = (o: Partial<QueuedJob> = {}) => buildJob({ reservation: own, ...o });
  const reserved = (o: Partial<SchedulableMachine> = {}) =>
    buildMachine({ busy: [booking(own.start, own.end, own.id), booking(own.end, own.end + HOUR)], ...o });

  it('runs inside the booking, which other jobs cannot use', () => {
    const job = mine();
    const stranger = buildJob({ ownerKey: 'maker-b', position: 0 });
    const result = plan({ jobs: [stranger, job], machines: [reserved()] });
    expect(startedIds(result)).toEqual([job.id]);
    expect(result.waiting.get(stranger.id)).toBe('not_enough_time');
  });

  it('waits for the booking to begin, and does not run after it ended', () => {
    const early = mine({ reservation: { ...own, start: NOW + 5 * MIN } });
    expect(plan({ jobs: [early], machines: [reserved()] }).waiting.get(early.id)).toBe('outside_reservation');
    const late = mine({ reservation: { ...own, start: NOW - 2 * HOUR, end: NOW } });
    expect(plan({ jobs: [late], machines: [reserved()] }).waiting.get(late.id)).toBe('outside_reservation');
  });

  it('runs only on the booked machine, even when another printer is free', () => {
    const job = mine();
    const result = plan({ jobs: [job], machines: [buildMachine({ id: 'mk4-2' }), reserved({ free: false })] });
    expect(result.starts).toEqual([]);
    expect(result.waiting.get(job.id)).toBe('machines_busy');
  });

  it('does not start a print that would outlast the booking', () => {
    const job = mine({ estimatedSeconds: 61 * 60 });
    expect(plan({ jobs: [job], machines: [reserved()] }).waiting.get(job.id)).toBe('not_enough_time');
  });

  it('lets the maker use the booking to its end: the margin is theirs', () => {
    const job = mine({ estimatedSeconds: 55 * 60 });
    expect(plan({ jobs: [job], machines: [reserved()] }).starts).toHaveLength(1);
  });
});

describe('machines that need an operator', () => {
  it('starts a single-needle embroidery job during staffed hours', () => {
    const job = embroideryJob();
    expect(plan({ jobs: [job], machines: [buildEmbroidery()] }).starts).toEqual([
      { jobId: job.id, machineId: 'pp1', expectedMs: 17 * MIN },
    ]);
  });

  it('never starts a job that would run past closing', () => {
    const job = embroideryJob();
    // 17 min of sewing + 10 min margin from 17:40 runs past 18:00.
    const late = plan({ now: paris('17:40'), jobs: [job], machines: [buildEmbroidery()] });
    expect(late.starts).toEqual([]);
    expect(late.waiting.get(job.id)).toBe('outside_staffed_hours');
    // From 17:33 it ends with its margin at 18:00 exactly.
    expect(plan({ now: paris('17:33'), jobs: [job], machines: [buildEmbroidery()] }).starts).toHaveLength(1);
  });

  it('never starts before opening or on a closed day', () => {
    const job = embroideryJob();
    expect(plan({ now: paris('08:50'), jobs: [job], machines: [buildEmbroidery()] }).starts).toEqual([]);
    const sunday = wallClockToMs('2025-03-02', '11:00', 'Europe/Paris');
    expect(plan({ now: sunday, jobs: [job], machines: [buildEmbroidery()] }).waiting.get(job.id)).toBe(
      'outside_staffed_hours',
    );
  });

  it('lets a printer run through the night', () => {
    const job = buildJob({ estimatedSeconds: 10 * 3600 });
    expect(plan({ now: paris('17:55'), jobs: [job], machines: [buildMachine()] }).starts).toHaveLength(1);
  });

  it('holds an operator machine when the site has no staffed hours at all', () => {
    const job = embroideryJob();
    const result = plan({ jobs: [job], machines: [buildEmbroidery()], staffed: new Map<string, Interval[]>() });
    expect(result.waiting.get(job.id)).toBe('outside_staffed_hours');
  });
});

describe('fair order', () => {
  it('starts maker B’s first job before maker A’s second', () => {
    const a1 = buildJob({ ownerKey: 'a', position: 1 });
    const a2 = buildJob({ ownerKey: 'a', position: 2 });
    const b1 = buildJob({ ownerKey: 'b', position: 3 });
    const machines = [buildMachine(), buildMachine({ id: 'mk4-2' })];
    const result = plan({ jobs: [a1, a2, b1], machines });
    expect(startedIds(result)).toEqual([a1.id, b1.id]);
    expect(result.waiting.get(a2.id)).toBe('machines_busy');
  });

  it('gives the one free printer to the maker served longest ago', () => {
    const a = buildJob({ ownerKey: 'a', position: 1 });
    const b = buildJob({ ownerKey: 'b', position: 2 });
    const lastServedByOwner = new Map([
      ['a', NOW - 10 * MIN],
      ['b', NOW - 3 * HOUR],
    ]);
    expect(startedIds(plan({ jobs: [a, b], machines: [buildMachine()], lastServedByOwner }))).toEqual([b.id]);
  });

  it('serves a maker who never had a job before one who had', () => {
    const a = buildJob({ ownerKey: 'a', position: 1 });
    const b = buildJob({ ownerKey: 'b', position: 2 });
    const lastServedByOwner = new Map([['a', NOW - 5 * HOUR]]);
    expect(startedIds(plan({ jobs: [a, b], machines: [buildMachine()], lastServedByOwner }))).toEqual([b.id]);
  });

  it('puts staff-priority jobs first, whatever their place in the queue', () => {
    const maker = buildJob({ ownerKey: 'a', position: 1 });
    const staff = buildJob({ ownerKey: 'staff', position: 9, staffPriority: true });
    expect(startedIds(plan({ jobs: [maker, staff], machines: [buildMachine()] }))).toEqual([staff.id]);
  });

  it('keeps each maker’s own jobs in queue order', () => {
    const later = buildJob({ ownerKey: 'a', position: 5 });
    const sooner = buildJob({ ownerKey: 'a', position: 2 });
    expect(fairOrder([later, sooner], new Map()).map((j) => j.id)).toEqual([sooner.id, later.id]);
  });

  it('deals the queue out one job per maker per round', () => {
    const jobs = [
      buildJob({ ownerKey: 'a', position: 1 }),
      buildJob({ ownerKey: 'a', position: 2 }),
      buildJob({ ownerKey: 'a', position: 3 }),
      buildJob({ ownerKey: 'b', position: 4 }),
      buildJob({ ownerKey: 'b', position: 5 }),
      buildJob({ ownerKey: 'c', position: 6 }),
    ];
    const order = fairOrder(jobs, new Map()).map((j) => j.ownerKey);
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'a']);
  });

  it('does not let a job that cannot start hold up the ones behind it', () => {
    const huge = buildJob({ ownerKey: 'a', position: 1, needs: { buildVolumeMm: [500, 500, 500] } });
    const small = buildJob({ ownerKey: 'b', position: 2 });
    const result = plan({ jobs: [huge, small], machines: [buildMachine()] });
    expect(startedIds(result)).toEqual([small.id]);
    expect(result.waiting.get(huge.id)).toBe('no_matching_machine');
  });
});

describe('staggered starts', () => {
  const policy = { marginMs: 10 * MIN, unknownEstimateMs: 2 * HOUR, staggerMs: 2 * MIN };
  const machines = [buildMachine(), buildMachine({ id: 'mk4-2' })];

  it('starts one job per site at a time, so two heaters do not switch on together', () => {
    const first = buildJob({ ownerKey: 'a' });
    const second = buildJob({ ownerKey: 'b' });
    const result = plan({ jobs: [first, second], machines, policy });
    expect(startedIds(result)).toEqual([first.id]);
    expect(result.waiting.get(second.id)).toBe('staggered_start');
  });

  it('waits out the delay after the site’s last start, then starts', () => {
    const job = buildJob();
    const recent = new Map([['site', NOW - MIN]]);
    expect(plan({ jobs: [job], machines, policy, lastStartBySite: recent }).waiting.get(job.id)).toBe(
      'staggered_start',
    );
    const past = new Map([['site', NOW - 2 * MIN]]);
    expect(plan({ jobs: [job], machines, policy, lastStartBySite: past }).starts).toHaveLength(1);
  });

  it('staggers each site on its own', () => {
    const here = buildJob();
    const there = buildJob({ siteId: 'annex', ownerKey: 'b' });
    const result = plan({
      jobs: [here, there],
      machines: [...machines, buildMachine({ id: 'annex-1', siteId: 'annex' })],
      policy,
    });
    expect(startedIds(result).sort()).toEqual([here.id, there.id].sort());
  });

  it('tells a maker whose job no machine can take the real reason, not the stagger', () => {
    const job = buildJob({ format: 'nc' });
    const recent = new Map([['site', NOW - MIN]]);
    expect(plan({ jobs: [job], machines, policy, lastStartBySite: recent }).waiting.get(job.id)).toBe(
      'no_matching_machine',
    );
  });
});

describe('why a job waits', () => {
  it('says the machines are busy when a matching machine exists but is not free', () => {
    const job = buildJob();
    expect(plan({ jobs: [job], machines: [buildMachine({ free: false })] }).waiting.get(job.id)).toBe('machines_busy');
  });

  it('prefers the more telling reason: a free printer short of time says more than a busy one', () => {
    const job = buildJob();
    const machines = [
      buildMachine({ free: false }),
      buildMachine({ id: 'mk4-2', busy: [booking(NOW + MIN, NOW + HOUR)] }),
    ];
    expect(plan({ jobs: [job], machines }).waiting.get(job.id)).toBe('not_enough_time');
  });

  it('lists every job exactly once, started or waiting', () => {
    const jobs = [buildJob(), buildJob({ ownerKey: 'b' }), buildJob({ format: 'nc' })];
    const result = plan({ jobs, machines: [buildMachine()] });
    expect(result.starts.length + result.waiting.size).toBe(jobs.length);
    for (const start of result.starts) expect(result.waiting.has(start.jobId)).toBe(false);
  });
});

describe('planStarts invariants', () => {
  const machineArb = fc.record({
    id: fc.constantFrom('m1', 'm2', 'm3', 'm4'),
    siteId: fc.constantFrom('s1', 's2'),
    kind: fc.constantFrom('fdm_printer' as const, 'embroidery' as const),
    free: fc.boolean(),
    loaded: fc.subarray(['PLA', 'PETG']),
    ratio: fc.constantFrom(0.8, 1, 1.4),
    bookingIn: fc.option(fc.integer({ min: -60, max: 300 }), { nil: null }),
  });
  const jobArb = fc.record({
    siteId: fc.constantFrom('s1', 's2'),
    kind: fc.constantFrom('fdm_printer' as const, 'embroidery' as const),
    owner: fc.constantFrom('a', 'b', 'c'),
    staff: fc.boolean(),
    minutes: fc.option(fc.integer({ min: 1, max: 600 }), { nil: null }),
    material: fc.option(fc.constantFrom('PLA', 'PETG'), { nil: undefined }),
    target: fc.option(fc.constantFrom('m1', 'm2'), { nil: null }),
  });
  const inputArb = fc.record({
    machines: fc.uniqueArray(machineArb, { selector: (m) => m.id, maxLength: 4 }),
    jobs: fc.array(jobArb, { maxLength: 10 }),
    staggerMs: fc.constantFrom(0, 2 * MIN),
    hour: fc.integer({ min: 0, max: 23 }),
  });

  type RawInput = typeof inputArb extends fc.Arbitrary<infer T> ? T : never;

  function toInput(raw: RawInput): SchedulerInput {
    const now = NOW - 10 * HOUR + raw.hour * HOUR;
    const machines = raw.machines.map((m) =>
      buildMachine({
        id: m.id,
        siteId: m.siteId,
        kind: m.kind,
        free: m.free,
        loadedMaterials: m.loaded,
        durationRatio: m.ratio,
        fileFormats: null,
        capabilities: { materials: ['PLA', 'PETG'], needsOperator: m.kind === 'embroidery' },
        busy: m.bookingIn === null ? [] : [booking(now + m.bookingIn * MIN, now + m.bookingIn * MIN + HOUR)],
      }),
    );
    const jobs = raw.jobs.map((j, k) =>
      buildJob({
        id: `j${k}`,
        position: k,
        siteId: j.siteId,
        kind: j.kind,
        ownerKey: j.owner,
        staffPriority: j.staff,
        estimatedSeconds: j.minutes === null ? null : j.minutes * 60,
        needs: j.material ? { material: j.material } : {},
        targetMachineId: j.target,
      }),
    );
    const staffed = new Map(['s1', 's2'].map((s) => [s, openIntervals(PARIS, now, now + 48 * HOUR)]));
    return {
      now,
      jobs,
      machines,
      staffed,
      lastStartBySite: new Map(),
      lastServedByOwner: new Map(),
      policy: { marginMs: 10 * MIN, unknownEstimateMs: 2 * HOUR, staggerMs: raw.staggerMs },
    };
  }

  it('never gives one machine two jobs, nor a job a busy machine or one that cannot do it', () => {
    fc.assert(
      fc.property(inputArb, (raw) => {
        const input = toInput(raw);
        const { starts, waiting } = planStarts(input);
        const machines = new Map(input.machines.map((m) => [m.id, m]));
        const jobs = new Map(input.jobs.map((j) => [j.id, j]));
        expect(new Set(starts.map((s) => s.machineId)).size).toBe(starts.length);
        for (const start of starts) {
          const machine = machines.get(start.machineId)!;
          const job = jobs.get(start.jobId)!;
          expect(machine.free).toBe(true);
          expect(machine.siteId).toBe(job.siteId);
          expect(matches(job, machine)).toBe(true);
          // Nobody else's booking is touched by the run and its margin.
          const end = input.now + start.expectedMs + input.policy.marginMs;
          for (const b of machine.busy) expect(b.start >= end || b.end <= input.now).toBe(true);
        }
        expect(starts.length + waiting.size).toBe(input.jobs.length);
      }),
    );
  });

  it('starts at most one job per site per round when starts are staggered, and gives the same answer twice', () => {
    fc.assert(
      fc.property(inputArb, (raw) => {
        const input = toInput({ ...raw, staggerMs: 2 * MIN });
        const first = planStarts(input);
        const sites = first.starts.map((s) => input.jobs.find((j) => j.id === s.jobId)!.siteId);
        expect(new Set(sites).size).toBe(sites.length);
        expect(planStarts(input)).toEqual(first);
      }),
    );
  });
});
