import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { BookingEvents } from '../src/reservations/reservation-events.js';
import { NoShowService } from '../src/reservations/no-show.service.js';
import { book, paris, trainedMaker, type Maker } from './support/booking.js';
import { api, createAccount, loginAdmin } from './support/http.js';
import { MONDAY_MORNING, startTestApp, type TestApp } from './support/test-app.js';

const MINUTE = 60_000;

describe('booking engine over HTTP', () => {
  let t: TestApp;
  let adminToken: string;
  let amina: Maker;

  beforeAll(async () => {
    t = await startTestApp({
      configure: (raw) => {
        // Embroidery needs an hour's notice in this suite, to exercise TOO_SHORT_NOTICE.
        raw.booking.kinds.embroidery.minNoticeMinutes = 60;
        // The clock moves by hours here; day-long tokens keep sessions out of the way.
        raw.auth.accessTokenMinutes = 1440;
      },
    });
    adminToken = await loginAdmin(t);
    amina = await trainedMaker(t, adminToken);
  });
  afterAll(() => t?.close());

  describe('booking a machine', () => {
    it('books a free slot and shows it in my reservations and in availability', async () => {
      const created = await book(t, amina.token, {
        machineId: 'so-prusa-mk4-1',
        start: paris('wed', '11:00'),
        end: paris('wed', '13:00'),
        note: 'Phone stand',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'active',
        start: '2026-11-25T10:00:00.000Z',
        end: '2026-11-25T12:00:00.000Z',
        note: 'Phone stand',
      });
      const mine = await api(t, amina.token).get('/api/v1/me/reservations');
      expect(mine.body.map((r: { id: string }) => r.id)).toContain(created.body.id);
      const availability = await api(t, amina.token).get(
        `/api/v1/sites/saint-ouen/availability?from=${encodeURIComponent(paris('wed', '10:00'))}&to=${encodeURIComponent(paris('wed', '19:00'))}&kind=fdm_printer`,
      );
      const prusa = availability.body.machines.find((m: { machineId: string }) => m.machineId === 'so-prusa-mk4-1');
      // Printers keep a 15-minute buffer around each reservation.
      expect(prusa.unavailable).toEqual([
        { start: '2026-11-25T09:45:00.000Z', end: '2026-11-25T12:15:00.000Z', reason: 'reserved' },
      ]);
      expect(prusa.free).toEqual([
        { start: '2026-11-25T09:00:00.000Z', end: '2026-11-25T09:45:00.000Z' },
        { start: '2026-11-25T12:15:00.000Z', end: '2026-11-25T18:00:00.000Z' },
      ]);
      expect(JSON.stringify(availability.body)).not.toContain(amina.id);
    });

    it.each([
      ['end before start', { start: paris('thu', '12:00'), end: paris('thu', '11:00') }, 'INVALID_DURATION', 422],
      ['in the past', { start: '2026-11-23T08:00:00+01:00', end: '2026-11-23T09:00:00+01:00' }, 'IN_THE_PAST', 422],
      ['off the 30-minute grid', { start: paris('thu', '11:10'), end: paris('thu', '12:10') }, 'NOT_ON_SLOT_GRID', 422],
      ['longer than allowed', { start: paris('thu', '10:00'), end: paris('thu', '19:00') }, 'INVALID_DURATION', 422],
      [
        'beyond the 14-day horizon',
        { start: '2026-12-10T11:00:00+01:00', end: '2026-12-10T12:00:00+01:00' },
        'TOO_FAR_AHEAD',
        422,
      ],
      ['before opening', { start: paris('thu', '08:00'), end: paris('thu', '09:00') }, 'OUTSIDE_OPENING_HOURS', 422],
      ['on a Sunday', { start: paris('sun', '11:00'), end: paris('sun', '12:00') }, 'OUTSIDE_OPENING_HOURS', 422],
    ])('refuses a booking %s', async (_, times, code, status) => {
      const response = await book(t, amina.token, { machineId: 'so-brother-pp1', ...times });
      expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
      expect(response.body.message).toEqual(expect.any(String));
    });

    it('refuses too short a notice (embroidery needs an hour here)', async () => {
      const response = await book(t, amina.token, {
        machineId: 'so-brother-pp1',
        start: '2026-11-23T10:30:00+01:00',
        end: '2026-11-23T11:00:00+01:00',
      });
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('TOO_SHORT_NOTICE');
    });

    it('answers malformed input with 400 naming the field', async () => {
      const cases: Array<[object, string]> = [
        [{ machineId: 'so-prusa-mk4-1', start: 'tomorrow', end: paris('thu', '12:00') }, 'start'],
        [{ machineId: 'so-prusa-mk4-1', start: '2026-11-26T11:00:00', end: paris('thu', '12:00') }, 'start'],
        [{ machineId: 'Not An Id', start: paris('thu', '11:00'), end: paris('thu', '12:00') }, 'machineId'],
        [{ machineId: 'so-prusa-mk4-1', start: paris('thu', '11:00') }, 'end'],
      ];
      for (const [body, field] of cases) {
        const response = await api(t, amina.token).post('/api/v1/reservations', body);
        expect({ status: response.status, field: response.body.field }).toEqual({ status: 400, field });
      }
      expect(
        (
          await book(t, amina.token, {
            machineId: 'no-such-machine',
            start: paris('thu', '11:00'),
            end: paris('thu', '12:00'),
          })
        ).status,
      ).toBe(404);
    });

    it('needs the training of the machine kind, which staff grant and revoke', async () => {
      const newcomer = await createAccount(t, adminToken, { role: 'maker' });
      const slot = { machineId: 'so-ricoma-mt1501', start: paris('fri', '14:00'), end: paris('fri', '15:00') };
      const refused = await book(t, newcomer.token, slot);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'TRAINING_REQUIRED' });
      expect(refused.body.message).toContain('embroidery-basics');

      const staff = await createAccount(t, adminToken, { role: 'staff', siteIds: ['dakar'] });
      // A training is valid at every site, whoever granted it.
      expect(
        (await api(t, staff.token).post(`/api/v1/users/${newcomer.id}/trainings`, { training: 'embroidery-basics' }))
          .status,
      ).toBe(201);
      expect((await book(t, newcomer.token, slot)).status).toBe(201);

      expect(
        (await api(t, staff.token).delete(`/api/v1/users/${newcomer.id}/trainings/embroidery-basics`)).status,
      ).toBe(204);
      const again = await book(t, newcomer.token, {
        ...slot,
        start: paris('fri', '16:00'),
        end: paris('fri', '17:00'),
      });
      expect(again.body.code).toBe('TRAINING_REQUIRED');
      const unknown = await api(t, staff.token).post(`/api/v1/users/${newcomer.id}/trainings`, {
        training: 'laser-basics',
      });
      expect(unknown.status).toBe(422);
      expect(unknown.body.code).toBe('UNKNOWN_TRAINING');
    });

    it('tells an untrained maker who picks a closed hour about the training first, then the hours', async () => {
      const newcomer = await createAccount(t, adminToken, { role: 'maker' });
      const sunday = { machineId: 'so-prusa-mk4-1', start: paris('sun', '11:00'), end: paris('sun', '12:00') };
      const first = await book(t, newcomer.token, sunday);
      expect(first.status).toBe(422);
      expect(first.body).toMatchObject({ code: 'TRAINING_REQUIRED', field: 'machineId' });
      // Only staff can fix that; once they have, the maker hears what is theirs to change.
      await api(t, adminToken).post(`/api/v1/users/${newcomer.id}/trainings`, { training: 'fdm-basics' });
      const then = await book(t, newcomer.token, sunday);
      expect(then.body).toMatchObject({ code: 'OUTSIDE_OPENING_HOURS', field: 'start' });
    });

    it('refuses a training that expires before the booking ends', async () => {
      const maker = await createAccount(t, adminToken, { role: 'maker' });
      await api(t, adminToken).post(`/api/v1/users/${maker.id}/trainings`, {
        training: 'fdm-basics',
        expiresAt: '2026-11-26T12:00:00Z',
      });
      const response = await book(t, maker.token, {
        machineId: 'so-prusa-mk4-2',
        start: paris('fri', '11:00'),
        end: paris('fri', '12:00'),
      });
      expect(response.body.code).toBe('TRAINING_REQUIRED');
    });

    it('refuses a machine in maintenance', async () => {
      await api(t, adminToken).post('/api/v1/machines/so-bambu-p1s/status', {
        status: 'maintenance',
        reason: 'Hotend swap',
      });
      const response = await book(t, amina.token, {
        machineId: 'so-bambu-p1s',
        start: paris('thu', '11:00'),
        end: paris('thu', '12:00'),
      });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ code: 'MACHINE_UNAVAILABLE', field: 'machineId' });
      await api(t, adminToken).post('/api/v1/machines/so-bambu-p1s/status', { status: 'active' });
    });

    it('refuses an overlap with 409, and a neighbour inside the printer buffer too', async () => {
      const other = await trainedMaker(t, adminToken);
      const overlap = await book(t, other.token, {
        machineId: 'so-prusa-mk4-1',
        start: paris('wed', '12:00'),
        end: paris('wed', '14:00'),
      });
      expect(overlap.status).toBe(409);
      expect(overlap.body.code).toBe('RESERVATION_CONFLICT');
      const tooClose = await book(t, other.token, {
        machineId: 'so-prusa-mk4-1',
        start: paris('wed', '13:00'),
        end: paris('wed', '14:00'),
      });
      expect(tooClose.status).toBe(409);
      const afterBuffer = await book(t, other.token, {
        machineId: 'so-prusa-mk4-1',
        start: paris('wed', '13:30'),
        end: paris('wed', '14:00'),
      });
      expect(afterBuffer.status).toBe(201);
    });

    it('counts quotas per maker: at most 4 open bookings', async () => {
      const maker = await trainedMaker(t, adminToken);
      // Dakar is on UTC and open 09:00–17:00 from Monday to Thursday.
      for (const day of ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03']) {
        const ok = await book(t, maker.token, {
          machineId: 'dk-prusa-mini-1',
          start: `${day}T10:00:00Z`,
          end: `${day}T11:00:00Z`,
        });
        expect(ok.status).toBe(201);
      }
      const fifth = await book(t, maker.token, {
        machineId: 'dk-ender-3',
        start: '2026-12-04T10:00:00Z',
        end: '2026-12-04T11:00:00Z',
      });
      expect(fifth.status).toBe(422);
      expect(fifth.body.code).toBe('QUOTA_EXCEEDED');
    });

    it('never books twice for a retried request with the same Idempotency-Key', async () => {
      const maker = await trainedMaker(t, adminToken);
      const body = { machineId: 'so-prusa-mk4-2', start: paris('thu', '15:00'), end: paris('thu', '16:00') };
      const first = await book(t, maker.token, body).set('Idempotency-Key', 'retry-42');
      const retried = await book(t, maker.token, body).set('Idempotency-Key', 'retry-42');
      expect(first.status).toBe(201);
      expect(retried.status).toBe(201);
      expect(retried.body.id).toBe(first.body.id);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect((await api(t, maker.token).get('/api/v1/me/reservations')).body).toHaveLength(1);
      const different = await book(t, maker.token, { ...body, end: paris('thu', '16:30') }).set(
        'Idempotency-Key',
        'retry-42',
      );
      expect(different.status).toBe(422);
      expect(different.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });
  });

  describe('staff bookings and overrides', () => {
    it('lets staff book for a maker past the rules, with a reason kept in the audit log', async () => {
      const staff = await createAccount(t, adminToken, { role: 'staff', siteIds: ['saint-ouen'] });
      const maker = await createAccount(t, adminToken, { role: 'maker' });
      const body = {
        machineId: 'so-prusa-mk4-2',
        start: paris('sat', '19:00'),
        end: paris('sat', '21:00'),
        makerId: maker.id,
      };
      const refused = await book(t, staff.token, body);
      expect(refused.status).toBe(422);
      const forced = await book(t, staff.token, { ...body, overrideReason: 'Evening open house demo' });
      expect(forced.status).toBe(201);
      expect(forced.body).toMatchObject({ makerId: maker.id, overrideReason: 'Evening open house demo' });
      const audit = await api(t, staff.token).get('/api/v1/sites/saint-ouen/audit');
      expect(audit.body[0]).toMatchObject({ action: 'reservation.created_with_override', subjectId: forced.body.id });
      expect((await api(t, maker.token).get('/api/v1/me/reservations')).body[0].id).toBe(forced.body.id);
    });

    it('forbids makers to override or to book for someone else, and staff of another site', async () => {
      const override = await book(t, amina.token, {
        machineId: 'so-prusa-mk4-2',
        start: paris('sat', '19:00'),
        end: paris('sat', '20:00'),
        overrideReason: 'please',
      });
      expect(override.status).toBe(403);
      const dakarStaff = await createAccount(t, adminToken, { role: 'staff', siteIds: ['dakar'] });
      const onBehalf = await book(t, dakarStaff.token, {
        machineId: 'so-prusa-mk4-2',
        start: paris('fri', '11:00'),
        end: paris('fri', '12:00'),
        makerId: amina.id,
      });
      expect(onBehalf.status).toBe(403);
      expect(onBehalf.body.code).toBe('OVERRIDE_NOT_ALLOWED');
    });
  });

  describe('life of a reservation', () => {
    it('cancels before the cut-off, refuses after it, and lets staff cancel anyway', async () => {
      const maker = await trainedMaker(t, adminToken);
      const early = await book(t, maker.token, {
        machineId: 'so-ricoma-mt1501',
        start: paris('tue', '11:00'),
        end: paris('tue', '12:00'),
      });
      const cancelled = await api(t, maker.token).post(`/api/v1/reservations/${early.body.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      // The cut-off is an hour: booked for 11:30 today, it can no longer be cancelled at 10:45.
      const soon = await book(t, maker.token, {
        machineId: 'so-prusa-mk4-2',
        start: '2026-11-23T11:30:00+01:00',
        end: '2026-11-23T12:30:00+01:00',
      });
      expect(soon.status).toBe(201);
      t.clock.advance(45 * MINUTE);
      const late = await api(t, maker.token).post(`/api/v1/reservations/${soon.body.id}/cancel`);
      expect(late.status).toBe(422);
      expect(late.body.code).toBe('CANCEL_CUTOFF_PASSED');
      expect((await api(t, adminToken).post(`/api/v1/reservations/${soon.body.id}/cancel`)).body.status).toBe(
        'cancelled',
      );
      t.clock.set(MONDAY_MORNING);
    });

    it('moves a booking to a free slot, and refuses a move into another booking', async () => {
      const maker = await trainedMaker(t, adminToken);
      const other = await trainedMaker(t, adminToken);
      const mine = await book(t, maker.token, {
        machineId: 'so-ricoma-mt1501',
        start: paris('wed', '10:00'),
        end: paris('wed', '11:00'),
      });
      await book(t, other.token, {
        machineId: 'so-ricoma-mt1501',
        start: paris('wed', '14:00'),
        end: paris('wed', '15:00'),
      });
      const moved = await api(t, maker.token).post(`/api/v1/reservations/${mine.body.id}/move`, {
        start: paris('wed', '12:00'),
        end: paris('wed', '13:00'),
      });
      expect(moved.status).toBe(200);
      expect(moved.body.start).toBe('2026-11-25T11:00:00.000Z');
      const clash = await api(t, maker.token).post(`/api/v1/reservations/${mine.body.id}/move`, {
        start: paris('wed', '14:30'),
        end: paris('wed', '15:30'),
      });
      expect(clash.status).toBe(409);
      const notMine = await api(t, other.token).post(`/api/v1/reservations/${mine.body.id}/move`, {
        start: paris('wed', '16:00'),
        end: paris('wed', '17:00'),
      });
      expect(notMine.status).toBe(404);
    });

    it('checks in from 15 minutes before the start, then releases the rest of the slot', async () => {
      const maker = await trainedMaker(t, adminToken);
      const slot = await book(t, maker.token, {
        machineId: 'so-prusa-mk4-1',
        start: '2026-11-23T11:00:00+01:00',
        end: '2026-11-23T13:00:00+01:00',
      });
      expect(slot.status).toBe(201);
      const tooEarly = await api(t, maker.token).post(`/api/v1/reservations/${slot.body.id}/check-in`);
      expect(tooEarly.status).toBe(422);
      expect(tooEarly.body.code).toBe('CHECK_IN_NOT_OPEN_YET');
      t.clock.advance(50 * MINUTE); // 10:50
      const checkedIn = await api(t, maker.token).post(`/api/v1/reservations/${slot.body.id}/check-in`);
      expect(checkedIn.status).toBe(200);
      expect(checkedIn.body.checkedInAt).toBe('2026-11-23T09:50:00.000Z');
      t.clock.advance(70 * MINUTE); // 12:00, an hour early
      const released = await api(t, maker.token).post(`/api/v1/reservations/${slot.body.id}/release`);
      expect(released.body).toMatchObject({ status: 'completed', end: '2026-11-23T11:00:00.000Z' });
      const taker = await trainedMaker(t, adminToken);
      const next = await book(t, taker.token, {
        machineId: 'so-prusa-mk4-1',
        start: '2026-11-23T12:30:00+01:00',
        end: '2026-11-23T13:00:00+01:00',
      });
      expect(next.status).toBe(201);
      t.clock.set(MONDAY_MORNING);
    });

    it('releases a reservation nobody checked in to after the grace period (a no-show)', async () => {
      const maker = await trainedMaker(t, adminToken);
      const slot = await book(t, maker.token, {
        machineId: 'so-bambu-p1s',
        start: '2026-11-23T11:30:00+01:00',
        end: '2026-11-23T13:00:00+01:00',
      });
      expect(slot.status).toBe(201);
      const noShows = t.app.get(NoShowService);
      const event = firstValueFrom(
        t.app.get(BookingEvents).events$.pipe(filter((e) => e.type === 'reservation.no_show')),
      );
      t.clock.set(Date.parse('2026-11-23T11:44:00+01:00'));
      expect(await noShows.sweep()).toBe(0);
      t.clock.set(Date.parse('2026-11-23T11:45:00+01:00'));
      expect(await noShows.sweep()).toBe(1);
      expect(await event).toMatchObject({ reservationId: slot.body.id, machineId: 'so-bambu-p1s' });
      expect((await api(t, maker.token).get(`/api/v1/reservations/${slot.body.id}`)).body.status).toBe('no_show');
      expect((await api(t, adminToken).get(`/api/v1/users/${maker.id}`)).body.noShowCount).toBe(1);
      const late = await api(t, maker.token).post(`/api/v1/reservations/${slot.body.id}/check-in`);
      expect(late.status).toBe(422);
      const taker = await trainedMaker(t, adminToken);
      const freed = await book(t, taker.token, {
        machineId: 'so-bambu-p1s',
        start: '2026-11-23T12:00:00+01:00',
        end: '2026-11-23T13:00:00+01:00',
      });
      expect(freed.status).toBe(201);
      t.clock.set(MONDAY_MORNING);
    });
  });

  describe('waiting list', () => {
    it('offers freed time to the first maker in line for that kind and time', async () => {
      const holder = await trainedMaker(t, adminToken);
      const first = await trainedMaker(t, adminToken);
      const second = await trainedMaker(t, adminToken);
      const held = await book(t, holder.token, {
        machineId: 'dk-brother-pe800',
        start: '2026-12-01T13:00:00Z',
        end: '2026-12-01T15:00:00Z',
      });
      expect(held.status).toBe(201);
      const wait = (maker: Maker) =>
        api(t, maker.token).post('/api/v1/waitlist', {
          siteId: 'dakar',
          kind: 'embroidery',
          start: '2026-12-01T12:00:00Z',
          end: '2026-12-01T16:00:00Z',
        });
      const firstEntry = await wait(first);
      expect(firstEntry.status).toBe(201);
      t.clock.advance(1_000);
      await wait(second);
      const offered = firstValueFrom(
        t.app.get(BookingEvents).events$.pipe(
          filter((e) => e.type === 'waitlist.offered'),
          take(1),
          toArray(),
        ),
      );
      await api(t, holder.token).post(`/api/v1/reservations/${held.body.id}/cancel`);
      expect((await offered)[0]).toMatchObject({
        entryId: firstEntry.body.id,
        makerId: first.id,
        machineId: 'dk-brother-pe800',
      });
      const mine = await api(t, first.token).get('/api/v1/me/waitlist');
      expect(mine.body[0]).toMatchObject({
        status: 'offered',
        offer: { machineId: 'dk-brother-pe800', start: '2026-12-01T13:00:00.000Z', end: '2026-12-01T15:00:00.000Z' },
      });
      expect((await api(t, second.token).get('/api/v1/me/waitlist')).body[0].status).toBe('waiting');
      t.clock.set(MONDAY_MORNING);
    });
  });

  describe('staff blocks', () => {
    it('blocks every embroidery machine on Tuesday afternoons and lists the bookings it lands on', async () => {
      const maker = await trainedMaker(t, adminToken);
      const hit = await book(t, maker.token, {
        machineId: 'so-brother-pp1',
        start: paris('tue', '15:00'),
        end: paris('tue', '16:00'),
      });
      expect(hit.status).toBe(201);
      const staff = await createAccount(t, adminToken, { role: 'staff', siteIds: ['saint-ouen'] });
      const block = await api(t, staff.token).post('/api/v1/sites/saint-ouen/blocks', {
        kind: 'embroidery',
        reason: 'Embroidery workshop for beginners',
        category: 'workshop',
        weekly: { days: ['tue'], from: '14:00', to: '18:00', startDate: '2026-11-24' },
      });
      expect(block.status).toBe(201);
      expect(block.body.machineIds.sort()).toEqual(['so-brother-pp1', 'so-ricoma-mt1501']);
      expect(block.body.conflicts).toEqual([
        expect.objectContaining({ reservation: expect.objectContaining({ id: hit.body.id, status: 'active' }) }),
      ]);
      // The reservation stays for staff to resolve; new bookings in the block are refused.
      expect((await api(t, maker.token).get(`/api/v1/reservations/${hit.body.id}`)).body.status).toBe('active');
      const inBlock = await book(t, maker.token, {
        machineId: 'so-ricoma-mt1501',
        start: '2026-12-01T15:00:00+01:00',
        end: '2026-12-01T16:00:00+01:00',
      });
      expect(inBlock.status).toBe(409);
      const availability = await api(t, maker.token).get(
        `/api/v1/sites/saint-ouen/availability?from=${encodeURIComponent('2026-12-01T10:00:00+01:00')}&to=${encodeURIComponent('2026-12-01T19:00:00+01:00')}&kind=embroidery`,
      );
      for (const machine of availability.body.machines) {
        expect(machine.unavailable).toContainEqual({
          start: '2026-12-01T13:00:00.000Z',
          end: '2026-12-01T17:00:00.000Z',
          reason: 'blocked',
        });
      }
      const dakarStaff = await createAccount(t, adminToken, { role: 'staff', siteIds: ['dakar'] });
      const foreign = await api(t, dakarStaff.token).post('/api/v1/sites/saint-ouen/blocks', {
        machineIds: ['so-brother-pp1'],
        reason: 'Not mine',
        category: 'maintenance',
        start: paris('thu', '10:00'),
        end: paris('thu', '12:00'),
      });
      expect(foreign.status).toBe(404);
      const audit = await api(t, staff.token).get('/api/v1/sites/saint-ouen/audit');
      expect(audit.body.map((entry: { action: string }) => entry.action)).toContain('block.created');
    });

    it('refuses a block with both a window and a weekly pattern, or a machine of another site', async () => {
      const bothShapes = await api(t, adminToken).post('/api/v1/sites/saint-ouen/blocks', {
        machineIds: ['so-prusa-mk4-1'],
        reason: 'Maintenance',
        category: 'maintenance',
        start: paris('thu', '10:00'),
        end: paris('thu', '12:00'),
        weekly: { days: ['thu'], from: '10:00', to: '12:00', startDate: '2026-11-26' },
      });
      expect(bothShapes.status).toBe(422);
      const foreignMachine = await api(t, adminToken).post('/api/v1/sites/saint-ouen/blocks', {
        machineIds: ['dk-ender-3'],
        reason: 'Maintenance',
        category: 'maintenance',
        start: paris('thu', '10:00'),
        end: paris('thu', '12:00'),
      });
      expect(foreignMachine.status).toBe(422);
      expect(foreignMachine.body.field).toBe('machineIds');
    });
  });

  describe('calendar feeds', () => {
    it('gives a maker a secret iCalendar feed of their bookings, and the site a feed without names', async () => {
      const maker = await trainedMaker(t, adminToken);
      await book(t, maker.token, {
        machineId: 'so-prusa-mk4-2',
        start: paris('thu', '17:00'),
        end: paris('thu', '18:00'),
      });
      const link = await api(t, maker.token).get('/api/v1/me/calendar');
      const feed = await api(t).get(new URL(link.body.url).pathname);
      expect(feed.status).toBe(200);
      expect(feed.headers['content-type']).toContain('text/calendar');
      expect(feed.text).toContain('DTSTART:20261126T160000Z');
      expect(feed.text).toContain('SUMMARY:Prusa MK4 n°2');
      expect((await api(t).get('/api/v1/calendar/not-a-token.ics')).status).toBe(404);
      const site = await api(t).get('/api/v1/sites/saint-ouen/calendar.ics');
      expect(site.text).toContain('SUMMARY:Reserved — Prusa MK4 n°2');
      expect(site.text).not.toContain(maker.id);
      expect(site.text).not.toContain('maker');
    });
  });
});
