// Ingestion throughput for 1,000 simulated machines, as a ratio of a raw mqtt.js subscriber on the
// same broker. `npm run build` first, then `node test/bench/ingestion.mjs` (or import `run`);
// with MQTT_URL set, also against that broker. About 35 s (60 s with MQTT_URL) on 2 cores.
//
// How the ratio is made meaningful. The embedded broker, the service's MQTT client and ingestion
// share ONE event loop (the service process). A raw subscriber added next to the service would
// share that loop too, so it could only ever go as fast as the service and the ratio would be ~1
// whatever ingestion costs. So the two are measured one after the other, on identical plumbing:
//
//   raw      bridges (worker thread) → TCP → EmbeddedBroker (this thread) → TCP → mqtt.js client
//            that counts messages (this thread), nothing else
//   service  bridges (worker thread) → TCP → EmbeddedBroker inside the service (this thread) →
//            TCP → the service's mqtt.js client → IngestionService (this thread)
//
// The raw broker is the service's own `EmbeddedBroker` class (dist/bridge/embedded-broker.js):
// same Aedes options and the same ACL hooks on every publish, authenticating the same bridge ids
// and passwords; the raw client logs in as the service user and subscribes to exactly
// `serviceSubscriptions(prefix)` with the service's QoS. The bridges (20 × 50 machines, credentials
// issued through the admin API for the service run) live in a worker thread, so publishing never
// takes time from the thread measured, and send the same sequence in both runs: full `state`
// snapshots (QoS 1, retained, as the contract says), each different from the machine's previous
// one, so ingestion does its real work (validation, session and seq checks, live state, the
// write-behind store, alerts, the site's occupancy). They are encoded and validated by the
// contract's encoder before the clock starts; only the send instant is patched in at publish.
//
// With MQTT_URL (e.g. mqtt://127.0.0.1:1883, a Mosquitto allowing anonymous clients) the same two
// runs are repeated against that broker, where the raw client simply subscribes. A Mosquitto
// with its default queue limits (max_queued_messages 1000, max_inflight_messages 20, the values of
// config/mosquitto/mosquitto.conf too) DROPS QoS 1 messages for a subscriber more than 1,000
// behind: such phases end "stalled" and the table shows received/sent.
//
// Phases: warm-up (one state per machine, not timed); a burst of MESSAGES states, each bridge
// keeping WINDOW publishes in flight (as fast as the broker acknowledges): msgs/s = messages
// processed / (last processed − first sent); then 1,000 states/s (every machine once a second)
// for PACED.seconds, the realistic rate. The service run adds the same burst once more with
// LiveService.recompute replaced by a no-op on the instance: what ingestion costs apart from the
// occupancy recompute it triggers. "Processed" = counted by the raw client, or ingestion emitting
// `machine.state_changed` for the message; "stored/s" = until the write-behind store flushed it.
// Latency = publish call (worker) → processed; the send instant rides in the message itself
// (job.progressPct = ms since an epoch, modulo 100 s, / 1000, µs precision), and both threads read
// the same clock (performance.timeOrigin + performance.now()).
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import os from 'node:os';
import { connectAsync } from 'mqtt';
import { bridgeSubscriptions, createBridgeEncoder, serviceSubscriptions } from '@fabrique/firmware-bridge';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN = { email: 'bench-admin@fabrique.test', password: 'bench admin password, long enough' };

export const FLEET_SITE_ID = 'fleet';
export const MACHINE_COUNT = 1_000;
/** POST /api/v1/devices/bridges takes at most 64 machines per bridge (src/auth/auth.dto.ts:43). */
export const MACHINES_PER_BRIDGE = 50;
const MESSAGES = 4_000;
const RAW_BURSTS = 3;
const WINDOW = 32;
const PACED = { ratePerS: 1_000, seconds: 2 };
/**
 * No new message for this long means the rest is not coming (a broker dropped them). The service
 * can go a second or two without processing anything while it recomputes occupancy.
 */
const STALL_MS = { raw: 1_000, service: 3_000 };
/** Monday 23 November 2026, 09:00 in Paris (08:00 UTC): the fleet site is open. */
export const NOW_MS = Date.UTC(2026, 10, 23, 8, 0);

const WORKER_ROLE = 'fabrique-bench-bridges';
/** The send instant travels in job.progressPct as (ms since epoch mod 100 s) / 1000, 6 decimals. */
const CYCLE_MS = 100_000;
const PLACEHOLDER = 42.424242;
const MARK = `"progressPct":${PLACEHOLDER}`;
const PCT_KEY = Buffer.from('"progressPct":');

