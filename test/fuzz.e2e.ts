import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IngestionService, type IngestionStats } from '../src/bridge/ingestion.service.js';
import { emptyCounts, INGESTION_OUTCOMES, type IngestionOutcome } from '../src/bridge/ingestion-stats.js';
import { MqttService } from '../src/bridge/mqtt.service.js';
import { eventually, FakeBridge } from './support/fake-bridge.js';
import { fuzzCases, seeded, type FuzzCase, type FuzzWorld } from './support/fuzz-cases.js';
import { api, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const IN_PROCESS = 100_000;
const OVER_TCP = 3_000;
const BATCH = 5_000;
const SEED = 20261123;

/** A real collection when the runtime allows it (`--expose-gc`, or V8's flag set at runtime). */
function collector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose_gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

const delta = (after: IngestionStats, before: IngestionStats) =>
  Object.fromEntries(INGESTION_OUTCOMES.map((o) => [o, after.outcomes[o] - before.outcomes[o]])) as Record<
    IngestionOutcome,
    number
  >;

/** What the crafted cases must come to, and how many random ones may land anywhere. */
class Tally {
  readonly expected = emptyCounts();
  open = 0;

  add(c: FuzzCase): void {
    if (c.expect) this.expected[c.expect] += 1;
    else this.open += 1;
  }

  /** Every crafted case lands exactly where it should; random bytes may land on any code. */
  check(counted: Record<IngestionOutcome, number>): void {
    for (const outcome of INGESTION_OUTCOMES) {
      expect([outcome, counted[outcome] >= this.expected[outcome]]).toEqual([outcome, true]);
      expect([outcome, counted[outcome] <= this.expected[outcome] + this.open]).toEqual([outcome, true]);
    }
  }
}

describe('fuzz: whatever arrives on the broker, ingestion counts it and stays up and small', () => {
  let t: TestApp;
  let ingestion: IngestionService;
  let bridge: FakeBridge;
  let world: FuzzWorld;

  beforeAll(async () => {
    t = await startTestApp();
    ingestion = t.app.get(IngestionService);
    const adminToken = await loginAdmin(t);
    const issue = (bridgeId: string, machineIds: string[]) =>
      api(t, adminToken).post('/api/v1/devices/bridges', { bridgeId, machineIds, label: bridgeId });
    const issued = await issue('fuzz-a', ['so-prusa-mk4-1', 'so-prusa-mk4-2']);
    await issue('fuzz-b', ['so-brother-pp1']);
    world = {
      prefix: t.config.mqtt.topicPrefix,
      bridgeId: 'fuzz-a',
      session: 5,
      machines: ['so-prusa-mk4-1', 'so-prusa-mk4-2'],
      otherMachine: 'so-brother-pp1',
      otherBridge: 'fuzz-b',
    };
    bridge = new FakeBridge({
      url: t.mqttUrl,
      prefix: world.prefix,
      bridgeId: world.bridgeId,
      machineIds: world.machines,
      password: issued.body.mqttPassword,
      session: world.session,
    });
    await bridge.connect();
    await eventually(() => (ingestion.stats().outcomes.ACCEPTED >= 1 ? true : undefined));
    await ingestion.settled();
  });

  afterAll(async () => {
    await bridge?.clearRetained();
    await bridge?.close();
    await t?.close();
  });

  it(`judges ${IN_PROCESS.toLocaleString('en')} malformed messages on the MQTT client's path without growing`, async () => {
    const next = fuzzCases(world, seeded(SEED), 1_000);
    const mqtt = t.app.get(MqttService);
    const gc = collector();
    // Count everything that reaches ingestion in this window: a straggler of the bridge's birth
    // (or the service's own retained status) may land here too, and must be accounted for as well.
    let seen = 0;
    const watch = mqtt.messages$.subscribe(() => (seen += 1));
    const before = ingestion.stats();
    const tally = new Tally();
    let heapBefore = 0;
    for (let sent = 0; sent < IN_PROCESS; sent += BATCH) {
      for (let i = sent; i < sent + BATCH; i++) {
        const c = next(i);
        tally.add(c);
        mqtt.messages$.next({ topic: c.topic, payload: c.payload });
      }
      // Let parked lookups and writes run, as they would between network reads.
      await new Promise((resolve) => setImmediate(resolve));
      if (sent === 0) {
        // Measure after the first batch: the compiled schemas and code paths are warm by then.
        await ingestion.settled();
        gc?.();
        heapBefore = process.memoryUsage().heapUsed;
      }
    }
    await ingestion.settled();
    const after = ingestion.stats();
    watch.unsubscribe();

    const stragglers = seen - IN_PROCESS;
    expect(stragglers).toBeGreaterThanOrEqual(0);
    expect(stragglers).toBeLessThanOrEqual(5);
    expect(after.received - before.received).toBe(seen);
    expect(after.parked).toBe(0);
    const counted = delta(after, before);
    expect(Object.values(counted).reduce((sum, n) => sum + n, 0)).toBe(seen);
    tally.open += stragglers;
    tally.check(counted);
    expect(counted.INTERNAL).toBe(0);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();

    // Memory follows the fleet, not the traffic: nothing is kept per unknown id.
    expect(after.tracked).toMatchObject({ bridges: 2, liveMachines: 2 });
    expect(after.tracked.sessions).toBeLessThanOrEqual(2);
    expect(after.tracked.seqTopics).toBeLessThanOrEqual(4);
    expect(after.tracked.logKeys).toBeLessThanOrEqual(3);
    if (gc) {
      gc();
      const growth = process.memoryUsage().heapUsed - heapBefore;
      expect(growth).toBeLessThan(32 * 1024 * 1024);
    }
    const health = await api(t).get('/health');
    expect(health.status).toBe(200);
  });

  it(`judges ${OVER_TCP.toLocaleString('en')} malformed messages published over TCP by a bridge`, async () => {
    const next = fuzzCases(world, seeded(SEED + 1), 2_000);
    let seen = 0;
    const watch = t.app.get(MqttService).messages$.subscribe(() => (seen += 1));
    const before = ingestion.stats();
    const cases: FuzzCase[] = [];
    // Only what any broker forwards: the bridge's own topics, under the payload cap.
    const allowed = new RegExp(
      `^${world.prefix}/(bridges/${world.bridgeId}/status|machines/(${world.machines.join('|')})/(state|events|telemetry|meta|availability|cmd/res))$`,
    );
    for (let i = 0; cases.length < OVER_TCP; i++) {
      const c = next(i);
      if (allowed.test(c.topic) && c.payload.byteLength > 0 && c.payload.byteLength <= 64 * 1024) cases.push(c);
    }
    for (let i = 0; i < cases.length; i += 500) {
      await Promise.all(cases.slice(i, i + 500).map((c) => bridge.raw(c.topic, c.payload)));
    }
    await eventually(() => (ingestion.stats().received - before.received >= OVER_TCP ? true : undefined));
    await ingestion.settled();
    const after = ingestion.stats();
    watch.unsubscribe();

    expect(seen).toBeGreaterThanOrEqual(OVER_TCP);
    expect(after.received - before.received).toBe(seen);
    const counted = delta(after, before);
    expect(Object.values(counted).reduce((sum, n) => sum + n, 0)).toBe(seen);
    const tally = new Tally();
    for (const c of cases) tally.add(c);
    tally.open += seen - OVER_TCP;
    tally.check(counted);
    expect(counted.INTERNAL).toBe(0);
    // The bridge's connection survived its own garbage, and the service still serves.
    expect(bridge.client.connected).toBe(true);
    expect((await api(t).get('/health')).status).toBe(200);
  });
});
