import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { JOB_STATES, UNDERWAY_STATES } from '../src/jobs/job-state.rules.js';
import { Job } from '../src/jobs/job.entity.js';
import { prusaSlicerGcode } from '../src/jobs/metadata/testing/gcode.fixtures.js';
import { UserTraining } from '../src/trainings/user-training.entity.js';
import { AccountErasureService } from '../src/users/account-erasure.service.js';
import { api, createAccount, login, loginAdmin } from './support/http.js';
import { book, paris, trainedMaker } from './support/booking.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let admin: string;
let staff: { id: string; token: string };

const put = (token: string, path: string, body: object) =>
  request(t.url).put(path).set('Authorization', `Bearer ${token}`).send(body);

beforeAll(async () => {
  t = await startTestApp();
  admin = await loginAdmin(t);
  staff = await createAccount(t, admin, { role: 'staff', siteIds: ['saint-ouen'] });
});

afterAll(async () => {
  await t?.close();
});

describe('desk accounts', () => {
  it('creates a maker without email, who signs in with the printed member code and is found by staff', async () => {
    const created = await api(t, staff.token).post('/api/v1/sites/saint-ouen/makers', {
      displayName: 'Awa Ndiaye',
      locale: 'fr',
    });
    expect(created.status).toBe(201);
    expect(created.body.memberCode).toMatch(/^SO-\d{4,6}$/);
    expect(created.body.password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    // Case does not matter when typing the code.
    const token = await login(t, created.body.memberCode.toLowerCase(), created.body.password);
    const me = await api(t, token).get('/api/v1/me');
    expect(me.body).toMatchObject({ displayName: 'Awa Ndiaye', email: null, locale: 'fr', role: 'maker' });

    for (const search of ['awa', 'NDIAYE', created.body.memberCode.slice(0, 5).toLowerCase()]) {
      const found = await api(t, staff.token).get(
        `/api/v1/sites/saint-ouen/makers?search=${encodeURIComponent(search)}`,
      );
      expect(found.status).toBe(200);
      expect(found.body.map((u: { id: string }) => u.id)).toContain(created.body.id);
      expect(JSON.stringify(found.body)).not.toMatch(/password|argon/i);
    }
    // A % in the search is a character, not a wildcard.
    expect((await api(t, staff.token).get('/api/v1/sites/saint-ouen/makers?search=%25')).body).toEqual([]);
  });

  it('is for staff of that site only', async () => {
    const maker = await createAccount(t, admin, { role: 'maker' });
    const dakarStaff = await createAccount(t, admin, { role: 'staff', siteIds: ['dakar'] });
    const body = { displayName: 'Someone' };
    expect((await api(t, maker.token).post('/api/v1/sites/saint-ouen/makers', body)).status).toBe(403);
    expect((await api(t, dakarStaff.token).post('/api/v1/sites/saint-ouen/makers', body)).status).toBe(404);
    expect((await api(t, dakarStaff.token).get('/api/v1/sites/saint-ouen/makers')).status).toBe(404);
    expect((await api(t, staff.token).post('/api/v1/sites/saint-ouen/makers', {})).body.field).toBe('displayName');
  });
});

describe('language, tags and declared categories', () => {
  it('lets a person set their own language', async () => {
    const maker = await createAccount(t, admin, { role: 'maker' });
    expect((await api(t, maker.token).patch('/api/v1/me', { locale: 'ar' })).body.locale).toBe('ar');
    expect((await api(t, maker.token).patch('/api/v1/me', { locale: 'arabic!' })).body.field).toBe('locale');
  });

  it('lets staff tag makers and bookings of their site, folding case and repeats', async () => {
    const maker = await trainedMaker(t, admin);
    const tagged = await put(staff.token, `/api/v1/users/${maker.id}/tags`, {
      tags: ['Prequal 2026', 'prequal  2026'],
    });
    expect(tagged.status).toBe(200);
    expect(tagged.body.tags).toEqual(['prequal 2026']);
    expect((await put(maker.token, `/api/v1/users/${maker.id}/tags`, { tags: [] })).status).toBe(403);
    expect((await put(staff.token, `/api/v1/users/${maker.id}/tags`, { tags: ['=cmd()'] })).body.field).toBe('tags');

    const booked = await book(t, maker.token, {
      machineId: 'so-prusa-mk4-1',
      start: paris('tue', '10:00'),
      end: paris('tue', '11:00'),
    });
    expect(booked.status).toBe(201);
    const path = `/api/v1/reservations/${booked.body.id}/tags`;
    expect((await put(staff.token, path, { tags: ['School visit'] })).body.tags).toEqual(['school visit']);
    const dakarStaff = await createAccount(t, admin, { role: 'staff', siteIds: ['dakar'] });
    expect((await put(dakarStaff.token, path, { tags: ['x'] })).status).toBe(404);
    expect((await put(maker.token, path, { tags: ['x'] })).status).toBe(403);
  });

  it('keeps declared answers only with consent, and erases them when consent is withdrawn', async () => {
    const maker = await createAccount(t, admin, { role: 'maker' });
    expect((await api(t, maker.token).get('/api/v1/me/profile')).body).toEqual({ consent: false });
    const answered = await put(maker.token, '/api/v1/me/profile', {
      consent: true,
      ageBand: '18-25',
      status: 'retraining',
      gender: '  Femme  ',
    });
    expect(answered.body).toEqual({ consent: true, ageBand: '18-25', status: 'retraining', gender: 'Femme' });
    expect((await put(maker.token, '/api/v1/me/profile', { consent: false, gender: 'Femme' })).body).toEqual({
      consent: false,
    });
    expect((await api(t, maker.token).get('/api/v1/me/profile')).body).toEqual({ consent: false });
    expect((await put(maker.token, '/api/v1/me/profile', { consent: true, ageBand: '19' })).body.field).toBe('ageBand');
    expect((await put(maker.token, '/api/v1/me/profile', { consent: true, status: 'boss' })).body.field).toBe('status');
    expect((await put(maker.token, '/api/v1/me/profile', {})).body.field).toBe('consent');
  });
});

describe('account deletion', () => {
  it('erases the person: no sign-in, no name in staff views, no session left', async () => {
    const created = await api(t, staff.token).post('/api/v1/sites/saint-ouen/makers', {
      displayName: 'Ines Ben Salah',
    });
    const { id, memberCode, password } = created.body;
    const session = await api(t).post('/api/v1/auth/login', { login: memberCode, password });
    const token = session.body.accessToken as string;
    await put(token, '/api/v1/me/profile', { consent: true, gender: 'femme' });

    expect((await api(t, token).delete('/api/v1/me')).status).toBe(204);
    expect((await api(t).post('/api/v1/auth/login', { login: memberCode, password })).status).toBe(401);
    expect((await api(t, token).get('/api/v1/me')).status).toBe(401);
    expect((await api(t).post('/api/v1/auth/refresh', { refreshToken: session.body.refreshToken })).status).toBe(401);
    const found = await api(t, staff.token).get('/api/v1/sites/saint-ouen/makers?search=ines');
    expect(found.body).toEqual([]);
    const account = await api(t, admin).get(`/api/v1/users/${id}`);
    expect(account.body).toMatchObject({ displayName: 'Deleted account', email: null, active: false });
    expect(account.body.memberCode).not.toBe(memberCode);
    expect(account.body.deletedAt).not.toBeNull();
  });

  it('waits until bookings to come are cancelled', async () => {
    const maker = await trainedMaker(t, admin);
    const booked = await book(t, maker.token, {
      machineId: 'so-prusa-mk4-2',
      start: paris('wed', '10:00'),
      end: paris('wed', '11:00'),
    });
    expect(booked.status).toBe(201);
    const refused = await api(t, maker.token).delete('/api/v1/me');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('ACCOUNT_BUSY');
    expect((await api(t, maker.token).post(`/api/v1/reservations/${booked.body.id}/cancel`)).status).toBe(200);
    expect((await api(t, maker.token).delete('/api/v1/me')).status).toBe(204);
  });

  it('waits until jobs underway end, in whatever state the jobs module counts as underway', async () => {
    const jobs = t.app.get(DataSource).getRepository(Job);
    for (const state of JOB_STATES) {
      const maker = await createAccount(t, admin, { role: 'maker' });
      const draft = await api(t, maker.token)
        .multipart('/api/v1/jobs')
        .field('siteId', 'saint-ouen')
        .attach('file', Buffer.from(prusaSlicerGcode()), 'part.gcode');
      expect(draft.status).toBe(201);
      await jobs.update({ id: draft.body.id }, { state });
      const answer = await api(t, maker.token).delete('/api/v1/me');
      const underway = UNDERWAY_STATES.includes(state);
      expect({ state, status: answer.status, jobIds: answer.body?.details?.jobIds }).toEqual({
        state,
        status: underway ? 409 : 204,
        jobIds: underway ? [draft.body.id] : undefined,
      });
      if (!underway) expect((await jobs.findOneByOrFail({ id: draft.body.id })).name).toBe('erased');
    }
    // Only a draft and the endings let an account go; a state added later is underway by default.
    expect(JOB_STATES.filter((state) => !UNDERWAY_STATES.includes(state))).toEqual([
      'draft',
      'completed',
      'failed',
      'cancelled',
      'lost',
    ]);
  });

  it('has a module erasing each table that names an account by foreign key: none can be forgotten', async () => {
    const runner = t.app.get(DataSource).createQueryRunner();
    const tables = await runner.getTables().finally(() => runner.release());
    const bare = (name: string) => name.split('.').pop()!;
    const naming = tables
      .filter((table) => table.foreignKeys.some((fk) => bare(fk.referencedTableName) === 'users'))
      .map((table) => bare(table.name));
    expect(naming.length).toBeGreaterThan(3);
    expect(t.app.get(AccountErasureService).tables()).toEqual(expect.arrayContaining(naming));
  });

  it('ends the trainings the person held', async () => {
    const maker = await trainedMaker(t, admin);
    const trainings = t.app.get(DataSource).getRepository(UserTraining);
    expect(await trainings.countBy({ userId: maker.id })).toBe(2);
    expect((await api(t, maker.token).delete('/api/v1/me')).status).toBe(204);
    expect(await trainings.countBy({ userId: maker.id })).toBe(0);
  });

  it('lets admins delete an account, not staff', async () => {
    const maker = await createAccount(t, admin, { role: 'maker' });
    expect((await api(t, staff.token).delete(`/api/v1/users/${maker.id}`)).status).toBe(403);
    expect((await api(t, admin).delete(`/api/v1/users/${maker.id}`)).status).toBe(204);
    expect((await api(t, admin).delete(`/api/v1/users/${maker.id}`)).status).toBe(404);
  });
});