/** Wall time in ms with sub-ms precision, comparable across worker threads and processes. */
export const wall = () => performance.timeOrigin + performance.now();

/** Milliseconds from the send instant encoded in `progressPct` to `receivedAt` (both against `epoch`). */
export function latencyFrom(epoch, progressPct, receivedAt) {
  const sent = Math.round(progressPct * 1000 * 1000) / 1000;
  const received = (receivedAt - epoch) % CYCLE_MS;
  return (((received - sent) % CYCLE_MS) + CYCLE_MS) % CYCLE_MS;
}

export const machineIds = () =>
  Array.from({ length: MACHINE_COUNT }, (_, i) => `fleet-fdm-${String(i + 1).padStart(4, '0')}`);

export function bridgePlan(prefixForPasswords = '') {
  const ids = machineIds();
  const bridges = [];
  for (let b = 0; b * MACHINES_PER_BRIDGE < ids.length; b++) {
    bridges.push({
      bridgeId: `fleet-bridge-${String(b + 1).padStart(2, '0')}`,
      machineIds: ids.slice(b * MACHINES_PER_BRIDGE, (b + 1) * MACHINES_PER_BRIDGE),
      password: prefixForPasswords ? `${prefixForPasswords}-${randomBytes(16).toString('hex')}` : undefined,
    });
  }
  return bridges;
}

