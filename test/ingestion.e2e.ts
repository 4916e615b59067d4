import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { DataSource } from 'typeorm';
import {
  contractExamples,
  createBridgeEncoder,
  type BridgeMachineState,
  type MachineStateSnapshot,
} from '@fabrique/firmware-bridge';
import { IngestionService } from '../src/bridge/ingestion.service.js';
import { MachineLiveEvents, type MachineLiveEvent } from '../src/machines/machine-live-events.js';
import { MachineEventRow, MachineLiveRow } from '../src/machines/machine-live.entity.js';
import { eventually, FakeBridge } from './support/fake-bridge.js';
import { api, createAccount, login, loginAdmin } from './support/http.js';
import { PATIENCE_MS } from './support/patience.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PRUSA_1 = 'so-prusa-mk4-1';
const PRUSA_2 = 'so-prusa-mk4-2';
const PP1 = 'so-brother-pp1';
const BAMBU = 'so-bambu-p1s';
const KEEPALIVE_S = 2;

const snapshot = (state: BridgeMachineState, o: Partial<MachineStateSnapshot> = {}): MachineStateSnapshot => ({
  state,
  interventions: [],
  ...o,
});

const running = snapshot('running', {
  job: {
    jobId: 'job-1',
    name: 'porte-cles-amina.3mf',
    progressPct: 12,
    elapsedS: 300,
    remainingS: 2_100,
    layer: { current: 9, total: 80 },
  },
});

