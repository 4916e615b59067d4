import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LiveGateway } from '../src/live/live.gateway.js';
import { LiveService } from '../src/live/live.service.js';
import { NoShowService } from '../src/reservations/no-show.service.js';
import { book, trainedMaker, type Maker } from './support/booking.js';
import { eventually, FakeBridge } from './support/fake-bridge.js';
import { api, createAccount, loginAdmin } from './support/http.js';
import { LiveClient } from './support/live-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Keys a kiosk frame may carry; anything else is a privacy leak waiting to happen. */
const KIOSK_MACHINE_KEYS = [
  'attention',
  'busyUntil',
  'kind',
  'machineId',
  'machineName',
  'nextFreeAt',
  // Only what staff wrote for the public about a machine out of service (see the staff pages).
  'notice',
  'progressPct',
  'status',
];

describe('live occupancy over Socket.IO', () => {
  let t: TestApp;
  let adminToken: string;
  let kioskToken: string;
  let staffToken: string;
  let maker: Maker;
  let bridge: FakeBridge;
  const clients: LiveClient[] = [];

  const connect = (token: string, siteId = 'saint-ouen') => {
    const client = new LiveClient(t.url, { token, siteId });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await startTestApp({ configure: (raw) => (raw.auth.accessTokenMinutes = 1440) });
    adminToken = await loginAdmin(t);
    kioskToken = (await api(t, adminToken).post('/api/v1/devices/kiosks', { siteId: 'saint-ouen', label: 'Lobby' }))
      .body.token;
    staffToken = (await createAccount(t, adminToken, { role: 'staff', siteIds: ['saint-ouen'] })).token;
    maker = await trainedMaker(t, adminToken);
    await api(t, adminToken).patch(`/api/v1/users/${maker.id}`, { displayName: 'Amina Diallo' });
    const issued = await api(t, adminToken).post('/api/v1/devices/bridges', {
      bridgeId: 'so-bridge',
      machineIds: ['so-bambu-p1s'],
      label: 'Pi',
    });
    bridge = new FakeBridge({
      url: t.mqttUrl,
      prefix: t.config.mqtt.topicPrefix,
      bridgeId: 'so-bridge',
      machineIds: ['so-bambu-p1s'],
      password: issued.body.mqttPassword,
    });
    await bridge.connect();
    await bridge.send(bridge.encoder.state('so-bambu-p1s', { state: 'idle', interventions: [] }));
    // The broker has the state; the tests start once the service has taken it in too.
    await eventually(async () => {
      const live = await api(t, adminToken).get('/api/v1/machines/so-bambu-p1s/live');
      return live.body.state === 'idle' ? true : undefined;
    });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await bridge?.clearRetained();
    await bridge?.close();
    await t?.close();
  });

  it('sends a kiosk a full snapshot of its site on connect', async () => {
    const kiosk = connect(kioskToken);
    const snapshot = await kiosk.waitFor((_, event) => event === 'snapshot');
    expect(snapshot).toMatchObject({ siteId: 'saint-ouen', timeZone: 'Europe/Paris' });
    expect(snapshot.seq).toBeGreaterThan(0);
    expect(snapshot.machines.map((m) => m.machineId).sort()).toEqual([
      'so-bambu-p1s',
      'so-brother-pp1',
      'so-prusa-mk4-1',
      'so-prusa-mk4-2',
      'so-ricoma-mt1501',
    ]);
    expect(snapshot.kinds).toEqual([
      expect.objectContaining({ kind: 'embroidery', total: 2, freeNow: 2 }),
      expect.objectContaining({ kind: 'fdm_printer', total: 3, freeNow: 3 }),
    ]);
  });

  it('pushes deltas after a reservation, a check-in, a machine state change and a no-show release', async () => {
    const kiosk = connect(kioskToken);
    const staff = connect(staffToken);
    const start = await kiosk.waitFor((_, event) => event === 'snapshot');
    await staff.waitFor((_, event) => event === 'snapshot');

    // A booking starting within 30 minutes makes the machine "reserved soon".
    const booked = await book(t, maker.token, {
      machineId: 'so-prusa-mk4-1',
      start: '2026-11-23T10:30:00+01:00',
      end: '2026-11-23T12:00:00+01:00',
      note: 'Pièce de vélo',
    });
    expect(booked.status).toBe(201);
    const reserved = await kiosk.waitFor(
      (f) =>
        f.seq > start.seq && f.machines.some((m) => m.machineId === 'so-prusa-mk4-1' && m.status === 'reserved_soon'),
    );
    const staffView = await staff.waitFor((f) =>
      f.machines.some((m) => m.machineId === 'so-prusa-mk4-1' && m.status === 'reserved_soon'),
    );
    expect(staffView.machines.find((m) => m.machineId === 'so-prusa-mk4-1')).toMatchObject({
      next: { makerName: 'Amina Diallo', makerId: maker.id },
    });

    // Check-in: in use from now on.
    t.clock.set(Date.parse('2026-11-23T10:25:00+01:00'));
    expect((await api(t, maker.token).post(`/api/v1/reservations/${booked.body.id}/check-in`)).status).toBe(200);
    t.clock.set(Date.parse('2026-11-23T10:31:00+01:00'));
    // What the minute tick does at 10:31 on a real clock: the booking has started.
    t.app.get(LiveService).touch('saint-ouen');
    const inUse = await kiosk.waitFor(
      (f) => f.seq > reserved.seq && f.machines.some((m) => m.machineId === 'so-prusa-mk4-1' && m.status === 'in_use'),
    );
    expect(inUse.machines.find((m) => m.machineId === 'so-prusa-mk4-1')).toMatchObject({
      busyUntil: expect.any(String),
    });

    // A machine reports a bed to clear: staff and kiosk see that it needs attention.
    await bridge.send(bridge.encoder.state('so-bambu-p1s', { state: 'awaiting_clear', interventions: [] }));
    const attention = await kiosk.waitFor((f) =>
      f.machines.some((m) => m.machineId === 'so-bambu-p1s' && m.status === 'needs_attention'),
    );
    expect(attention.machines.find((m) => m.machineId === 'so-bambu-p1s')).toMatchObject({
      attention: ['awaiting_clear'],
    });

    // No-show: a booking at 11:00 nobody checks in to is released at 11:15.
    const other = await book(t, maker.token, {
      machineId: 'so-prusa-mk4-2',
      start: '2026-11-23T11:00:00+01:00',
      end: '2026-11-23T12:00:00+01:00',
    });
    await kiosk.waitFor((f) =>
      f.machines.some((m) => m.machineId === 'so-prusa-mk4-2' && m.status === 'reserved_soon'),
    );
    t.clock.set(Date.parse('2026-11-23T11:15:00+01:00'));
    expect(await t.app.get(NoShowService).sweep()).toBe(1);
    await kiosk.waitFor((f) => f.machines.some((m) => m.machineId === 'so-prusa-mk4-2' && m.status === 'free'));
    expect((await api(t, maker.token).get(`/api/v1/reservations/${other.body.id}`)).body.status).toBe('no_show');

    // Sequence numbers only grow, one per change.
    const seqs = kiosk.frames.map((f) => f.frame.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('answers a client that noticed a gap with a fresh snapshot', async () => {
    const kiosk = connect(kioskToken);
    const first = await kiosk.waitFor((_, event) => event === 'snapshot');
    kiosk.socket.emit('snapshot');
    await kiosk.waitFor((f, event) => event === 'snapshot' && f !== first && f.seq >= first.seq);
    expect(kiosk.frames.filter((f) => f.event === 'snapshot')).toHaveLength(2);
  });

  it('refuses a kiosk token on another site, and a bad token', async () => {
    const wrongSite = connect(kioskToken, 'dakar');
    expect((await wrongSite.waitForError()).code).toBe('NOT_FOUND');
    const forged = connect('kiosk_00000000-0000-0000-0000-000000000000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    expect((await forged.waitForError()).code).toBe('UNAUTHENTICATED');
    expect(wrongSite.frames).toHaveLength(0);
  });

  it('lets a kiosk send no command: anything but a snapshot request is refused and changes nothing', async () => {
    const kiosk = connect(kioskToken);
    await kiosk.waitFor((_, event) => event === 'snapshot');
    kiosk.socket.emit('clear', { machineId: 'so-bambu-p1s' });
    kiosk.socket.emit('cancel', { reservationId: 'x' });
    expect((await kiosk.waitForError()).code).toBe('READ_ONLY');
    const live = await api(t, adminToken).get('/api/v1/machines/so-bambu-p1s/live');
    expect(live.body.state).toBe('awaiting_clear');
  });

  it('drops a screen whose kiosk was revoked, and a staff member who was deactivated', async () => {
    const spare = await api(t, adminToken).post('/api/v1/devices/kiosks', { siteId: 'saint-ouen', label: 'Spare' });
    const staff = await createAccount(t, adminToken, { role: 'staff', siteIds: ['saint-ouen'] });
    const kiosk = connect(spare.body.token);
    const board = connect(staff.token);
    await kiosk.waitFor((_, event) => event === 'snapshot');
    await board.waitFor((_, event) => event === 'snapshot');
    await api(t, adminToken).post(`/api/v1/devices/${spare.body.id}/revoke`);
    await api(t, adminToken).post(`/api/v1/users/${staff.id}/deactivate`);
    await t.app.get(LiveGateway).recheckViewers();
    expect((await kiosk.waitForError()).code).toBe('UNAUTHENTICATED');
    expect((await board.waitForError()).code).toBe('UNAUTHENTICATED');
    await eventually(() => (!kiosk.socket.connected && !board.socket.connected ? true : undefined));
  });

  it('never puts personal data in a kiosk frame', async () => {
    const kioskFrames = clients
      .flatMap((client) => client.frames.map((f) => f.frame))
      .filter((frame) => frame.machines.every((m) => !('current' in m)));
    expect(kioskFrames.length).toBeGreaterThan(3);
    const serialized = JSON.stringify(kioskFrames);
    for (const secret of [maker.id, 'Amina Diallo', maker.login, 'Pièce de vélo'])
      expect(serialized).not.toContain(secret);
    for (const frame of kioskFrames) {
      for (const machine of frame.machines) expect(Object.keys(machine).sort()).toEqual(KIOSK_MACHINE_KEYS);
    }
  });
});
