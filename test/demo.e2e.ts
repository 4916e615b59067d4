import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from './support/fake-bridge.js';
import { api, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('demo: simulated bridges make a fresh installation live', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestApp({ configure: (raw) => (raw.demo = { simulatedBridges: true, warp: 50 }) });
    adminToken = await loginAdmin(t);
  });
  afterAll(() => t?.close());

  it('connects one simulated bridge per site and shows every printer and embroidery machine idle', async () => {
    const machineIds = [
      'so-prusa-mk4-1',
      'so-bambu-p1s',
      'so-brother-pp1',
      'so-ricoma-mt1501',
      'dk-prusa-mini-1',
      'dk-brother-pe800',
    ];
    for (const machineId of machineIds) {
      const live = await eventually(async () => {
        const response = await api(t, adminToken).get(`/api/v1/machines/${machineId}/live`);
        return response.body.state === 'idle' ? response.body : undefined;
      });
      expect(live).toMatchObject({
        state: 'idle',
        bridge: { id: machineId.startsWith('so-') ? 'demo-saint-ouen' : 'demo-dakar', online: true },
      });
    }
    const devices = await api(t, adminToken).get('/api/v1/devices');
    expect(
      devices.body.filter(
        (d: { kind: string; revokedAt: string | null }) => d.kind === 'bridge' && d.revokedAt === null,
      ),
    ).toHaveLength(2);
  });

  it('gives the demo bridges fresh credentials at every start', async () => {
    await t.restart();
    adminToken = await loginAdmin(t);
    const devices = await api(t, adminToken).get('/api/v1/devices');
    const bridges = devices.body.filter((d: { kind: string }) => d.kind === 'bridge');
    expect(bridges.filter((d: { revokedAt: string | null }) => d.revokedAt === null)).toHaveLength(2);
    expect(bridges.filter((d: { revokedAt: string | null }) => d.revokedAt !== null)).toHaveLength(2);
    await eventually(async () => {
      const response = await api(t, adminToken).get('/api/v1/machines/so-prusa-mk4-1/live');
      return response.body.bridge?.online === true ? true : undefined;
    });
  });
});