/** A site with 1,000 printers, open every day 08:00–20:00 in Paris. */
export function fleetSite() {
  const open = [['08:00', '20:00']];
  return {
    id: FLEET_SITE_ID,
    name: 'Fleet lab',
    timeZone: 'Europe/Paris',
    locales: ['fr', 'en'],
    openingHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, open])),
    closures: [],
    machines: machineIds().map((id, i) => ({
      id,
      name: `Fleet printer ${String(i + 1).padStart(4, '0')}`,
      kind: 'fdm_printer',
      vendor: 'Prusa Research',
      model: 'MK4',
      capabilities: { buildVolumeMm: [250, 210, 220], nozzleMm: 0.4, materials: ['PLA', 'PETG'] },
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// The service, booted like test/support/test-app.ts does, from the BUILT code.

export async function startFleetApp({ mqttUrl } = {}) {
  const [{ createApp }, { loadConfig }, { ManualClock }, { MqttService }] = await Promise.all([
    import('../../dist/app.js'),
    import('../../dist/config/config.loader.js'),
    import('../../dist/common/clock.js'),
    import('../../dist/bridge/mqtt.service.js'),
  ]);
  const dataDir = mkdtempSync(join(os.tmpdir(), 'fabrique-bench-'));
  const prefix = `fabrique-bench/${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    env: {
      FABRIQUE_CONFIG: join(ROOT, 'config/default.yaml'),
      MQTT_URL: mqttUrl,
      FABRIQUE_ADMIN_EMAIL: ADMIN.email,
      FABRIQUE_ADMIN_PASSWORD: ADMIN.password,
    },
    overrides: (raw) => {
      raw.server.port = 0;
      raw.server.host = '127.0.0.1';
      raw.data.dir = dataDir;
      raw.mqtt.embedded = { host: '127.0.0.1', port: 0 };
      raw.mqtt.topicPrefix = prefix;
      raw.demo = { simulatedBridges: false };
      raw.sites.push(fleetSite());
    },
  });
  const clock = new ManualClock(NOW_MS);
  const bootStarted = performance.now();
  let app;
  try {
    app = await createApp(config, { clock, quiet: true });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app?.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const bootMs = performance.now() - bootStarted;
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  const brokerUrl = config.mqtt.url ?? `mqtt://127.0.0.1:${app.get(MqttService).embeddedPort}`;
  const login = await api(url, 'POST', '/api/v1/auth/login', {
    body: { login: ADMIN.email, password: ADMIN.password },
  });
  return {
    app,
    config,
    clock,
    url,
    brokerUrl,
    prefix,
    bootMs,
    adminToken: login.accessToken,
    async close() {
      try {
        await app.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** A JSON request to the service; throws on any status but 2xx. */
export async function api(url, method, path, { token, body } = {}) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Bridge credentials through the admin API (20 bridges × 50 machines). */
export async function issueBridges(fleet) {
  const plan = bridgePlan();
  for (const bridge of plan) {
    const issued = await api(fleet.url, 'POST', '/api/v1/devices/bridges', {
      token: fleet.adminToken,
      body: { bridgeId: bridge.bridgeId, machineIds: bridge.machineIds, label: 'bench bridge' },
    });
    bridge.password = issued.mqttPassword;
  }
  return plan;
}

/** Wraps `LiveService.recompute` on the instance (src untouched) to time every recompute. */
export function instrumentRecompute(liveService) {
  const samples = [];
  const original = liveService.recompute;
  let inFlight = 0;
  let lastEnd = performance.now();
  liveService.recompute = async function timedRecompute(siteId) {
    const started = performance.now();
    inFlight += 1;
    try {
      return await original.call(this, siteId);
    } finally {
      inFlight -= 1;
      lastEnd = performance.now();
      samples.push({ siteId, at: wall(), ms: lastEnd - started });
    }
  };
  const timed = liveService.recompute;
  return {
    samples,
    /** Replaces recompute by a no-op (bench-only: ingestion without the occupancy it triggers). */
    stub() {
      liveService.recompute = async () => undefined;
    },
    unstub() {
      liveService.recompute = timed;
    },
    /** Resolves once no recompute ran for `quietMs` (the 100 ms coalescing window has passed). */
    async quiet(quietMs = 300, timeoutMs = 15_000) {
      const until = performance.now() + timeoutMs;
      while (inFlight > 0 || performance.now() - lastEnd < quietMs) {
        if (performance.now() > until) throw new Error('occupancy recomputes never stopped');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    /** Recomputes of `siteId` that started after `from` (wall ms). */
    since(from, siteId = FLEET_SITE_ID) {
      return samples.filter((s) => s.siteId === siteId && s.at - s.ms >= from).map((s) => s.ms);
    },
    restore() {
      liveService.recompute = original;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Bridges in a worker thread.

/** Starts the bridges worker; resolves once every bridge is connected and announced online. */
export async function startBridges({ url, prefix, bridges, epoch, external }) {
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { role: WORKER_ROLE, url, prefix, bridges, epoch, external },
  });
  let nextId = 0;
  const pending = new Map();
  let failure = null;
  const failAll = (error) => {
    failure = error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`bridges worker: ${message.error}`));
    else waiter.resolve(message.result);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`bridges worker exited (${code})`)));
  const call = (op, args = {}) => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolvePromise, reject) => {
      pending.set(id, { resolve: resolvePromise, reject });
      worker.postMessage({ id, op, ...args });
    });
  };
  await call('connect');
  return {
    /** One state per machine per round, each bridge keeping `window` publishes in flight. */
    burst: (rounds, window = WINDOW) => call('burst', { rounds, window }),
    /**
     * `ratePerS` states a second, machines in turn, for `seconds`; resolves once the broker has
     * acknowledged them all, or `ackCapMs` after the last was sent.
     */
    paced: (ratePerS, seconds, ackCapMs = 15_000) => call('paced', { ratePerS, seconds, ackCapMs }),
    /** Clears every retained topic the bridges wrote (a shared external broker keeps nothing). */
    clearRetained: () => call('clearRetained'),
    async close() {
      // A service still behind on the bridges' messages would acknowledge the goodbye late:
      // a bound, then the worker (and its connections) goes anyway.
      await Promise.race([call('close').catch(() => undefined), new Promise((r) => setTimeout(r, 3_000).unref())]);
      await worker.terminate();
    },
  };
}

function stateSnapshot(round) {
  return {
    state: 'running',
    substate: 'PRINTING',
    job: {
      jobId: null,
      name: 'bench-part.3mf',
      progressPct: PLACEHOLDER,
      elapsedS: 60 * round,
      remainingS: Math.max(60, 7_200 - 60 * round),
      layer: { current: round, total: 1_000 },
    },
    interventions: [],
    temps: { nozzle: { current: 214 + (round % 3), target: 215 }, bed: { current: 60, target: 60 } },
    materials: [{ slot: '0', kind: 'filament', material: 'PLA', color: '#FF8800', remainingPct: 80, loaded: true }],
  };
}

async function bridgesWorker() {
  const { url, prefix, bridges: plan, epoch, external } = workerData;
  const decoder = new TextDecoder();
  const bridges = [];
  /** Next round per machine: seq per topic must have no gap, or the service asks for a resync. */
  const rounds = new Map();

  const encodeState = (bridge, machineId) => {
    const round = rounds.get(machineId) ?? 0;
    rounds.set(machineId, round + 1);
    const encoded = bridge.encoder.state(machineId, stateSnapshot(round));
    return { bridge, topic: encoded.topic, text: decoder.decode(encoded.payload) };
  };
  const stamped = (item) => {
    const pct = (((wall() - epoch) % CYCLE_MS) / 1000).toFixed(6);
    return item.text.replace(MARK, `"progressPct":${pct}`);
  };

  const ops = {
    async connect() {
      for (const { bridgeId, machineIds: ids, password } of plan) {
        const encoder = createBridgeEncoder({ prefix, bridgeId, session: 1, version: 'bench-1' });
        const will = encoder.status('offline', ids);
        const client = await connectAsync(url, {
          username: bridgeId,
          password,
          clientId: `${bridgeId}-${randomBytes(4).toString('hex')}`,
          keepalive: 30,
          reconnectPeriod: 0,
          will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
        });
        const subs = bridgeSubscriptions(prefix, ids);
        await client.subscribeAsync(Object.fromEntries(subs.map((s) => [s.filter, { qos: s.qos }])));
        const online = encoder.status('online', ids);
        await client.publishAsync(online.topic, Buffer.from(online.payload), { qos: 1, retain: true });
        bridges.push({ bridgeId, machineIds: ids, client, encoder });
      }
      return { bridges: bridges.length };
    },

    async burst({ rounds: count, window }) {
      const queues = bridges.map((bridge) => {
        const items = [];
        for (let r = 0; r < count; r++) for (const id of bridge.machineIds) items.push(encodeState(bridge, id));
        return items;
      });
      const firstSend = wall();
      const elu = performance.eventLoopUtilization();
      let errors = 0;
      await Promise.all(
        queues.map(
          (items) =>
            new Promise((done) => {
              let next = 0;
              let acked = 0;
              let inflight = 0;
              const pump = () => {
                while (inflight < window && next < items.length) {
                  const item = items[next++];
                  inflight += 1;
                  item.bridge.client.publish(item.topic, stamped(item), { qos: 1, retain: true }, (error) => {
                    if (error) errors += 1;
                    inflight -= 1;
                    acked += 1;
                    if (acked === items.length) done();
                    else pump();
                  });
                }
              };
              if (items.length === 0) done();
              else pump();
            }),
        ),
      );
      return {
        sent: queues.reduce((n, q) => n + q.length, 0),
        firstSend,
        lastAck: wall(),
        errors,
        busy: performance.eventLoopUtilization(elu).utilization,
      };
    },

    async paced({ ratePerS, seconds, ackCapMs }) {
      const all = bridges.flatMap((bridge) => bridge.machineIds.map((id) => ({ bridge, id })));
      const total = Math.round(ratePerS * seconds);
      const items = [];
      for (let i = 0; i < total; i++) items.push(encodeState(all[i % all.length].bridge, all[i % all.length].id));
      let sent = 0;
      let acked = 0;
      let errors = 0;
      let lagMax = 0;
      let sendEnd = 0;
      const firstSend = wall();
      await new Promise((done) => {
        const tick = () => {
          const elapsed = wall() - firstSend;
          const due = Math.min(total, Math.floor((elapsed * ratePerS) / 1000) + 1);
          if (due - sent > 1) lagMax = Math.max(lagMax, ((due - sent - 1) * 1000) / ratePerS);
          while (sent < due) {
            const item = items[sent++];
            item.bridge.client.publish(item.topic, stamped(item), { qos: 1, retain: true }, (error) => {
              if (error) errors += 1;
              acked += 1;
              if (acked === total) done();
            });
          }
          if (sent < total) setTimeout(tick, 2);
          else if (!sendEnd) {
            sendEnd = wall();
            // A broker that does not keep up acknowledges late: wait for it, within a bound.
            setTimeout(done, ackCapMs).unref();
          }
        };
        tick();
      });
      return { sent, acked, firstSend, sendEnd, lastAck: wall(), errors, lagMaxMs: lagMax };
    },

    async clearRetained() {
      for (const bridge of bridges) {
        for (const id of bridge.machineIds) {
          const clear = bridge.encoder.clear(id, 'state');
          await bridge.client.publishAsync(clear.topic, Buffer.alloc(0), { qos: 1, retain: true });
        }
        await bridge.client.publishAsync(`${prefix}/bridges/${bridge.bridgeId}/status`, Buffer.alloc(0), {
          qos: 1,
          retain: true,
        });
      }
    },

    async close() {
      // A clean stop says so itself: a retained `offline`, like a real bridge (not on a shared
      // broker, where clearRetained already emptied the topic).
      await Promise.all(
        bridges.map(async (bridge) => {
          if (!external) {
            const offline = bridge.encoder.status('offline', bridge.machineIds);
            await bridge.client
              .publishAsync(offline.topic, Buffer.from(offline.payload), { qos: 1, retain: true })
              .catch(() => undefined);
          }
          await bridge.client.endAsync(true).catch(() => undefined);
        }),
      );
    },
  };

  parentPort.on('message', async ({ id, op, ...args }) => {
    try {
      parentPort.postMessage({ id, result: await ops[op](args) });
    } catch (error) {
      parentPort.postMessage({ id, error: error?.stack ?? String(error) });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/** Per-message latencies (ms) into a growable Float64Array. */
class Samples {
  constructor(capacity = 1024) {
    this.values = new Float64Array(capacity);
    this.count = 0;
  }
  push(value) {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = value;
  }
  summary() {
    const sorted = this.values.slice(0, this.count).sort();
    const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN);
    return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
  }
}

/** Counts what one phase has received ("processed") so far, when the last of it came, and latencies. */
class PhaseCounter {
  constructor(stallMs) {
    this.stallMs = stallMs;
    this.reset();
  }
  reset() {
    this.count = 0;
    this.last = 0;
    this.latency = new Samples(MESSAGES);
    this.wake = null;
  }
  hit(latencyMs, at) {
    this.count += 1;
    this.last = at;
    this.latency.push(latencyMs);
    if (this.wake && this.count >= this.wake.n) this.wake.done();
  }
  /** 'complete' once `n` arrived; 'stalled' when nothing new came for a while; 'timeout' after `capMs`. */
  expect(n, capMs) {
    return new Promise((resolvePromise) => {
      const startedAt = performance.now();
      let seen = -1;
      let changedAt = startedAt;
      const finish = (state) => {
        clearInterval(timer);
        this.wake = null;
        resolvePromise(state);
      };
      this.wake = { n, done: () => finish('complete') };
      const timer = setInterval(() => {
        const now = performance.now();
        if (this.count !== seen) [seen, changedAt] = [this.count, now];
        if (this.count >= n) finish('complete');
        else if (now - changedAt > this.stallMs) finish('stalled');
        else if (now - startedAt > capMs) finish('timeout');
      }, 50);
      if (this.count >= n) finish('complete');
    });
  }
}

function progressPctOf(payload) {
  const at = payload.indexOf(PCT_KEY);
  if (at < 0) return null;
  let end = at + PCT_KEY.length;
  while (end < payload.length && ((payload[end] >= 48 && payload[end] <= 57) || payload[end] === 46)) end += 1;
  return Number(payload.toString('latin1', at + PCT_KEY.length, end));
}

async function warmUp(bridges, counter) {
  counter.reset();
  const warm = await bridges.burst(1);
  const state = await counter.expect(warm.sent, 30_000);
  if (state !== 'complete') throw new Error(`warm-up: ${counter.count} of ${warm.sent} states arrived (${state})`);
}

/** MESSAGES states as fast as the broker acknowledges them; throughput from first send to last processed. */
async function burstPhase(bridges, counter, capMs) {
  counter.reset();
  const elu = performance.eventLoopUtilization();
  const sending = bridges.burst(MESSAGES / MACHINE_COUNT);
  const state = await counter.expect(MESSAGES, capMs);
  const burst = await sending;
  const seconds = (counter.last - burst.firstSend) / 1000;
  return {
    state,
    sent: burst.sent,
    received: counter.count,
    seconds,
    msgsPerS: counter.count / seconds,
    publishAckPerS: burst.sent / ((burst.lastAck - burst.firstSend) / 1000),
    latency: counter.latency.summary(),
    eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
    publisherBusy: burst.busy,
    firstSend: burst.firstSend,
  };
}

/** Every machine once a second (1,000 states/s), the realistic rate: publish → processed latency. */
async function pacedPhase(bridges, counter, capMs) {
  counter.reset();
  const sending = bridges.paced(PACED.ratePerS, PACED.seconds);
  const paced = await sending;
  const state = await counter.expect(paced.sent, capMs);
  return {
    state,
    sent: paced.sent,
    received: counter.count,
    ratePerS: PACED.ratePerS,
    latency: counter.latency.summary(),
    drainedS: (counter.last - paced.firstSend) / 1000,
    publisherLagMaxMs: paced.lagMaxMs,
  };
}

/** The baseline: the same broker class and traffic, and a subscriber that only counts. */
async function runRaw({ externalUrl, log }) {
  const { EmbeddedBroker, SERVICE_USERNAME } = await import('../../dist/bridge/embedded-broker.js');
  const prefix = `fabrique-bench/${randomBytes(6).toString('hex')}`;
  const plan = bridgePlan('raw');
  const epoch = wall();
  let broker = null;
  let url = externalUrl;
  const servicePassword = randomBytes(24).toString('hex');
  if (!externalUrl) {
    const byId = new Map(plan.map((b) => [b.bridgeId, b]));
    broker = new EmbeddedBroker(prefix, servicePassword, async (bridgeId, password) => {
      const bridge = byId.get(bridgeId);
      return bridge && bridge.password === password
        ? { kind: 'bridge', bridgeId, machineIds: bridge.machineIds }
        : null;
    });
    url = `mqtt://127.0.0.1:${await broker.start('127.0.0.1', 0)}`;
  }
  const counter = new PhaseCounter(STALL_MS.raw);
  let subscriber;
  let bridges;
  try {
    subscriber = await connectAsync(url, {
      ...(externalUrl ? {} : { username: SERVICE_USERNAME, password: servicePassword }),
      clientId: `bench-raw-${randomBytes(4).toString('hex')}`,
      keepalive: 30,
      reconnectPeriod: 0,
    });
    const subs = serviceSubscriptions(prefix);
    await subscriber.subscribeAsync(Object.fromEntries(subs.map((s) => [s.filter, { qos: s.qos }])));
    subscriber.on('message', (topic, payload) => {
      if (!topic.endsWith('/state') || payload.length === 0) return;
      const at = wall();
      const pct = progressPctOf(payload);
      if (pct !== null) counter.hit(latencyFrom(epoch, pct, at), at);
    });
    bridges = await startBridges({ url, prefix, bridges: plan, epoch, external: Boolean(externalUrl) });
    await warmUp(bridges, counter);
    // A burst of the raw path lasts well under a second: one more to warm the JIT up (not
    // counted: the first is always slower), then three, the median reported.
    await burstPhase(bridges, counter, 20_000);
    const bursts = [];
    for (let i = 0; i < RAW_BURSTS; i++) bursts.push(await burstPhase(bridges, counter, 20_000));
    const burst = [...bursts].sort((a, b) => a.msgsPerS - b.msgsPerS)[Math.floor(bursts.length / 2)];
    burst.allMsgsPerS = bursts.map((b) => b.msgsPerS);
    const paced = await pacedPhase(bridges, counter, PACED.seconds * 1000 + 10_000);
    log(
      `   raw: ${bursts.map((b) => fmt(b.msgsPerS, 0)).join(', ')} msgs/s (median of ${RAW_BURSTS} bursts); ` +
        `paced p50 ${fmt(paced.latency.p50, 2)} ms`,
    );
    return { burst, paced };
  } finally {
    if (bridges && externalUrl) await bridges.clearRetained().catch(() => undefined);
    await bridges?.close();
    await subscriber?.endAsync(true).catch(() => undefined);
    await broker?.stop();
  }
}

/**
 * The service: a message counts as processed when ingestion emits `machine.state_changed` for
 * it (after validation, session/seq checks, live state, the store's queue and alert checks; the
 * database write and the occupancy recompute follow asynchronously and are measured apart).
 */
async function runService({ externalUrl, log, budgetEnds }) {
  const [{ IngestionService }, { MachineLiveEvents }, { LiveService }] = await Promise.all([
    import('../../dist/bridge/ingestion.service.js'),
    import('../../dist/machines/machine-live-events.js'),
    import('../../dist/live/live.service.js'),
  ]);
  const fleet = await startFleetApp({ mqttUrl: externalUrl });
  const live = fleet.app.get(LiveService);
  const recomputes = instrumentRecompute(live);
  let bridges;
  let subscription;
  try {
    const plan = await issueBridges(fleet);
    log(
      `   service: booted with ${MACHINE_COUNT} machines in ${fmt(fleet.bootMs / 1000, 1)} s, ` +
        `${plan.length} bridge credentials issued through the API`,
    );
    const ingestion = fleet.app.get(IngestionService);
    const counter = new PhaseCounter(STALL_MS.service);
    const epoch = wall();
    subscription = fleet.app.get(MachineLiveEvents).events$.subscribe((event) => {
      if (event.type !== 'machine.state_changed') return;
      const pct = event.snapshot?.job?.progressPct;
      if (typeof pct !== 'number') return;
      const at = wall();
      counter.hit(latencyFrom(epoch, pct, at), at);
    });
    bridges = await startBridges({
      url: fleet.brokerUrl,
      prefix: fleet.prefix,
      bridges: plan,
      epoch,
      external: Boolean(externalUrl),
    });
    /** Waits for the store's database writes and the occupancy recomputes the phase caused. */
    const settle = async (phase, phaseStart) => {
      await ingestion.settled();
      // Stored: the write-behind store has flushed it to the database (only meaningful when the
      // phase ended by itself, not by a stall wait).
      if (phase?.state === 'complete') phase.storedMsgsPerS = phase.received / ((wall() - phase.firstSend) / 1000);
      await recomputes.quiet();
      if (phase) phase.recompute = summarizeRecomputes(recomputes.since(phaseStart));
      return phase;
    };
    const before = ingestion.stats();
    await warmUp(bridges, counter);
    await settle();
    const result = { burst: null, paced: null, ingestionOnly: null };
    const skip = (why) => ({ state: 'skipped', why });
    let start = wall();
    result.burst = await settle(
      await burstPhase(bridges, counter, Math.max(1_000, budgetEnds - performance.now())),
      start,
    );
    log(`   service: ${fmt(result.burst.msgsPerS, 0)} msgs/s (${result.burst.received}/${result.burst.sent})`);
    const fits = (ms) => result.burst.state !== 'timeout' && budgetEnds - performance.now() > ms;
    start = wall();
    result.paced = fits(PACED.seconds * 1000 + 5_000)
      ? await settle(await pacedPhase(bridges, counter, budgetEnds - performance.now()), start)
      : skip('no time left in the budget');
    // The same burst with LiveService.recompute replaced by a no-op on the instance (bench-only):
    // what ingestion itself costs, apart from the occupancy recompute it triggers.
    if (fits(5_000) && result.paced.state !== 'timeout') {
      recomputes.stub();
      start = wall();
      result.ingestionOnly = await settle(
        await burstPhase(bridges, counter, Math.max(1_000, budgetEnds - performance.now())),
        start,
      );
      recomputes.unstub();
    } else result.ingestionOnly = skip('no time left in the budget');
    const after = ingestion.stats();
    const httpStats = await api(fleet.url, 'GET', '/api/v1/bridge/stats', { token: fleet.adminToken });
    result.counters = {
      received: after.received - before.received,
      outcomes: Object.fromEntries(
        Object.entries(after.outcomes)
          .map(([k, v]) => [k, v - (before.outcomes[k] ?? 0)])
          .filter(([, v]) => v !== 0),
      ),
      resyncsSent: after.resyncsSent - before.resyncsSent,
      httpStats: { received: httpStats.received, rejected: httpStats.rejected, accepted: httpStats.outcomes.ACCEPTED },
    };
    return result;
  } finally {
    subscription?.unsubscribe();
    recomputes.restore();
    if (bridges && externalUrl) await bridges.clearRetained().catch(() => undefined);
    await bridges?.close();
    await fleet.close();
    if (externalUrl) await clearServiceStatus(externalUrl, fleet.prefix).catch(() => undefined);
  }
}

function summarizeRecomputes(ms) {
  if (ms.length === 0) return { count: 0, totalMs: 0, meanMs: NaN, maxMs: NaN };
  const total = ms.reduce((a, b) => a + b, 0);
  return { count: ms.length, totalMs: total, meanMs: total / ms.length, maxMs: Math.max(...ms) };
}

/** The service leaves a retained `offline` on service/status: gone from a shared broker. */
async function clearServiceStatus(url, prefix) {
  const client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 3_000 });
  await client.publishAsync(`${prefix}/service/status`, Buffer.alloc(0), { qos: 1, retain: true });
  await client.endAsync();
}

async function runTarget({ label, externalUrl, log, budgetMs }) {
  log(`\n== ${label}`);
  const budgetEnds = performance.now() + budgetMs;
  const raw = await runRaw({ externalUrl, log });
  const service = await runService({ externalUrl, log, budgetEnds });
  return { label, raw, service, ratio: service.burst.msgsPerS / raw.burst.msgsPerS };
}

// ---------------------------------------------------------------------------------------------

export async function run({ log = (line) => process.stdout.write(`${line}\n`) } = {}) {
  const started = performance.now();
  const external = process.env.MQTT_URL;
  log(
    `ingestion: ${MACHINE_COUNT} machines, ${MACHINE_COUNT / MACHINES_PER_BRIDGE} bridges × ${MACHINES_PER_BRIDGE} ` +
      `(bridges in a worker thread), bursts of ${MESSAGES} full state snapshots (QoS 1, retained, ` +
      `${WINDOW} in flight per bridge), then ${PACED.ratePerS}/s for ${PACED.seconds} s`,
  );
  log(
    `   ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  const budgetMs = external ? 42_000 : 70_000;
  const targets = [await runTarget({ label: 'embedded broker (Aedes in the service process)', log, budgetMs })];
  if (external) {
    targets.push(
      await runTarget({ label: `external broker ${redact(external)}`, externalUrl: external, log, budgetMs }),
    );
  }
  log('');
  log(table(targets));
  log(`   (${fmt((performance.now() - started) / 1000, 1)} s in all)`);
  return {
    machines: MACHINE_COUNT,
    bridges: MACHINE_COUNT / MACHINES_PER_BRIDGE,
    messages: MESSAGES,
    window: WINDOW,
    paced: PACED,
    loadAverage: os.loadavg(),
    targets,
  };
}

function table(targets) {
  const rows = [
    [
      'broker',
      'subscriber',
      'msgs/s',
      'ratio',
      'stored/s',
      'p50 ms',
      'p99 ms',
      'loop busy',
      'bridges busy',
      'recomputes',
      'paced 1000/s: p50 ms',
      'p99 ms',
    ],
  ];
  const line = (broker, who, burst, raw, paced) => {
    const done = (phase) => (phase.state === 'complete' ? '' : ` (${phase.received}/${phase.sent} ${phase.state})`);
    const rc = burst.recompute;
    rows.push([
      broker,
      who,
      `${fmt(burst.msgsPerS, 0)}${done(burst)}`,
      raw ? fmt(burst.msgsPerS / raw.msgsPerS, 3) : '1',
      burst.storedMsgsPerS ? fmt(burst.storedMsgsPerS, 0) : '—',
      fmt(burst.latency.p50, 1),
      fmt(burst.latency.p99, 1),
      `${fmt(burst.eventLoopUtilization * 100, 0)} %`,
      `${fmt(burst.publisherBusy * 100, 0)} %`,
      rc ? `${rc.count} × ${fmt(rc.meanMs, 0)} ms` : '—',
      paced ? `${fmt(paced.latency.p50, 2)}${done(paced)}` : '',
      paced ? fmt(paced.latency.p99, 2) : '',
    ]);
  };
  for (const { label, raw, service } of targets) {
    const broker = label.startsWith('embedded') ? 'embedded' : 'external';
    line(broker, 'raw mqtt.js', raw.burst, null, raw.paced);
    line(broker, 'service', service.burst, raw.burst, service.paced.state === 'skipped' ? null : service.paced);
    if (service.ingestionOnly.state !== 'skipped')
      line(broker, 'service, recompute stubbed', service.ingestionOnly, raw.burst, null);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  const lines = rows.map((row) =>
    row
      .map((cell, c) => String(cell).padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const notes = targets.map(
    ({ label, service }) =>
      `   ${label}: ingestion outcomes ${JSON.stringify(service.counters.outcomes)}, ` +
      `resyncs sent ${service.counters.resyncsSent}`,
  );
  const legend = [
    '   msgs/s: burst of state messages processed per second (ratio: to the raw subscriber on the same broker);',
    '   p50/p99: publish → processed during the burst; loop busy: event-loop utilization of the thread measured',
    '   (broker + subscriber / service), bridges busy: of the publishing worker; recomputes: occupancy',
    '   recomputes of the 1,000-machine site during the burst; paced: 1,000 states/s, publish → processed.',
  ];
  return [...lines, '', ...legend, ...notes].join('\n');
}

export const fmt = (n, digits) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

function redact(url) {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

if (!isMainThread && workerData?.role === WORKER_ROLE) {
  await bridgesWorker();
} else if (isMainThread && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Stops by itself whatever hangs.
  setTimeout(() => {
    process.stderr.write('ingestion bench: over its time limit, stopping\n');
    process.exit(2);
  }, 120_000).unref();
  try {
    await run();
    setTimeout(() => process.exit(0), 1_000).unref();
  } catch (error) {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  }
}
