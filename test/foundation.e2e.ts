import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createAccount, login, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('foundation: accounts, roles, sites and machines over HTTP', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = await loginAdmin(t);
  });
  afterAll(() => t?.close());

  it('reports the database and the MQTT connection as healthy', async () => {
    const response = await api(t).get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      database: { ok: true, driver: process.env.DATABASE_URL ? 'postgres' : 'better-sqlite3' },
      mqtt: { ok: true, mode: process.env.MQTT_URL ? 'external' : 'embedded' },
    });
  });

  it('shows the demo network to a signed-in maker, in two time zones', async () => {
    const maker = await createAccount(t, adminToken, { role: 'maker' });
    const sites = await api(t, maker.token).get('/api/v1/sites');
    expect(sites.status).toBe(200);
    expect(sites.body.map((s: { id: string; timeZone: string }) => [s.id, s.timeZone])).toEqual([
      ['dakar', 'Africa/Dakar'],
      ['saint-ouen', 'Europe/Paris'],
    ]);
    const machines = await api(t, maker.token).get('/api/v1/sites/saint-ouen/machines');
    expect(machines.status).toBe(200);
    expect(machines.body.map((m: { kind: string }) => m.kind).sort()).toEqual([
      'embroidery',
      'embroidery',
      'fdm_printer',
      'fdm_printer',
      'fdm_printer',
    ]);
    expect(machines.body[0]).toMatchObject({ adminStatus: 'active', siteId: 'saint-ouen' });
  });

  it('refuses anonymous calls with 401 and a code', async () => {
    const response = await api(t).get('/api/v1/sites');
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHENTICATED');
  });

  it('signs in by member code, case-insensitively, and answers /me', async () => {
    const maker = await createAccount(t, adminToken, { role: 'maker', memberCode: 'so-7781' });
    const token = await login(t, 'SO-7781', maker.password);
    const me = await api(t, token).get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ role: 'maker', memberCode: 'SO-7781', email: null });
    expect(me.body).not.toHaveProperty('passwordHash');
  });

  it('refreshes a session once: a refresh token cannot be replayed', async () => {
    // Not the admin's: a replay ends every session of the account, the suite's admin token included.
    const maker = await createAccount(t, adminToken, { role: 'maker' });
    const first = await api(t).post('/api/v1/auth/login', { login: maker.login, password: maker.password });
    const second = await api(t).post('/api/v1/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.accessToken).toEqual(expect.any(String));
    const replay = await api(t).post('/api/v1/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('INVALID_REFRESH_TOKEN');
    // The replay revoked the whole family, including the token it had been rotated into.
    const afterReplay = await api(t).post('/api/v1/auth/refresh', { refreshToken: second.body.refreshToken });
    expect(afterReplay.status).toBe(401);
  });

  it('keeps makers out of staff and admin routes (403)', async () => {
    const maker = await createAccount(t, adminToken, { role: 'maker' });
    const asMaker = api(t, maker.token);
    const attempts = [
      await asMaker.post('/api/v1/sites/saint-ouen/machines', { name: 'Mine', kind: 'fdm_printer' }),
      await asMaker.patch('/api/v1/machines/so-prusa-mk4-1', { name: 'Mine' }),
      await asMaker.post('/api/v1/machines/so-prusa-mk4-1/status', { status: 'maintenance', reason: 'x' }),
      await asMaker.get('/api/v1/users'),
      await asMaker.post('/api/v1/users', { role: 'admin', displayName: 'x', email: 'x@y.z', password: 'abcdefgh' }),
      await asMaker.post('/api/v1/devices/kiosks', { siteId: 'saint-ouen', label: 'x' }),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FORBIDDEN');
    }
  });

  it('lets staff run their own site and answers 404 for another site’s machine, as for an unknown one', async () => {
    const staff = await createAccount(t, adminToken, { role: 'staff', siteIds: ['saint-ouen'] });
    const asStaff = api(t, staff.token);
    const own = await asStaff.post('/api/v1/machines/so-prusa-mk4-2/status', {
      status: 'maintenance',
      reason: 'Nozzle clogged',
    });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ adminStatus: 'maintenance', adminStatusReason: 'Nozzle clogged' });
    const log = await asStaff.get('/api/v1/machines/so-prusa-mk4-2/maintenance-log');
    expect(log.body).toEqual([expect.objectContaining({ status: 'maintenance', reason: 'Nozzle clogged' })]);

    const foreign = await asStaff.patch('/api/v1/machines/dk-ender-3', { name: 'Renamed' });
    const unknown = await asStaff.patch('/api/v1/machines/no-such-machine', { name: 'Renamed' });
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(foreign.body.code).toBe(unknown.body.code);
    const foreignCreate = await asStaff.post('/api/v1/sites/dakar/machines', { name: 'x', kind: 'cnc' });
    expect(foreignCreate.status).toBe(404);
    const dakarMachine = await api(t, adminToken).get('/api/v1/machines/dk-ender-3');
    expect(dakarMachine.body.name).toBe('Creality Ender-3 V3');
  });

  it('requires a reason to put a machine in maintenance', async () => {
    const response = await api(t, adminToken).post('/api/v1/machines/so-bambu-p1s/status', { status: 'maintenance' });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'STATUS_REASON_REQUIRED', field: 'reason' });
  });

  it('keeps a public reason and an expected return for a machine out of service, without personal data', async () => {
    const status = (body: object) => api(t, adminToken).post('/api/v1/machines/so-bambu-p1s/status', body);
    const base = { status: 'maintenance', reason: 'Karim orders a nozzle from Dupont (06 11 22 33 44)' };
    const phone = await status({ ...base, publicReason: 'Call Karim: 06 11 22 33 44' });
    expect(phone.status).toBe(422);
    expect(phone.body).toMatchObject({ code: 'MAINTENANCE_NOTICE_REFUSED', field: 'publicReason' });
    const past = await status({ ...base, publicReason: 'New nozzle', expectedBackAt: '2026-11-20T10:00:00+01:00' });
    expect(past.body).toMatchObject({ code: 'MAINTENANCE_NOTICE_REFUSED', field: 'expectedBackAt' });
    const zoneless = await status({ ...base, expectedBackAt: '2026-11-26T14:00:00' });
    expect(zoneless.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'expectedBackAt' });

    const saved = await status({ ...base, publicReason: 'New nozzle', expectedBackAt: '2026-11-26T14:00:00+01:00' });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ publicReason: 'New nozzle', expectedBackAt: '2026-11-26T13:00:00.000Z' });
    // Makers read the public reason, never staff's own note (it names a person and a supplier).
    const maker = await createAccount(t, adminToken, { role: 'maker' });
    const seen = (await api(t, maker.token).get('/api/v1/sites/saint-ouen/machines')).body as Array<{ id: string }>;
    expect(seen.find((m) => m.id === 'so-bambu-p1s')).toMatchObject({
      adminStatusReason: null,
      publicReason: 'New nozzle',
    });
    const back = await api(t, adminToken).post('/api/v1/machines/so-bambu-p1s/status', { status: 'active' });
    expect(back.body).toMatchObject({ adminStatus: 'active', publicReason: null, expectedBackAt: null });
  });

  it('answers bad input with 400 naming the field, and never a 500', async () => {
    const cases: Array<[string, object, string]> = [
      ['/api/v1/sites/saint-ouen/machines', { name: 'x', kind: 'toaster' }, 'kind'],
      ['/api/v1/sites/saint-ouen/machines', { name: '', kind: 'cnc' }, 'name'],
      ['/api/v1/sites/saint-ouen/machines', { name: 'x', kind: 'cnc', id: 'Not A Slug' }, 'id'],
      ['/api/v1/sites/saint-ouen/machines', { name: 'x', kind: 'cnc', colour: 'red' }, 'colour'],
      ['/api/v1/users', { role: 'maker', displayName: 'x', email: 'not-an-email', password: 'abcdefgh' }, 'email'],
      ['/api/v1/users', { role: 'maker', displayName: 'x', memberCode: 'AB-1234', password: 'short' }, 'password'],
    ];
    for (const [path, body, field] of cases) {
      const response = await api(t, adminToken).post(path, body);
      expect({ path, status: response.status, field: response.body.field }).toEqual({ path, status: 400, field });
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
    const malformed = await api(t, adminToken)
      .post('/api/v1/users')
      .set('Content-Type', 'application/json')
      .send('{"role":');
    expect(malformed.status).toBe(400);
  });

  it('refuses a NUL character anywhere with a 400 naming the field, before any database sees it', async () => {
    const login = await api(t).post('/api/v1/auth/login', { login: 'a\u0000b', password: 'x' });
    expect([login.status, login.body.field]).toEqual([400, 'login']);
    const path = await api(t, adminToken).get('/api/v1/machines/%00');
    expect([path.status, path.body.field]).toEqual([400, 'machineId']);
    const nested = await api(t, adminToken).post('/api/v1/sites/saint-ouen/machines', {
      name: 'x',
      kind: 'cnc',
      capabilities: { materials: ['PLA\u0000'] },
    });
    expect([nested.status, nested.body.field]).toEqual([400, 'capabilities.materials.0']);
  });

  it('refuses a second account with the same email or member code (409)', async () => {
    await createAccount(t, adminToken, { role: 'maker', memberCode: 'DK-0001' });
    const again = await api(t, adminToken).post('/api/v1/users', {
      role: 'maker',
      displayName: 'Twin',
      memberCode: 'dk-0001',
      password: 'abcdefgh1',
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ACCOUNT_EXISTS', field: 'memberCode' });
  });

  it('locks sign-in after repeated wrong passwords, even for the right one', async () => {
    const maker = await createAccount(t, adminToken, { role: 'maker' });
    for (let i = 0; i < 5; i++) {
      const wrong = await api(t).post('/api/v1/auth/login', { login: maker.login, password: 'wrong-password' });
      expect(wrong.status).toBe(401);
    }
    const locked = await api(t).post('/api/v1/auth/login', { login: maker.login, password: maker.password });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(15 * 60_000);
    const later = await api(t).post('/api/v1/auth/login', { login: maker.login, password: maker.password });
    expect(later.status).toBe(200);
    // Fifteen minutes also outlived the admin's access token (auth.accessTokenMinutes).
    expect((await api(t, adminToken).get('/api/v1/users')).status).toBe(401);
    adminToken = await loginAdmin(t);
  });

  it('shuts a deactivated account out at once', async () => {
    const maker = await createAccount(t, adminToken, { role: 'maker' });
    expect((await api(t, maker.token).get('/api/v1/me')).status).toBe(200);
    const deactivated = await api(t, adminToken).post(`/api/v1/users/${maker.id}/deactivate`);
    expect(deactivated.body.active).toBe(false);
    expect((await api(t, maker.token).get('/api/v1/me')).status).toBe(401);
    const relogin = await api(t).post('/api/v1/auth/login', { login: maker.login, password: maker.password });
    expect(relogin.status).toBe(401);
  });

  it('keeps a deactivation made while a password change was being hashed', async () => {
    const maker = await createAccount(t, adminToken, { role: 'maker' });
    const [, deactivated] = await Promise.all([
      api(t, adminToken).patch(`/api/v1/users/${maker.id}`, { password: 'a-new-long-password' }),
      new Promise((resolve) => setTimeout(resolve, 5)).then(() =>
        api(t, adminToken).post(`/api/v1/users/${maker.id}/deactivate`),
      ),
    ]);
    expect(deactivated.body.active).toBe(false);
    expect((await api(t, adminToken).get(`/api/v1/users/${maker.id}`)).body.active).toBe(false);
  });

  it('serves the OpenAPI document', async () => {
    const response = await api(t).get('/api/docs/openapi.json');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/sites/{siteId}/machines']),
    );
  });
});

