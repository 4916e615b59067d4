import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Job } from '../src/jobs/job.entity.js';
import { Reservation, type ReservationStatus } from '../src/reservations/reservation.entity.js';
import { api, createAccount, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Statistics over a generated history at Saint-Ouen (Europe/Paris) in the week the clocks go
 * forward: Monday 23 – Sunday 29 March 2026. The booking rules refuse past times, so the history
 * is written through the database (reservations and jobs rows, as the services would leave them);
 * trainings are granted through the API with the test clock set back to March, so the audit log
 * records them as staff of Saint-Ouen did. Tags and declared categories go through the API too.
 *
 * Open hours at Saint-Ouen that week, per machine (its config, plus a Sunday night slot added
 * here to have an open stretch across the change): Mon–Fri 10:00–19:00 = 5 × 9 = 45, Sat
 * 10:00–13:00 + 14:00–18:00 = 7, Sun 29 01:00–05:00 = 3 real hours (02:00 → 03:00 is skipped).
 * 55 h × 3 printers = 165, × 2 embroidery machines = 110, 275 in all.
 *
 * The suppression threshold is configured at 2 here, so most figures show; `threshold=5` in a
 * request shows suppression.
 */
const P = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Paris' }).toMillis();
const SITE = 'saint-ouen';
const WEEK = 'from=2026-03-23&to=2026-03-30';

let t: TestApp;
let admin: string;
let staff: { id: string; token: string };
const m: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F', { id: string; token: string; login: string; password: string }> =
  {} as never;
const reservationIds: Record<string, string> = {};

function put(token: string, path: string, body: object) {
  return request(t.url).put(path).set('Authorization', `Bearer ${token}`).send(body);
}

async function reservation(
  name: string,
  makerId: string,
  machineId: string,
  start: string,
  end: string,
  status: ReservationStatus,
) {
  const id = randomUUID();
  reservationIds[name] = id;
  await t.app
    .get(DataSource)
    .getRepository(Reservation)
    .insert({
      id,
      machineId,
      siteId: SITE,
      makerId,
      start: P(start),
      end: P(end),
      status,
      checkedInAt: status === 'completed' ? P(start) : null,
      note: `note of ${name}`,
      policy: {} as never,
      overrideReason: null,
      bookedBy: makerId,
      idempotencyKey: null,
      requestHash: null,
      tags: [],
      createdAt: P('2026-03-01T12:00'),
      updatedAt: P('2026-03-01T12:00'),
    });
}

async function job(
  ownerId: string | null,
  machineId: string,
  start: string,
  end: string,
  state: 'completed' | 'failed' | 'cancelled',
  failureReason: string | null = null,
) {
  const kind = machineId.startsWith('so-brother') || machineId.startsWith('so-ricoma') ? 'embroidery' : 'fdm_printer';
  await t.app
    .get(DataSource)
    .getRepository(Job)
    .insert({
      id: randomUUID(),
      siteId: SITE,
      ownerId,
      createdBy: ownerId,
      source: ownerId ? 'upload' : 'machine',
      name: 'my keyring.gcode',
      kind,
      needs: {},
      staffPriority: false,
      position: 1,
      state,
      stateReason: state,
      stateSince: P(end),
      machineId,
      attempts: 1,
      avoidMachineIds: [],
      createdAt: P(start),
      startedAt: P(start),
      endedAt: P(end),
      failureReason,
    } as never);
}

const stats = (token: string, table: string, query = '') =>
  api(t, token).get(`/api/v1/stats/${table}?siteId=${SITE}&${WEEK}${query ? `&${query}` : ''}`);

/** Each row's cells as plain values, `'suppressed'` for a hidden one. */
function figures(body: { rows: Row[]; total: Row | null }): Record<string, Record<string, number | null | string>> {
  const out: Record<string, Record<string, number | null | string>> = {};
  for (const row of body.total ? [...body.rows, body.total] : body.rows) {
    out[row.label] = Object.fromEntries(
      Object.entries(row.cells).map(([key, cell]) => [
        key,
        cell.suppressed ? 'suppressed' : cell.value === null ? null : Math.round(cell.value * 10_000) / 10_000,
      ]),
    );
  }
  return out;
}
type Row = { label: string; cells: Record<string, { value: number | null; suppressed: boolean }> };

beforeAll(async () => {
  t = await startTestApp({
    configure: (raw) => {
      raw.stats = { suppressBelow: 2, grid: 'week' };
      raw.sites[0].openingHours.sun = [['01:00', '05:00']];
    },
  });
  admin = await loginAdmin(t);
  staff = await createAccount(t, admin, { role: 'staff', siteIds: [SITE] });
  for (const name of ['A', 'B', 'C', 'D', 'E', 'F'] as const)
    m[name] = await createAccount(t, admin, { role: 'maker' });
  const { A, B, C, D, E, F } = m;

  // Reservations (local Paris times) and the hours each holds within the week:
  await reservation('R1', A.id, 'so-prusa-mk4-1', '2026-03-23T10:00', '2026-03-23T12:00', 'completed'); // 2 h
  await reservation('R2', B.id, 'so-prusa-mk4-1', '2026-03-23T13:00', '2026-03-23T16:00', 'completed'); // 3 h
  await reservation('R3', C.id, 'so-prusa-mk4-2', '2026-03-24T10:00', '2026-03-24T14:00', 'completed'); // 4 h
  await reservation('R4', D.id, 'so-bambu-p1s', '2026-03-25T10:00', '2026-03-25T11:00', 'completed'); // 1 h
  await reservation('R5', E.id, 'so-brother-pp1', '2026-03-26T10:00', '2026-03-26T12:00', 'completed'); // 2 h
  // The DST night: 01:00 CET to 05:00 CEST is 3 real hours.
  await reservation('R6', F.id, 'so-ricoma-mt1501', '2026-03-29T01:00', '2026-03-29T05:00', 'completed'); // 3 h
  await reservation('R7', A.id, 'so-ricoma-mt1501', '2026-03-27T10:00', '2026-03-27T11:00', 'no_show'); // 0 h
  await reservation('R8', B.id, 'so-prusa-mk4-2', '2026-03-28T10:00', '2026-03-28T12:00', 'cancelled'); // 0 h
  // Sunday 22 23:00 → Monday 23 01:00: 1 h inside the week; D's first activity is before it.
  await reservation('R9', D.id, 'so-prusa-mk4-1', '2026-03-22T23:00', '2026-03-23T01:00', 'completed'); // 1 h
  // E used a printer on 10 March: E is a returning maker.
  await reservation('R10', E.id, 'so-prusa-mk4-1', '2026-03-10T10:00', '2026-03-10T11:00', 'completed');

  // Job runs and their running hours:
  await job(A.id, 'so-prusa-mk4-1', '2026-03-23T10:15', '2026-03-23T11:45', 'completed'); // 1.5
  await job(B.id, 'so-prusa-mk4-1', '2026-03-23T13:00', '2026-03-23T15:00', 'failed', 'thermal_fault'); // 2
  await job(C.id, 'so-prusa-mk4-2', '2026-03-24T10:00', '2026-03-24T13:00', 'completed'); // 3
  await job(D.id, 'so-bambu-p1s', '2026-03-25T10:00', '2026-03-25T10:30', 'failed', 'thermal_fault'); // 0.5
  await job(E.id, 'so-brother-pp1', '2026-03-26T10:00', '2026-03-26T11:00', 'failed', 'thread_break'); // 1
  // Started at the machine by nobody we know, across the change: 01:30 CET → 04:30 CEST = 2 h.
  await job(null, 'so-ricoma-mt1501', '2026-03-29T01:30', '2026-03-29T04:30', 'completed'); // 2
  await job(F.id, 'so-prusa-mk4-2', '2026-03-28T10:00', '2026-03-28T10:20', 'cancelled'); // 1/3
  await job(F.id, 'so-ricoma-mt1501', '2026-03-27T14:00', '2026-03-27T15:00', 'completed'); // 1
  await job(A.id, 'so-bambu-p1s', '2026-03-26T15:00', '2026-03-26T16:00', 'failed', 'filament_runout'); // 1

  // Trainings granted by Saint-Ouen staff, at these moments:
  const grant = async (who: string, training: string, at: string) => {
    t.clock.set(P(at));
    const response = await api(t, staff.token).post(`/api/v1/users/${who}/trainings`, { training });
    expect(response.status).toBe(201);
  };
  await grant(A.id, 'fdm-basics', '2026-03-23T08:00'); // before A's first printer booking R1: leads to it
  await grant(B.id, 'fdm-basics', '2026-03-23T08:00'); // before R2: leads to it
  await grant(C.id, 'fdm-basics', '2026-03-25T09:00'); // after C's R3 on Tuesday: leads to nothing new
  await grant(E.id, 'embroidery-basics', '2026-03-27T09:00'); // after E's R5: nothing new
  await grant(F.id, 'embroidery-basics', '2026-03-28T09:00'); // before F's R6 on Sunday: leads to it
  t.clock.set(P('2026-04-02T12:00'));

  // Programme tags: A, B and C follow a pre-qualification course; R5 and R6 were a school visit.
  for (const who of [A, B, C])
    expect((await put(staff.token, `/api/v1/users/${who.id}/tags`, { tags: ['Prequal 2026'] })).status).toBe(200);
  for (const r of ['R5', 'R6']) {
    expect(
      (await put(staff.token, `/api/v1/reservations/${reservationIds[r]}/tags`, { tags: ['school-visit'] })).status,
    ).toBe(200);
  }

  // Declared categories: A and B "femme" in their own words, C consents but gives no gender,
  // D answers then withdraws consent, E "homme", F never answers.
  const profile = async (who: { token: string }, body: object) =>
    expect((await put(who.token, '/api/v1/me/profile', body)).status).toBe(200);
  await profile(A, { consent: true, gender: 'Femme', ageBand: '18-25', status: 'job_seeker' });
  await profile(B, { consent: true, gender: ' femme ', ageBand: '26-40' });
  await profile(C, { consent: true, status: 'student' });
  await profile(D, { consent: true, gender: 'homme' });
  await profile(D, { consent: false });
  await profile(E, { consent: true, gender: 'homme' });
});

afterAll(async () => {
  await t?.close();
});

describe('statistics API over a generated history', () => {
  it('computes utilisation by kind against DST-correct open hours', async () => {
    const response = await stats(staff.token, 'utilisation', 'by=kind');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      table: 'utilisation',
      by: 'kind',
      period: { from: '2026-03-23', to: '2026-03-30', timeZone: 'Europe/Paris' },
      siteId: SITE,
      threshold: 2,
    });
    // Booked: printers R1 2 + R2 3 + R3 4 + R4 1 + R9 1 = 11 (A, B, C, D); embroidery R5 2 + R6 3 = 5 (E, F).
    // Running: printers 1.5 + 2 + 3 + 0.5 + 1/3 + 1 = 8.3333; embroidery 1 + 2 + 1 = 4.
    expect(figures(response.body)).toEqual({
      fdm_printer: {
        open_hours: 165,
        booked_hours: 11,
        booked_ratio: 0.0667, // 11 / 165
        running_hours: 8.3333,
        running_ratio: 0.0505, // 8.3333 / 165
      },
      embroidery: {
        open_hours: 110,
        booked_hours: 5,
        booked_ratio: 0.0455, // 5 / 110
        running_hours: 4,
        running_ratio: 0.0364, // 4 / 110
      },
      total: { open_hours: 275, booked_hours: 16, booked_ratio: 0.0582, running_hours: 12.3333, running_ratio: 0.0448 },
    });
  });

  it('counts the DST night as three hours, for open time and for bookings', async () => {
    // Embroidery's 5 booked hours above are R5 2 + R6 3: the 01:00–05:00 night is 3 real hours,
    // not 4 on the wall clock. Per machine, R6 comes from F alone and is hidden.
    const response = await stats(staff.token, 'utilisation', 'by=machine');
    expect(figures(response.body)['so-ricoma-mt1501']).toEqual({
      open_hours: 55,
      booked_hours: 'suppressed',
      booked_ratio: 'suppressed',
      running_hours: 'suppressed',
      running_ratio: 'suppressed',
    });
    // Sunday 29 alone is answered for its whole week (the grid): a day is never set against a week.
    const sunday = await api(t, staff.token).get(
      `/api/v1/stats/utilisation?siteId=${SITE}&from=2026-03-29&to=2026-03-30&by=site`,
    );
    expect(sunday.body.period).toEqual({ from: '2026-03-23', to: '2026-03-30', timeZone: 'Europe/Paris' });
    expect(figures(sunday.body)).toMatchObject({ [SITE]: { open_hours: 275 }, total: { open_hours: 275 } });
  });

  it('splits hours by kind, programme tag and consented gender', async () => {
    expect(figures((await stats(staff.token, 'hours', 'by=kind')).body)).toEqual({
      fdm_printer: { hours: 11, makers: 4 },
      embroidery: { hours: 5, makers: 2 },
      total: { hours: 16, makers: 6 },
    });
    // Tags are folded to one case: "Prequal 2026" → "prequal 2026" (A 2 + B 3 + C 4); R5 + R6 = 5.
    expect(figures((await stats(staff.token, 'hours', 'by=tag')).body)).toEqual({
      'prequal 2026': { hours: 9, makers: 3 },
      'school-visit': { hours: 5, makers: 2 },
    });
    // femme: A 2 + B 3 = 5 (2 makers); "homme" is E's words alone (D withdrew), fewer than the
    // threshold's 2 in the network, so no row of its own: other, E 2 (1 maker, suppressed, and
    // femme with it as the next smallest); not declared: C 4 (no gender), D 1 + 1 (withdrew), F 3 = 9.
    expect(figures((await stats(staff.token, 'hours', 'by=gender')).body)).toEqual({
      femme: { hours: 'suppressed', makers: 'suppressed' },
      other: { hours: 'suppressed', makers: 'suppressed' },
      'not declared': { hours: 9, makers: 3 },
      total: { hours: 16, makers: 6 },
    });
  });

  it('counts first-time and returning makers', async () => {
    // Active: A B C D E F. D (R9 on Sunday 22) and E (R10 on 10 March) came before.
    expect(figures((await stats(staff.token, 'makers')).body)).toEqual({
      first_time: { makers: 4 },
      returning: { makers: 2 },
      total: { makers: 6 },
    });
  });

  it('counts trainings and the first bookings they led to', async () => {
    // fdm-basics: A, B, C granted; A and B booked a printer for the first time after it.
    // embroidery-basics: E, F granted; only F's first booking (R6) came after: one maker,
    // suppressed, and fdm's 2 with it as the only other non-zero figure of the column.
    expect(figures((await stats(staff.token, 'trainings')).body)).toEqual({
      'embroidery-basics': { granted: 2, first_bookings: 'suppressed', first_booking_rate: 'suppressed' },
      'fdm-basics': { granted: 3, first_bookings: 'suppressed', first_booking_rate: 'suppressed' },
      total: { granted: 5, first_bookings: 3, first_booking_rate: 0.6 },
    });
  });

  it('counts jobs by outcome and failures by reason, hiding single makers', async () => {
    // completed 4 (A, C, F, nobody's), failed 4 (A, B, D, E), cancelled 1 (F: suppressed, and
    // completed with it: the first of the two smallest others), lost 0.
    expect(figures((await stats(staff.token, 'jobs')).body)).toEqual({
      completed: { jobs: 'suppressed' },
      failed: { jobs: 4 },
      cancelled: { jobs: 'suppressed' },
      lost: { jobs: 0 },
      total: { jobs: 9 },
    });
    // thermal_fault 2 (B, D); filament_runout (A) and thread_break (E) one maker each.
    expect(figures((await stats(staff.token, 'failures')).body)).toEqual({
      thermal_fault: { jobs: 2 },
      filament_runout: { jobs: 'suppressed' },
      thread_break: { jobs: 'suppressed' },
    });
  });

  it('computes the no-show rate over bookings due in the week', async () => {
    // Due: R1–R7 (R8 cancelled, R9 and R10 started before) = 7; one no-show (A): suppressed.
    expect(figures((await stats(staff.token, 'no-shows')).body)).toEqual({
      [SITE]: { due: 7, no_shows: 'suppressed', no_show_rate: 'suppressed' },
      total: { due: 7, no_shows: 'suppressed', no_show_rate: 'suppressed' },
    });
  });

  it('suppresses small counts in the CSV export at a raised threshold', async () => {
    const response = await stats(staff.token, 'hours', 'by=kind&format=csv&threshold=5');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="fabrique-hours-saint-ouen-2026-03-23-2026-03-30.csv"',
    );
    // Printers: 4 makers < 5, embroidery 2 < 5; the total comes from 6.
    expect(response.text).toBe(
      'kind,hours,makers\r\nfdm_printer,suppressed,suppressed\r\nembroidery,suppressed,suppressed\r\ntotal,16,6\r\n',
    );
  });

  it('reports the network with each site in its own zone', async () => {
    const response = await api(t, admin).get(`/api/v1/stats/utilisation?${WEEK}&by=site`);
    expect(response.status).toBe(200);
    expect(response.body.period).toEqual({ from: '2026-03-23', to: '2026-03-30', timeZone: null });
    // Dakar (UTC): Mon–Thu 09–17 = 32, Fri 09–13 + 15–18 = 7, Sat 09–13 = 4 → 43 × 3 machines.
    expect(figures(response.body)).toMatchObject({
      [SITE]: { open_hours: 275, booked_hours: 16 },
      dakar: { open_hours: 129, booked_hours: 0 },
      total: { open_hours: 404, booked_hours: 16 },
    });
  });

  it('refuses malformed queries, naming the field', async () => {
    const cases: Array<[string, string]> = [
      [`/api/v1/stats/utilisation?siteId=${SITE}&from=2026-02-30&to=2026-03-30`, 'from'],
      [`/api/v1/stats/utilisation?siteId=${SITE}&from=2026-03-30&to=2026-03-23`, 'to'],
      [`/api/v1/stats/utilisation?siteId=${SITE}&from=2026-03-23&to=2026-03-23`, 'to'],
      [`/api/v1/stats/utilisation?siteId=${SITE}&from=2025-01-01&to=2026-01-03`, 'to'],
      [`/api/v1/stats/utilisation?siteId=${SITE}&${WEEK}&by=gender`, 'by'],
      [`/api/v1/stats/makers?siteId=${SITE}&${WEEK}&by=kind`, 'by'],
      [`/api/v1/stats/hours?siteId=${SITE}&${WEEK}&threshold=1`, 'threshold'],
      [`/api/v1/stats/hours?siteId=${SITE}&${WEEK}&format=xlsx`, 'format'],
      [`/api/v1/stats/visitors?siteId=${SITE}&${WEEK}`, 'table'],
      [`/api/v1/stats/hours?siteId=${SITE}&from=23/03/2026&to=2026-03-30`, 'from'],
    ];
    for (const [path, field] of cases) {
      const response = await api(t, admin).get(path);
      expect([path, response.status, response.body.field]).toEqual([path, 400, field]);
    }
  });

  it('answers only staff of the site and admins', async () => {
    expect((await stats(m.A.token, 'hours')).status).toBe(403);
    const other = await createAccount(t, admin, { role: 'staff', siteIds: ['dakar'] });
    expect((await stats(other.token, 'hours')).status).toBe(404);
    expect((await api(t, staff.token).get(`/api/v1/stats/hours?${WEEK}`)).status).toBe(403);
    expect((await api(t, admin).get(`/api/v1/stats/hours?siteId=nowhere&${WEEK}`)).status).toBe(404);
  });

  it('keeps every figure after a maker deletes their account; only their declared answers go', async () => {
    const tables = [
      'utilisation?by=machine',
      'hours?by=kind',
      'hours?by=tag',
      'makers',
      'trainings',
      'jobs',
      'failures',
      'no-shows',
    ];
    const fetchAll = () =>
      Promise.all(
        tables.map(async (table) => {
          const [name, query] = table.split('?');
          return figures((await stats(staff.token, name, query ?? '')).body);
        }),
      );
    const before = await fetchAll();
    expect((await api(t, m.A.token).delete('/api/v1/me')).status).toBe(204);
    expect(await fetchAll()).toEqual(before);
    // A's "femme" is erased: "femme" is now B's words alone and joins E's "homme" as other
    // (3 h + 2 h, 2 makers: shown); not declared gains A's 2 h: 9 + 2 = 11, from C, D, F and A.
    expect(figures((await stats(staff.token, 'hours', 'by=gender')).body)).toEqual({
      other: { hours: 5, makers: 2 },
      'not declared': { hours: 11, makers: 4 },
      total: { hours: 16, makers: 6 },
    });
  });
});