describe('ingestion: bridges over MQTT become live state, events and alerts', () => {
  let t: TestApp;
  let ingestion: IngestionService;
  let db: DataSource;
  let adminToken: string;
  let staff: string;
  let staffDakar: string;
  let maker: string;
  let kiosk: string;
  const accounts: Record<'staff' | 'staffDakar' | 'maker', { login: string; password: string }> = {} as never;
  const bridges: Record<string, FakeBridge> = {};
  const events: MachineLiveEvent[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    ingestion = t.app.get(IngestionService);
    db = t.app.get(DataSource);
    t.app.get(MachineLiveEvents).events$.subscribe((event) => events.push(event));
    adminToken = await loginAdmin(t);
    accounts.staff = await createAccount(t, adminToken, { role: 'staff', siteIds: ['saint-ouen'] });
    accounts.staffDakar = await createAccount(t, adminToken, { role: 'staff', siteIds: ['dakar'] });
    accounts.maker = await createAccount(t, adminToken, { role: 'maker' });
    await signInAgain();
    kiosk = (await api(t, adminToken).post('/api/v1/devices/kiosks', { siteId: 'saint-ouen', label: 'Lobby' })).body
      .token;
    for (const [bridgeId, machineIds] of [
      ['bridge-a', [PRUSA_1, PRUSA_2]],
      ['bridge-b', [PP1]],
      ['bridge-c', [BAMBU]],
    ] as const) {
      const issued = await api(t, adminToken).post('/api/v1/devices/bridges', {
        bridgeId,
        machineIds,
        label: bridgeId,
      });
      expect(issued.status).toBe(201);
      bridges[bridgeId] = new FakeBridge({
        url: t.mqttUrl,
        prefix: t.config.mqtt.topicPrefix,
        bridgeId,
        machineIds: [...machineIds],
        password: issued.body.mqttPassword,
        keepalive: KEEPALIVE_S,
      });
      await bridges[bridgeId].connect();
    }
  });

  afterAll(async () => {
    // Leave no retained messages behind on a shared broker.
    for (const bridge of Object.values(bridges)) {
      await bridge?.clearRetained();
      await bridge?.close();
    }
    await t?.close();
  });

  /** Access tokens live 15 minutes on the test clock: moving it past that needs fresh ones. */
  async function signInAgain(): Promise<void> {
    adminToken = await loginAdmin(t);
    staff = await login(t, accounts.staff.login, accounts.staff.password);
    staffDakar = await login(t, accounts.staffDakar.login, accounts.staffDakar.password);
    maker = await login(t, accounts.maker.login, accounts.maker.password);
  }

  /** Publishes through the bridge and waits until ingestion has judged that many more messages. */
  async function publish(bridge: FakeBridge, ...messages: Parameters<FakeBridge['send']>[0][]): Promise<void> {
    const target = ingestion.stats().received + messages.length;
    for (const message of messages) await bridge.send(message);
    await eventually(() => (ingestion.stats().received >= target ? true : undefined));
    await ingestion.settled();
  }

  const live = async (machineId: string, token = staff) => {
    const response = await api(t, token).get(`/api/v1/machines/${machineId}/live`);
    expect(response.status).toBe(200);
    return response.body;
  };
  const alerts = async (token = staff) => (await api(t, token).get('/api/v1/sites/saint-ouen/alerts')).body;
  const since = (mark: number) => events.slice(mark);
  /** Resolves when the machine's state becomes `state`, timed by the events, not by polling HTTP. */
  const becomes = (machineId: string, state: string) =>
    firstValueFrom(
      t.app.get(MachineLiveEvents).events$.pipe(
        filter((e) => e.type === 'machine.state_changed' && e.machineId === machineId && e.state === state),
        timeout(PATIENCE_MS),
      ),
    );

  it('shows what a bridge publishes to people, the job’s name to the site’s staff only', async () => {
    const a = bridges['bridge-a'];
    await publish(a, a.encoder.availability(PRUSA_1, { state: 'online' }), a.encoder.state(PRUSA_1, running));

    const body = await live(PRUSA_1, maker);
    expect(body).toMatchObject({
      machineId: PRUSA_1,
      siteId: 'saint-ouen',
      state: 'running',
      link: 'online',
      bridge: { id: 'bridge-a', online: true },
      snapshot: { job: { progressPct: 12 } },
    });
    expect((await live(PRUSA_1)).snapshot.job.name).toBe('porte-cles-amina.3mf');
    for (const someoneElse of [maker, kiosk, staffDakar]) {
      const view = await live(PRUSA_1, someoneElse);
      expect(view.state).toBe('running');
      expect(view.snapshot.job).not.toHaveProperty('name');
    }
    expect((await api(t, kiosk).get('/api/v1/machines/dk-ender-3/live')).status).toBe(404);
    expect((await api(t, maker).get('/api/v1/machines/nope/live')).status).toBe(404);

    const row = await db.getRepository(MachineLiveRow).findOneByOrFail({ machineId: PRUSA_1 });
    expect(row).toMatchObject({ bridgeId: 'bridge-a', state: 'running' });
  });

  it('keeps telemetry in memory only, as the last sample', async () => {
    const a = bridges['bridge-a'];
    await publish(
      a,
      a.encoder.telemetry(PRUSA_1, { progressPct: 13 }),
      a.encoder.telemetry(PRUSA_1, { progressPct: 14 }),
    );
    expect((await live(PRUSA_1)).telemetry).toMatchObject({ progressPct: 14 });
  });

  it('rewrites nothing and announces nothing for a heartbeat that repeats the state', async () => {
    const a = bridges['bridge-a'];
    const stored = await db.getRepository(MachineLiveRow).findOneByOrFail({ machineId: PRUSA_1 });
    const mark = events.length;
    t.clock.advance(30_000);
    await publish(a, a.encoder.state(PRUSA_1, running));
    expect(since(mark).filter((e) => e.type === 'machine.state_changed')).toEqual([]);
    const after = await db.getRepository(MachineLiveRow).findOneByOrFail({ machineId: PRUSA_1 });
    expect(after.receivedAt).toBe(stored.receivedAt);
  });

  it('stores and announces an edge event once, even when it is delivered twice', async () => {
    const a = bridges['bridge-a'];
    const started = a.encoder.event(PRUSA_1, 'job.started', {
      jobId: 'job-1',
      startedAt: new Date(t.clock.now()).toISOString(),
    });
    const before = ingestion.stats().outcomes.DUPLICATE;
    const mark = events.length;
    await publish(a, started, started);
    expect(ingestion.stats().outcomes.DUPLICATE).toBe(before + 1);
    expect(since(mark).filter((e) => e.type === 'machine.event')).toHaveLength(1);
    expect(await db.getRepository(MachineEventRow).countBy({ msgId: started.message.msgId })).toBe(1);
  });

  it('drops a message from an older session of the bridge', async () => {
    const stale = createBridgeEncoder({
      prefix: t.config.mqtt.topicPrefix,
      bridgeId: 'bridge-a',
      session: 0,
      version: 'old',
    });
    const before = ingestion.stats().outcomes.STALE_SESSION;
    await publish(bridges['bridge-a'], stale.state(PRUSA_1, snapshot('error')));
    expect(ingestion.stats().outcomes.STALE_SESSION).toBe(before + 1);
    expect((await live(PRUSA_1)).state).toBe('running');
  });

  it('asks the bridge to resync when a state message went missing', async () => {
    const a = bridges['bridge-a'];
    await publish(a, a.encoder.state(PRUSA_2, snapshot('idle')));
    a.encoder.state(PRUSA_2, snapshot('busy')); // built, never published: a gap in seq
    await publish(a, a.encoder.state(PRUSA_2, snapshot('idle')));
    const resync = await a.nextCommand((c) => c.command === 'resync');
    expect(resync).toMatchObject({ command: 'resync', params: { reason: 'seq_gap' } });
    expect(ingestion.stats().resyncsSent).toBeGreaterThanOrEqual(1);
  });

  it('refuses a bridge speaking for a machine its credentials do not cover', async () => {
    // bridge-b's connection may publish on its own machine's topic, but the envelope claims
    // bridge-a, whose credentials do not include that machine.
    const impostor = createBridgeEncoder({
      prefix: t.config.mqtt.topicPrefix,
      bridgeId: 'bridge-a',
      session: 99,
      version: 'x',
    });
    const before = ingestion.stats().outcomes.NOT_ITS_MACHINE;
    await publish(bridges['bridge-b'], impostor.state(PP1, snapshot('error')));
    expect(ingestion.stats().outcomes.NOT_ITS_MACHINE).toBe(before + 1);
    expect((await live(PP1)).state).not.toBe('error');
    // The impostor's session number was not adopted for bridge-a.
    await publish(bridges['bridge-a'], bridges['bridge-a'].encoder.state(PRUSA_1, running));
    expect((await live(PRUSA_1)).bridge).toEqual({ id: 'bridge-a', online: true });
  });

  it('raises and clears alerts as the state changes, for the site’s staff only', async () => {
    const b = bridges['bridge-b'];
    const threadBreak = contractExamples.buildIntervention({
      id: 'thread-1',
      kind: 'thread_or_feed_fault',
      severity: 'warning',
      blocking: true,
      message: 'Thread broke on needle 1',
    });
    const mark = events.length;
    await publish(
      b,
      b.encoder.state(PP1, snapshot('paused', { pauseReason: 'intervention', interventions: [threadBreak] })),
    );
    expect(await alerts()).toEqual([
      expect.objectContaining({ machineId: PP1, kind: 'intervention_waiting', message: 'Thread broke on needle 1' }),
    ]);
    await publish(b, b.encoder.state(PP1, snapshot('error')));
    expect((await alerts()).map((a: { kind: string }) => a.kind)).toEqual(['machine_error']);
    await publish(b, b.encoder.state(PP1, snapshot('idle')));
    expect(await alerts()).toEqual([]);
    expect(
      since(mark)
        .filter((e) => e.type.startsWith('alert.'))
        .map((e) => e.type),
    ).toEqual(['alert.raised', 'alert.cleared', 'alert.raised', 'alert.cleared']);

    expect((await api(t, adminToken).get('/api/v1/sites/saint-ouen/alerts')).status).toBe(200);
    expect((await api(t, staffDakar).get('/api/v1/sites/saint-ouen/alerts')).status).toBe(404);
    expect((await api(t, maker).get('/api/v1/sites/saint-ouen/alerts')).status).toBe(403);
    expect((await api(t, kiosk).get('/api/v1/sites/saint-ouen/alerts')).status).toBe(403);
    expect((await api(t, adminToken).get('/api/v1/sites/nowhere/alerts')).status).toBe(404);
  });

  it('alerts when the build area waits too long, and sends clear_confirm when staff confirm it', async () => {
    const a = bridges['bridge-a'];
    const endedAt = new Date(t.clock.now()).toISOString();
    await publish(
      a,
      a.encoder.state(
        PRUSA_1,
        snapshot('awaiting_clear', { lastJobOutcome: { jobId: 'job-1', outcome: 'completed', endedAt } }),
      ),
    );
    expect(await alerts()).toEqual([]);
    t.clock.advance(16 * 60_000);
    await signInAgain();
    expect(await alerts()).toEqual([expect.objectContaining({ machineId: PRUSA_1, kind: 'awaiting_clear_too_long' })]);

    expect((await api(t, maker).post(`/api/v1/machines/${PRUSA_1}/clear`)).status).toBe(403);
    expect((await api(t, staffDakar).post(`/api/v1/machines/${PRUSA_1}/clear`)).status).toBe(404);
    const sent = await api(t, staff).post(`/api/v1/machines/${PRUSA_1}/clear`);
    expect(sent.status).toBe(202);
    const command = await a.nextCommand((c) => c.command === 'clear_confirm');
    expect(command).toMatchObject({
      commandId: sent.body.commandId,
      expectState: ['awaiting_clear'],
      issuedAt: new Date(t.clock.now()).toISOString(),
    });
    expect(Date.parse(command.expiresAt)).toBeGreaterThan(Date.parse(command.issuedAt));

    await publish(
      a,
      a.encoder.event(PRUSA_1, 'build_area.cleared', {
        jobId: 'job-1',
        source: 'command',
        commandId: command.commandId,
      }),
      a.encoder.state(PRUSA_1, snapshot('idle')),
    );
    expect(await alerts()).toEqual([]);
    const again = await api(t, staff).post(`/api/v1/machines/${PRUSA_1}/clear`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('NOT_AWAITING_CLEAR');
  });

  it('shows maintenance over whatever the bridge reports', async () => {
    const a = bridges['bridge-a'];
    const set = (status: string) =>
      api(t, staff).post(`/api/v1/machines/${PRUSA_2}/status`, { status, reason: 'Nozzle swap' });
    expect((await set('maintenance')).status).toBe(201);
    expect((await live(PRUSA_2)).state).toBe('maintenance');
    await publish(a, a.encoder.state(PRUSA_2, snapshot('awaiting_clear')));
    expect((await live(PRUSA_2)).state).toBe('maintenance');
    expect((await api(t, staff).post(`/api/v1/machines/${PRUSA_2}/clear`)).body.code).toBe('NOT_AWAITING_CLEAR');
    expect((await set('active')).status).toBe(201);
    expect((await live(PRUSA_2)).state).toBe('awaiting_clear');
  });

  it('turns a bridge’s machines offline through its last will, and back when it reconnects', async () => {
    const c = bridges['bridge-c'];
    await publish(c, c.encoder.state(BAMBU, snapshot('idle')));
    expect((await live(BAMBU)).state).toBe('idle');

    // The broker's keepalive decides when (1.5 × keepalive by MQTT); the wait only bounds a hang.
    const offline = becomes(BAMBU, 'offline');
    c.kill();
    await offline;
    expect(await live(BAMBU)).toMatchObject({ link: 'offline', bridge: { id: 'bridge-c', online: false } });
    expect(await alerts()).toEqual([expect.objectContaining({ machineId: BAMBU, kind: 'machine_offline' })]);
    const clear = await api(t, staff).post(`/api/v1/machines/${BAMBU}/clear`);
    expect([clear.status, clear.body.code]).toEqual([409, 'NO_SERVING_BRIDGE']);

    await c.reconnect();
    await eventually(async () => ((await live(BAMBU)).state === 'idle' ? true : undefined));
    await publish(c, c.encoder.state(BAMBU, snapshot('idle')));
    expect(await live(BAMBU)).toMatchObject({ state: 'idle', bridge: { id: 'bridge-c', online: true } });
    expect(await alerts()).toEqual([]);
  });

  // MQTT says a broker drops a silent client after 1.5 × keepalive (Mosquitto 2.0.11 was measured
  // at up to 3 ×). How soon is a timing, not a behaviour: a loaded CI machine stretches it, so the
  // test holds the broker to "not before the keepalive" and leaves "how fast" to the benchmarks.
  it('turns the machines offline when a bridge goes silent with its connection open, by keepalive', async () => {
    const c = bridges['bridge-c'];
    expect((await live(BAMBU)).state).toBe('idle');
    const offline = becomes(BAMBU, 'offline');
    const started = Date.now();
    c.silence();
    await offline;
    expect(Date.now() - started).toBeGreaterThanOrEqual(KEEPALIVE_S * 1_000);
  });

  it('forgets a machine’s live state when its retained state is cleared', async () => {
    const b = bridges['bridge-b'];
    await publish(b, b.encoder.clear(PP1, 'state'));
    expect(await live(PP1)).toMatchObject({ state: 'unknown', snapshot: null, bridge: null });
    expect(await db.getRepository(MachineLiveRow).findOneBy({ machineId: PP1 })).toBeNull();
  });

  it('accounts for every message it received, for admins only', async () => {
    const response = await api(t, adminToken).get('/api/v1/bridge/stats');
    expect(response.status).toBe(200);
    const { received, outcomes, parked } = response.body as {
      received: number;
      outcomes: Record<string, number>;
      parked: number;
    };
    expect(Object.values(outcomes).reduce((sum, n) => sum + n, 0) + parked).toBe(received);
    expect(outcomes.ACCEPTED).toBeGreaterThan(10);
    expect((await api(t, staff).get('/api/v1/bridge/stats')).status).toBe(403);
  });
});
