import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { Job } from '../src/jobs/job.entity.js';
import { Reservation } from '../src/reservations/reservation.entity.js';
import { api, createAccount, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SITE = 'saint-ouen';
const P = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Paris' }).toMillis();

type Cell = { value: number | null; suppressed: boolean };
type Table = {
  rows: Array<{ label: string; cells: Record<string, Cell> }>;
  total: { cells: Record<string, Cell> } | null;
};

/** A cell's figure, or null when hidden. */
const figure = (table: Table, label: string, key: string): number | null => {
  const cell = label === 'total' ? table.total?.cells[key] : table.rows.find((r) => r.label === label)?.cells[key];
  return cell && !cell.suppressed ? cell.value : null;
};

/**
 * What an attacker with staff access tries (issue 15), at the default threshold of 5 and the
 * default grid of months: subtract two overlapping or adjacent periods to isolate one maker's
 * hours, or set a raised threshold's answer against the default one. Each attempt must come back
 * with nothing: the two answers are the same, or the figure the subtraction needs is hidden.
 */
describe('statistics cannot be differenced into one maker’s figures', () => {
  let t: TestApp;
  let staff: string;
  let db: DataSource;

  const book = (makerId: string, machineId: string, start: string, hours: number) =>
    db.getRepository(Reservation).insert({
      id: randomUUID(),
      machineId,
      siteId: SITE,
      makerId,
      start: P(start),
      end: P(start) + hours * 3_600_000,
      status: 'completed',
      checkedInAt: P(start),
      note: null,
      policy: {} as never,
      overrideReason: null,
      bookedBy: makerId,
      idempotencyKey: null,
      requestHash: null,
      tags: [],
      createdAt: P('2025-10-01T12:00'),
      updatedAt: P('2025-10-01T12:00'),
    });
  const ran = (ownerId: string, state: 'completed' | 'failed' | 'cancelled' | 'lost', end: string) =>
    db.getRepository(Job).insert({
      id: randomUUID(),
      siteId: SITE,
      ownerId,
      createdBy: ownerId,
      source: 'upload',
      name: 'x.gcode',
      kind: 'fdm_printer',
      needs: {},
      staffPriority: false,
      position: 1,
      state,
      stateReason: state,
      stateSince: P(end),
      machineId: 'so-prusa-mk4-1',
      attempts: 1,
      avoidMachineIds: [],
      createdAt: P(end) - 600_000,
      startedAt: P(end) - 600_000,
      endedAt: P(end),
      failureReason: null,
    } as never);

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    const admin = await loginAdmin(t);
    staff = (await createAccount(t, admin, { role: 'staff', siteIds: [SITE] })).token;
    const makers = await Promise.all(
      Array.from({ length: 24 }, () => createAccount(t, admin, { role: 'maker' }).then((m) => m.id)),
    );
    const [x, ...regulars] = makers;
    // November: six regulars, an hour each on a printer and on an embroidery machine.
    // December: the same six on a printer on the 9th; x alone embroiders 3 hours on the 10th.
    for (const [i, maker] of regulars.slice(0, 6).entries()) {
      await book(maker, 'so-prusa-mk4-1', `2025-11-0${i + 3}T10:00`, 1);
      await book(maker, 'so-brother-pp1', `2025-11-0${i + 3}T14:00`, 1);
      await book(maker, 'so-prusa-mk4-2', `2025-12-09T1${i}:00`, 1);
    }
    await book(x, 'so-ricoma-mt1501', '2025-12-10T10:00', 3);
    // January's jobs: x cancels one; 6 makers fail 20; 8 complete 8; 9 lose 9.
    await ran(x, 'cancelled', '2026-01-05T12:00');
    for (let i = 0; i < 20; i++) await ran(regulars[i % 6], 'failed', `2026-01-06T1${i % 10}:0${i % 6}`);
    for (let i = 0; i < 8; i++) await ran(regulars[6 + i], 'completed', `2026-01-07T1${i}:00`);
    for (let i = 0; i < 9; i++) await ran(regulars[14 + i], 'lost', `2026-01-08T1${i}:00`);
  });
  afterAll(() => t.close());

  const table = async (name: string, from: string, to: string, extra = ''): Promise<Table & { period: unknown }> => {
    const response = await api(t, staff).get(`/api/v1/stats/${name}?siteId=${SITE}&from=${from}&to=${to}${extra}`);
    expect(response.status).toBe(200);
    return response.body;
  };

  it('answers overlapping periods (9–11 minus 9–10 December) for the same whole month', async () => {
    const longer = await table('hours', '2025-12-09', '2025-12-12');
    const shorter = await table('hours', '2025-12-09', '2025-12-11');
    expect(longer).toEqual(shorter);
    expect(longer.period).toEqual({ from: '2025-12-01', to: '2026-01-01', timeZone: 'Europe/Paris' });
    // December alone: x's embroidery is one maker's, hidden, and the printers with it.
    expect(figure(longer, 'embroidery', 'hours')).toBeNull();
    expect(figure(longer, 'fdm_printer', 'hours')).toBeNull();
    expect(figure(longer, 'total', 'hours')).toBe(9);
  });

  it('hides in two adjacent months what either month hides, so subtracting one gives nothing', async () => {
    const november = await table('hours', '2025-11-01', '2025-12-01');
    const both = await table('hours', '2025-11-01', '2026-01-01');
    expect(figure(november, 'embroidery', 'hours')).toBe(6);
    // Nov–Dec embroidery minus November's would be x's 3 hours: it is hidden, printers too.
    expect(figure(both, 'embroidery', 'hours')).toBeNull();
    expect(figure(both, 'fdm_printer', 'hours')).toBeNull();
    expect(figure(both, 'total', 'hours')).toBe(21);
    // The same over periods that only overlap: 15 November–15 December and 1–30 November.
    const overlapping = await table('hours', '2025-11-15', '2025-12-16');
    expect(overlapping).toMatchObject({ rows: both.rows, total: both.total });
  });

  it('hides at a raised threshold every cell the fablab’s own threshold hides', async () => {
    // At 5: x's 1 cancelled job is hidden with its complement, the 8 completed (the smallest).
    const atFive = await table('jobs', '2026-01-01', '2026-02-01');
    expect(['cancelled', 'completed', 'failed', 'lost'].map((o) => figure(atFive, o, 'jobs'))).toEqual([
      null,
      null,
      20,
      9,
    ]);
    // At 7 the 6 makers' failures are hidden too; showing the 8 completed there would give
    // x's cancellation as total − failed − lost − completed at 5.
    const atSeven = await table('jobs', '2026-01-01', '2026-02-01', '&threshold=7');
    expect(figure(atSeven, 'completed', 'jobs')).toBeNull();
    expect(figure(atSeven, 'cancelled', 'jobs')).toBeNull();
  });
});
