import type { MachineStateSnapshot } from '@fabrique/firmware-bridge';
import { prusaSlicerGcode } from '../../../src/jobs/metadata/testing/gcode.fixtures.js';
import { book, trainedMaker, type Maker } from '../../support/booking.js';
import { FakeBridge } from '../../support/fake-bridge.js';
import { api, createAccount, loginAdmin } from '../../support/http.js';
import type { TestApp } from '../../support/test-app.js';

export const PRINTER = 'so-bambu-p1s';
export const RUNNING = 'so-prusa-mk4-1';
export const BOOKED = 'so-prusa-mk4-2';
export const EMBROIDERY = 'so-ricoma-mt1501';
export const IN_MAINTENANCE = 'so-brother-pp1';
export const MAKER_NAME = 'Amina Diallo';
/** What staff tell the public about the embroidery machine out of service (back Wednesday 14:00). */
export const MAINTENANCE_NOTICE = 'Plaque à aiguille changée, en essai';

export interface Demo {
  adminToken: string;
  kioskToken: string;
  staff: { login: string; password: string; token: string };
  maker: Maker;
  bridge: FakeBridge;
}

export const idle = (): MachineStateSnapshot => ({ state: 'idle', interventions: [] });

export const running = (progressPct: number): MachineStateSnapshot => ({
  state: 'running',
  job: { jobId: null, name: 'support-velo.3mf', progressPct, elapsedS: 1830, remainingS: 2570 },
  interventions: [],
});

/** A job finished on the plate: someone must take it out before the next one. */
export const awaitingClear = (): MachineStateSnapshot => ({
  state: 'awaiting_clear',
  interventions: [],
  lastJobOutcome: { jobId: null, outcome: 'completed', endedAt: '2026-11-23T08:55:00Z' },
});

/** An embroidery machine stopped on a thread break: the board offers resume and cancel. */
export const threadBreak = (): MachineStateSnapshot => ({
  state: 'paused',
  pauseReason: 'intervention',
  job: { jobId: null, progressPct: 63, elapsedS: 900, remainingS: null },
  interventions: [
    {
      id: 'thread-1',
      kind: 'thread_or_feed_fault',
      severity: 'warning',
      blocking: true,
      resumable: true,
      message: 'Upper thread broken on needle 4',
      since: '2026-11-23T08:58:00Z',
      actions: ['resume', 'cancel', 'attend_at_machine'],
    },
  ],
});

/**
 * The demo site as the pages will show it: a printer running at 41 %, one booked from 10:30 by a
 * named maker, the Bambu idle (tests turn it into "awaiting clear"), one embroidery machine
 * stopped on a thread break and the other in maintenance, with a public reason and a return date.
 */
export async function setUpDemo(t: TestApp): Promise<Demo> {
  const adminToken = await loginAdmin(t);
  const kioskToken = (await api(t, adminToken).post('/api/v1/devices/kiosks', { siteId: 'saint-ouen', label: 'Lobby' }))
    .body.token as string;
  const staff = await createAccount(t, adminToken, { role: 'staff', siteIds: ['saint-ouen'] });
  await api(t, adminToken).patch(`/api/v1/users/${staff.id}`, { displayName: 'Karim Benali' });
  const maker = await trainedMaker(t, adminToken);
  await api(t, adminToken).patch(`/api/v1/users/${maker.id}`, { displayName: MAKER_NAME });
  const booked = await book(t, maker.token, {
    machineId: BOOKED,
    start: '2026-11-23T10:30:00+01:00',
    end: '2026-11-23T12:00:00+01:00',
  });
  if (booked.status !== 201) throw new Error(`booking failed: ${JSON.stringify(booked.body)}`);
  const maintenance = await api(t, adminToken).post(`/api/v1/machines/${IN_MAINTENANCE}/status`, {
    status: 'maintenance',
    reason: 'Needle plate replaced',
    publicReason: MAINTENANCE_NOTICE,
    expectedBackAt: '2026-11-25T14:00:00+01:00',
  });
  if (maintenance.status >= 300) throw new Error(`maintenance failed: ${JSON.stringify(maintenance.body)}`);
  const machineIds = [PRINTER, RUNNING, EMBROIDERY];
  const issued = await api(t, adminToken).post('/api/v1/devices/bridges', {
    bridgeId: 'so-bridge',
    machineIds,
    label: 'Pi near the printers',
  });
  const bridge = new FakeBridge({
    url: t.mqttUrl,
    prefix: t.config.mqtt.topicPrefix,
    bridgeId: 'so-bridge',
    machineIds,
    password: issued.body.mqttPassword,
  });
  await bridge.connect();
  await bridge.send(bridge.encoder.state(PRINTER, idle()));
  await bridge.send(bridge.encoder.state(RUNNING, running(41)));
  await bridge.send(bridge.encoder.state(EMBROIDERY, threadBreak()));
  return { adminToken, kioskToken, staff, maker, bridge };
}

/**
 * The maker's print sent to the Bambu and running there, as the machine (the fake bridge)
 * reports it: the start accepted, `job.started`, then a running state naming the job.
 */
export async function runJobFor(t: TestApp, demo: Demo, name: string): Promise<string> {
  await demo.bridge.send(demo.bridge.encoder.state(PRINTER, idle()));
  const draft = await api(t, demo.maker.token)
    .multipart('/api/v1/jobs')
    .field('siteId', 'saint-ouen')
    .attach('file', Buffer.from(prusaSlicerGcode()), name);
  if (draft.status !== 201) throw new Error(`upload failed: ${JSON.stringify(draft.body)}`);
  const id = draft.body.id as string;
  const queued = await api(t, demo.maker.token).post(`/api/v1/jobs/${id}/queue`, { machineId: PRINTER });
  if (queued.status !== 200) throw new Error(`queue failed: ${JSON.stringify(queued.body)}`);
  const start = await demo.bridge.nextCommand((c) => c.command === 'start_job' && c.jobId === id, 10_000);
  const { bridge } = demo;
  await bridge.send(
    bridge.encoder.commandResult(PRINTER, { commandId: start.commandId, status: 'accepted', stage: 'accepted' }),
  );
  const startedAt = new Date(t.clock.now()).toISOString();
  await bridge.send(bridge.encoder.event(PRINTER, 'job.started', { jobId: id, name, startedAt, estimatedS: 3723 }));
  await bridge.send(
    bridge.encoder.state(PRINTER, {
      state: 'running',
      job: { jobId: id, name, progressPct: 12, elapsedS: 450, remainingS: 3270 },
      interventions: [],
    }),
  );
  return id;
}
