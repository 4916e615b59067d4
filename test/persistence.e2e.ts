import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, createAccount, login, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('persistence: a restart keeps everything', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('keeps accounts, machines, statuses and staff edits of config-declared machines', async () => {
    const adminToken = await loginAdmin(t);
    const maker = await createAccount(t, adminToken, { role: 'maker', memberCode: 'SO-5150' });
    const asAdmin = api(t, adminToken);
    await asAdmin.post('/api/v1/sites/dakar/machines', { id: 'dk-cricut', name: 'Cricut Maker 3', kind: 'other' });
    await asAdmin.patch('/api/v1/machines/so-prusa-mk4-1', { name: 'Prusa du fond' });
    await asAdmin.post('/api/v1/machines/so-ricoma-mt1501/status', { status: 'maintenance', reason: 'Bobbin case' });

    await t.restart();

    const token = await login(t, 'SO-5150', maker.password);
    const asMaker = api(t, token);
    expect((await asMaker.get('/api/v1/me')).body.id).toBe(maker.id);
    expect((await asMaker.get('/api/v1/machines/dk-cricut')).body.name).toBe('Cricut Maker 3');
    expect((await asMaker.get('/api/v1/machines/so-prusa-mk4-1')).body.name).toBe('Prusa du fond');
    expect((await asMaker.get('/api/v1/machines/so-ricoma-mt1501')).body.adminStatus).toBe('maintenance');
    // Staff's own note is for staff (makers see the public notice only). Access tokens signed
    // before the restart stay valid: the signing secret persisted too.
    expect((await api(t, adminToken).get('/api/v1/machines/so-ricoma-mt1501')).body).toMatchObject({
      adminStatus: 'maintenance',
      adminStatusReason: 'Bobbin case',
    });
    expect((await api(t, adminToken).get('/api/v1/users')).status).toBe(200);
  });
});