describe('foundation: kiosk tokens are read-only and bound to one site', () => {
  let t: TestApp;
  let kioskToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    const adminToken = await loginAdmin(t);
    const issued = await api(t, adminToken).post('/api/v1/devices/kiosks', { siteId: 'saint-ouen', label: 'Lobby' });
    expect(issued.status).toBe(201);
    kioskToken = issued.body.token;
  });
  afterAll(() => t?.close());

  it('reads its own site and its machines', async () => {
    const asKiosk = api(t, kioskToken);
    expect((await asKiosk.get('/api/v1/sites/saint-ouen')).status).toBe(200);
    expect((await asKiosk.get('/api/v1/sites/saint-ouen/machines')).body).toHaveLength(5);
    expect((await asKiosk.get('/api/v1/sites')).body.map((s: { id: string }) => s.id)).toEqual(['saint-ouen']);
  });

  it('sees nothing of another site', async () => {
    expect((await api(t, kioskToken).get('/api/v1/sites/dakar')).status).toBe(404);
    expect((await api(t, kioskToken).get('/api/v1/machines/dk-ender-3')).status).toBe(404);
  });

  it('cannot write anything, not even on its own site', async () => {
    const asKiosk = api(t, kioskToken);
    const writes = [
      await asKiosk.post('/api/v1/sites/saint-ouen/machines', { name: 'x', kind: 'cnc' }),
      await asKiosk.patch('/api/v1/machines/so-prusa-mk4-1', { name: 'x' }),
      await asKiosk.post('/api/v1/machines/so-prusa-mk4-1/status', { status: 'retired', reason: 'x' }),
      await asKiosk.post('/api/v1/users', { role: 'admin', displayName: 'x', email: 'k@k.k', password: 'abcdefgh' }),
    ];
    for (const response of writes) expect(response.status).toBe(403);
    expect((await asKiosk.get('/api/v1/me')).status).toBe(403);
  });

  it('stops working once revoked', async () => {
    const adminToken = await loginAdmin(t);
    const issued = await api(t, adminToken).post('/api/v1/devices/kiosks', { siteId: 'saint-ouen', label: 'Spare' });
    await api(t, adminToken).post(`/api/v1/devices/${issued.body.id}/revoke`);
    expect((await api(t, issued.body.token).get('/api/v1/sites')).status).toBe(401);
  });
});
