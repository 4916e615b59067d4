import { describe, expect, it } from '@jest/globals';
import { kindSummaries, machineOccupancy, type MachineFacts } from './occupancy.rules.js';

const NOW = Date.UTC(2026, 10, 23, 10, 0);
const MIN = 60_000;
const SOON = 30 * MIN;

const printer = (overrides: Partial<MachineFacts> = {}): MachineFacts => ({
  machineId: 'so-prusa-mk4-1',
  machineName: 'Prusa MK4 n°1',
  kind: 'fdm_printer',
  adminStatus: 'active',
  live: { connected: true, state: 'idle', interventions: [] },
  reservations: [],
  free: [{ start: NOW - 60 * MIN, end: NOW + 8 * 60 * MIN }],
  siteOpen: true,
  ...overrides,
});

describe('machineOccupancy', () => {
  it('shows an idle, unbooked machine as free now', () => {
    expect(machineOccupancy(printer(), NOW, SOON)).toMatchObject({ status: 'free', nextFreeAt: NOW, busyUntil: null });
  });

  it('shows a printing machine in use until its job ends, with progress', () => {
    const facts = printer({
      live: { connected: true, state: 'running', progressPct: 40, remainingS: 3600, interventions: [] },
      free: [{ start: NOW, end: NOW + 8 * 60 * MIN }],
    });
    expect(machineOccupancy(facts, NOW, SOON)).toMatchObject({
      status: 'in_use',
      progressPct: 40,
      busyUntil: NOW + 60 * MIN,
      nextFreeAt: NOW + 60 * MIN,
    });
  });

  it('shows a booking that starts within the "soon" window', () => {
    const facts = printer({
      reservations: [{ start: NOW + 20 * MIN, end: NOW + 80 * MIN, checkedIn: false }],
      free: [
        { start: NOW, end: NOW + 20 * MIN },
        { start: NOW + 80 * MIN, end: NOW + 8 * 60 * MIN },
      ],
    });
    // Free for twenty minutes only: screens show when it is free after the booking.
    expect(machineOccupancy(facts, NOW, SOON)).toMatchObject({
      status: 'reserved_soon',
      busyUntil: null,
      nextFreeAt: NOW + 80 * MIN,
    });
    expect(machineOccupancy(facts, NOW - 20 * MIN, SOON).status).toBe('free');
  });

  it('counts a checked-in booking as in use until the next free time', () => {
    const facts = printer({
      live: null,
      reservations: [{ start: NOW - 30 * MIN, end: NOW + 30 * MIN, checkedIn: true }],
      free: [{ start: NOW + 30 * MIN, end: NOW + 8 * 60 * MIN }],
    });
    expect(machineOccupancy(facts, NOW, SOON)).toMatchObject({
      status: 'in_use',
      busyUntil: NOW + 30 * MIN,
      nextFreeAt: NOW + 30 * MIN,
    });
  });

  it('asks for attention when a bed must be cleared or a spool has run out', () => {
    const clear = machineOccupancy(
      printer({ live: { connected: true, state: 'awaiting_clear', interventions: [] } }),
      NOW,
      SOON,
    );
    // Free once a person clears it: nobody can say when, so no time is promised.
    expect(clear).toMatchObject({
      status: 'needs_attention',
      attention: ['awaiting_clear'],
      nextFreeAt: null,
      busyUntil: null,
    });
    const runout = machineOccupancy(
      printer({
        live: { connected: true, state: 'paused', pauseReason: 'intervention', interventions: ['material_runout'] },
      }),
      NOW,
      SOON,
    );
    expect(runout).toMatchObject({ status: 'needs_attention', attention: ['material_runout'] });
  });

  it('puts maintenance before offline, and offline before everything else', () => {
    const down = printer({
      adminStatus: 'maintenance',
      live: { connected: false, state: 'offline', interventions: [] },
    });
    expect(machineOccupancy(down, NOW, SOON).status).toBe('maintenance');
    const lost = printer({ live: { connected: false, state: 'running', interventions: ['material_runout'] } });
    expect(machineOccupancy(lost, NOW, SOON).status).toBe('offline');
  });
});

describe('machineOccupancy while the centre is closed', () => {
  const opens = NOW + 14 * 60 * MIN;
  const closedPrinter = (overrides: Partial<MachineFacts> = {}) =>
    printer({ siteOpen: false, free: [{ start: opens, end: opens + 9 * 60 * MIN }], ...overrides });

  it('shows an idle machine as closed, free from the opening', () => {
    expect(machineOccupancy(closedPrinter(), NOW, SOON)).toMatchObject({
      status: 'closed',
      busyUntil: null,
      nextFreeAt: opens,
    });
  });

  it('still shows a print running overnight as in use, and a machine needing staff as such', () => {
    const running = closedPrinter({ live: { connected: true, state: 'running', remainingS: 3600, interventions: [] } });
    expect(machineOccupancy(running, NOW, SOON)).toMatchObject({ status: 'in_use', nextFreeAt: opens });
    const full = closedPrinter({ live: { connected: true, state: 'awaiting_clear', interventions: [] } });
    expect(machineOccupancy(full, NOW, SOON).status).toBe('needs_attention');
  });

  it('puts closed before a booking that starts soon: nobody can come in', () => {
    const booked = closedPrinter({ reservations: [{ start: NOW + 10 * MIN, end: NOW + 40 * MIN, checkedIn: false }] });
    expect(machineOccupancy(booked, NOW, SOON).status).toBe('closed');
  });
});

describe('kindSummaries', () => {
  it('counts free machines per kind and gives the soonest next free time', () => {
    const machines = [
      machineOccupancy(printer(), NOW, SOON),
      machineOccupancy(
        printer({ machineId: 'b', live: { connected: true, state: 'running', remainingS: 600, interventions: [] } }),
        NOW,
        SOON,
      ),
      machineOccupancy(
        printer({
          machineId: 'c',
          kind: 'embroidery',
          live: { connected: true, state: 'running', remainingS: 1200, interventions: [] },
        }),
        NOW,
        SOON,
      ),
    ];
    expect(kindSummaries(machines)).toEqual([
      { kind: 'embroidery', total: 1, freeNow: 0, nextFreeAt: NOW + 20 * MIN, freeAtOpening: null },
      { kind: 'fdm_printer', total: 2, freeNow: 1, nextFreeAt: NOW, freeAtOpening: null },
    ]);
  });

  it('while the centre is closed, counts none free now and those free the moment it opens', () => {
    const opens = NOW + 11 * 60 * MIN;
    const closed = (overrides: Partial<MachineFacts>) =>
      machineOccupancy(
        printer({ siteOpen: false, free: [{ start: opens, end: opens + 9 * 60 * MIN }], ...overrides }),
        NOW,
        SOON,
      );
    const machines = [
      closed({}),
      // Booked for the first hour after opening: free only at 11:00.
      closed({ machineId: 'b', free: [{ start: opens + 60 * MIN, end: opens + 9 * 60 * MIN }] }),
      closed({ machineId: 'c', adminStatus: 'maintenance', free: [] }),
    ];
    expect(kindSummaries(machines, opens)).toEqual([
      { kind: 'fdm_printer', total: 3, freeNow: 0, nextFreeAt: opens, freeAtOpening: 1 },
    ]);
  });
});
