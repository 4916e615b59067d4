import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { prusaSlicerGcode } from '../src/jobs/metadata/testing/gcode.fixtures.js';
import { eventually, FakeBridge } from './support/fake-bridge.js';
import { api, createAccount, loginAdmin } from './support/http.js';
import { LiveClient } from './support/live-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PRINTER = 'so-bambu-p1s';
const NAME = 'Chloé Martin — porte-clés.gcode';
const AT_THE_MACHINE = 'Yusuf B keyring.gcode';

/**
 * A job's name is the file name its maker chose, often with their own name in it (issue 15): the
 * machine's live state shows it to that maker and to staff of the machine's site, to nobody else.
 */
describe('a job’s name in live state is for its maker and the site’s staff', () => {
  let t: TestApp;
  let bridge: FakeBridge;
  const tokens: Record<'owner' | 'otherMaker' | 'staff' | 'otherStaff' | 'admin' | 'kiosk', string> = {} as never;
  let jobId: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    tokens.admin = await loginAdmin(t);
    const account = (role: 'maker' | 'staff', siteIds?: string[]) =>
      createAccount(t, tokens.admin, { role, siteIds }).then((a) => a.token);
    tokens.owner = await account('maker');
    tokens.otherMaker = await account('maker');
    tokens.staff = await account('staff', ['saint-ouen']);
    tokens.otherStaff = await account('staff', ['dakar']);
    tokens.kiosk = (
      await api(t, tokens.admin).post('/api/v1/devices/kiosks', { siteId: 'saint-ouen', label: 'Lobby' })
    ).body.token;
    const draft = await api(t, tokens.owner)
      .multipart('/api/v1/jobs')
      .field('siteId', 'saint-ouen')
      .field('name', NAME)
      .attach('file', Buffer.from(prusaSlicerGcode()), 'keyring.gcode');
    expect(draft.status).toBe(201);
    jobId = draft.body.id;
    const issued = await api(t, tokens.admin).post('/api/v1/devices/bridges', {
      bridgeId: 'so-bridge',
      machineIds: [PRINTER],
      label: 'Pi',
    });
    bridge = new FakeBridge({
      url: t.mqttUrl,
      prefix: t.config.mqtt.topicPrefix,
      bridgeId: 'so-bridge',
      machineIds: [PRINTER],
      password: issued.body.mqttPassword,
    });
    await bridge.connect();
  });
  afterAll(async () => {
    for (const client of clients) client.socket.close();
    await bridge.clearRetained();
    await bridge.close();
    await t.close();
  });

  let elapsedS = 0;
  /** The bridge reports the job running; resolves once the service shows this very report. */
  const running = async (job: { jobId: string | null; name: string }) => {
    elapsedS += 60;
    const report = { ...job, progressPct: 12, elapsedS, remainingS: 900 };
    await bridge.send(bridge.encoder.state(PRINTER, { state: 'running', interventions: [], job: report }));
    await eventually(async () => {
      const live = await api(t, tokens.admin).get(`/api/v1/machines/${PRINTER}/live`);
      return live.body.snapshot?.job?.elapsedS === elapsedS ? true : undefined;
    });
  };
  const shownName = async (who: keyof typeof tokens) => {
    const live = await api(t, tokens[who]).get(`/api/v1/machines/${PRINTER}/live`);
    expect(live.body.snapshot.job.elapsedS).toBe(elapsedS);
    return live.body.snapshot.job.name ?? null;
  };
  const names = async () =>
    Object.fromEntries(
      await Promise.all((Object.keys(tokens) as Array<keyof typeof tokens>).map(async (w) => [w, await shownName(w)])),
    );

  it('shows the name of a maker’s job to that maker and to the site’s staff only', async () => {
    await running({ jobId, name: NAME });
    expect(await names()).toEqual({
      owner: NAME,
      staff: NAME,
      admin: NAME,
      otherMaker: null,
      otherStaff: null,
      kiosk: null,
    });
  });

  it('shows the name of a job started at the machine, which is nobody’s here, to staff only', async () => {
    await running({ jobId: null, name: AT_THE_MACHINE });
    expect(await names()).toEqual({
      owner: null,
      staff: AT_THE_MACHINE,
      admin: AT_THE_MACHINE,
      otherMaker: null,
      otherStaff: null,
      kiosk: null,
    });
  });

  it('never sends a job’s name in the live socket’s frames to anyone but the site’s staff', async () => {
    const viewers = (['owner', 'otherMaker', 'otherStaff', 'kiosk'] as const).map((who) => {
      const client = new LiveClient(t.url, { token: tokens[who], siteId: 'saint-ouen' });
      clients.push(client);
      return client;
    });
    for (const client of viewers) await client.waitFor((_frame, event) => event === 'snapshot');
    await running({ jobId, name: NAME });
    for (const client of viewers) {
      await client.waitFor((frame) => frame.machines.some((m) => m.machineId === PRINTER && m.status !== 'free'));
      expect(JSON.stringify(client.frames)).not.toMatch(/Chloé|Yusuf|gcode/);
    }
  });
});
