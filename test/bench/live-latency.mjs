// MQTT state change → kiosk event latency with 1,000 machines each publishing once a second and
// 500 kiosk screens connected, and the service's memory per kiosk connection.
// `npm run build` first, then `node --expose-gc test/bench/live-latency.mjs` (or import `run`).
//
// Who runs where (2 cores):
//   this process, main thread   the service (built dist/), its embedded broker, the measurements
//   this process, worker thread the 20 bridges (ingestion.mjs's bridges worker), 1,000 states/s
//   a child process             500 Socket.IO clients of /live with one kiosk token, so their own
//                               memory stays out of the service's process figures
//
// Each published state carries its send instant in job.progressPct (ms since an epoch, modulo
// 100 s, / 1000): a running machine's progressPct is on the kiosk frame as is, so every machine
// entry of every delta tells the client when the state it shows was published. Latency = publish
// call in the bridges worker → delta frame handled by the client (wall clock, same machine).
// A delta holds only the machines that changed since the previous one; the service coalesces a
// site's changes over 100 ms and recomputes its whole occupancy each time, so a publish may be
// superseded by the next one of the same machine before it is shown: "shown" counts the
// published states that reached the clients. The latency is split in two: publish → delta
// emitted (measured in the service, on `LiveService.updates$.next`) and emitted → received by the
// first / last of the 500 clients (per delta `seq`).
//
// Bounded: the bridges publish on schedule whatever the service does (a service that reads its
// broker late leaves states queued at the bridges); after the 30 s the bench waits at most
// ACK_CAP_MS + DRAIN_CAP_MS for the service to catch up, then reports what was still behind.
// On 2 cores the 500 clients share one core: when the service keeps up, their own parsing
// (kiosk process busy %, loop delay) becomes part of the "emitted → last kiosk" figure.
// The service's memory per kiosk connection is the main thread's heap (and the process rss)
// after GC, before and after the 500 joined, divided by 500.
import { fork } from 'node:child_process';
import { performance, monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  FLEET_SITE_ID,
  MACHINE_COUNT,
  api,
  fmt,
  instrumentRecompute,
  issueBridges,
  latencyFrom,
  startBridges,
  startFleetApp,
  wall,
} from './ingestion.mjs';

const KIOSKS = 500;
/** Kiosks connecting at once. */
const CONNECT_CONCURRENCY = 25;
const LOAD = { ratePerS: MACHINE_COUNT, seconds: 30 };
/** After the last publish: how long the broker may take to acknowledge (the service reads late). */
const ACK_CAP_MS = 5_000;
/** Then: how long the service may take to ingest and show what it was sent. */
const DRAIN_CAP_MS = 5_000;
const ROLE_ENV = 'FABRIQUE_BENCH_LIVE_ROLE';
/** Latency histogram: 1 ms bins up to 2 minutes. */
const HISTOGRAM_BINS = 120_000;

// ---------------------------------------------------------------------------------------------
// The kiosk clients (child process).

async function kioskProcess() {
  const { io } = await import('socket.io-client');
  const sockets = [];
  const histogram = new Uint32Array(HISTOGRAM_BINS);
  let config = null;
  let recording = false;
  const stats = {};
  const resetStats = () =>
    Object.assign(stats, {
      since: wall(),
      deltas: 0,
      updates: 0,
      latencyMax: 0,
      gaps: 0,
      snapshotsAfterJoin: 0,
      bySeq: new Map(),
    });
  resetStats();
  const totals = { disconnects: 0, errors: [], connectMs: [], snapshotBytes: 0 };
  const elu = { start: null };
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });

  const connectOne = (index) =>
    new Promise((resolvePromise) => {
      const started = performance.now();
      const socket = io(`${config.url}/live`, {
        auth: { token: config.token, siteId: config.siteId },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 20_000,
      });
      const client = { socket, seq: 0, joined: false };
      sockets[index] = client;
      const timer = setTimeout(() => resolvePromise(false), 30_000);
      socket.on('snapshot', (frame) => {
        client.seq = frame.seq;
        if (!client.joined) {
          client.joined = true;
          totals.connectMs.push(performance.now() - started);
          totals.snapshotBytes += JSON.stringify(frame).length;
          clearTimeout(timer);
          resolvePromise(true);
        } else if (recording) stats.snapshotsAfterJoin += 1;
      });
      socket.on('delta', (frame) => {
        const at = wall();
        if (frame.seq !== client.seq + 1) {
          // A screen seeing a gap asks for a snapshot, like the kiosk page does.
          if (recording) stats.gaps += 1;
          socket.emit('snapshot');
        }
        client.seq = frame.seq;
        if (!recording) return;
        stats.deltas += 1;
        const seen = stats.bySeq.get(frame.seq);
        if (seen) {
          seen.last = at;
          seen.count += 1;
        } else stats.bySeq.set(frame.seq, { first: at, last: at, count: 1 });
        for (const machine of frame.machines) {
          if (typeof machine.progressPct !== 'number') continue;
          const latency = latencyFrom(config.epoch, machine.progressPct, at);
          stats.updates += 1;
          if (latency > stats.latencyMax) stats.latencyMax = latency;
          histogram[Math.min(HISTOGRAM_BINS - 1, Math.floor(latency))] += 1;
        }
      });
      socket.on('live-error', (error) => totals.errors.push(error.code));
      socket.on('disconnect', () => {
        totals.disconnects += 1;
        clearTimeout(timer);
        resolvePromise(client.joined);
      });
      socket.on('connect_error', () => {
        clearTimeout(timer);
        resolvePromise(false);
      });
    });

  const ops = {
    async connect(message) {
      config = message;
      let next = 0;
      let joined = 0;
      await Promise.all(
        Array.from({ length: CONNECT_CONCURRENCY }, async () => {
          while (next < config.clients) if (await connectOne(next++)) joined += 1;
        }),
      );
      const sorted = [...totals.connectMs].sort((a, b) => a - b);
      return {
        joined,
        connectP50Ms: sorted[Math.floor(sorted.length / 2)],
        connectMaxMs: sorted.at(-1),
        snapshotBytes: totals.snapshotBytes / Math.max(1, joined),
      };
    },
    async record() {
      histogram.fill(0);
      resetStats();
      recording = true;
      elu.start = performance.eventLoopUtilization();
      loopDelay.reset();
      loopDelay.enable();
      return {};
    },
    async report() {
      recording = false;
      loopDelay.disable();
      const seconds = (wall() - stats.since) / 1000;
      const percentile = (p) => {
        const target = Math.ceil(p * stats.updates);
        let seen = 0;
        for (let i = 0; i < HISTOGRAM_BINS; i++) {
          seen += histogram[i];
          if (seen >= target && target > 0) return i + 1; // upper edge of the 1 ms bin
        }
        return NaN;
      };
      const connected = sockets.filter((c) => c?.socket.connected).length;
      return {
        clients: sockets.length,
        connected,
        seconds,
        deltas: stats.deltas,
        deltasPerClientPerS: stats.deltas / sockets.length / seconds,
        updates: stats.updates,
        updatesPerClient: stats.updates / sockets.length,
        latency: { p50: percentile(0.5), p99: percentile(0.99), max: stats.latencyMax },
        gaps: stats.gaps,
        snapshotsAfterJoin: stats.snapshotsAfterJoin,
        disconnects: totals.disconnects,
        bySeq: [...stats.bySeq].map(([seq, v]) => [seq, v.first, v.last, v.count]),
        errors: [...new Set(totals.errors)],
        eventLoopUtilization: performance.eventLoopUtilization(elu.start).utilization,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
      };
    },
    async close() {
      for (const client of sockets) client?.socket.close();
      setTimeout(() => process.exit(0), 200);
      return {};
    },
  };

  process.on('message', async ({ id, op, ...args }) => {
    try {
      process.send({ id, result: await ops[op](args) });
    } catch (error) {
      process.send({ id, error: error?.stack ?? String(error) });
    }
  });
  // Never outlive the bench.
  process.on('disconnect', () => process.exit(0));
  setTimeout(() => process.exit(3), 150_000).unref();
}

function startKioskProcess() {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [ROLE_ENV]: 'kiosks' },
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const pending = new Map();
  let failure = null;
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`kiosk process: ${message.error}`));
    else waiter.resolve(message.result);
  });
  child.on('exit', (code) => {
    failure = new Error(`kiosk process exited (${code})`);
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
  });
  const call = (op, args = {}, timeoutMs = 60_000) => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`kiosk process: ${op} timed out`)), timeoutMs);
      pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolvePromise(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.send({ id, op, ...args });
    });
  };
  return {
    call,
    async close() {
      await call('close', {}, 5_000).catch(() => undefined);
      if (child.exitCode === null) child.kill();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The service side.

/** global.gc with --expose-gc; otherwise the same function fetched at run time. */
function gcFunction() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc');
}

async function settledMemory(gc) {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
  }
  return process.memoryUsage();
}

/**
 * Times what `LiveService.updates$.next` does synchronously: the gateway's fan-out of one site
 * update to every viewer (`socket.emit` per viewer). Bench-only wrapper on the instance.
 */
function instrumentFanout(liveService, epoch) {
  const subject = liveService.updates$;
  const original = subject.next;
  const samples = [];
  subject.next = function timedNext(update) {
    const emitAt = wall();
    const started = performance.now();
    original.call(this, update);
    const ms = performance.now() - started;
    if (update.siteId !== FLEET_SITE_ID) return;
    // How old the states this delta shows were when the service emitted it (publish → emit).
    const ages = [];
    for (const machine of update.kiosk.machines) {
      if (typeof machine.progressPct === 'number') ages.push(latencyFrom(epoch.value, machine.progressPct, emitAt));
    }
    samples.push({
      seq: update.kiosk.seq,
      emitAt,
      ms,
      ages,
      bytes: JSON.stringify(update.kiosk).length,
      machines: update.kiosk.machines.length,
    });
  };
  return {
    samples,
    restore() {
      subject.next = original;
    },
  };
}

const quantile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN;

const summary = (values) => {
  if (values.length === 0) return { count: 0, mean: NaN, p50: NaN, max: NaN, total: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const total = values.reduce((a, b) => a + b, 0);
  return {
    count: values.length,
    mean: total / values.length,
    p50: sorted[Math.floor(sorted.length / 2)],
    max: sorted.at(-1),
    total,
  };
};

async function until(check, timeoutMs, stepMs = 50) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return false;
}

/**
 * `instrument(app)`, when given, runs on the booted service before any load (e.g. to try a fix
 * on the instances without rebuilding).
 */
export async function run({ log = (line) => process.stdout.write(`${line}\n`), instrument } = {}) {
  const started = performance.now();
  const [{ LiveService }, { LiveGateway }, { IngestionService }] = await Promise.all([
    import('../../dist/live/live.service.js'),
    import('../../dist/live/live.gateway.js'),
    import('../../dist/bridge/ingestion.service.js'),
  ]);
  const gc = gcFunction();
  log(
    `live latency: ${MACHINE_COUNT} machines publishing once a second (${LOAD.ratePerS} states/s) for ` +
      `${LOAD.seconds} s, ${KIOSKS} kiosk clients (Socket.IO, websocket) on one site`,
  );
  log(
    `   ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  const fleet = await startFleetApp();
  const live = fleet.app.get(LiveService);
  const gateway = fleet.app.get(LiveGateway);
  const ingestion = fleet.app.get(IngestionService);
  const recomputes = instrumentRecompute(live);
  const epochRef = { value: wall() };
  const fanout = instrumentFanout(live, epochRef);
  await instrument?.(fleet.app);
  let bridges;
  let kiosks;
  try {
    const plan = await issueBridges(fleet);
    const kiosk = await api(fleet.url, 'POST', '/api/v1/devices/kiosks', {
      token: fleet.adminToken,
      body: { siteId: FLEET_SITE_ID, label: 'bench kiosks' },
    });
    log(`   service booted in ${fmt(fleet.bootMs / 1000, 1)} s; ${plan.length} bridges and a kiosk token issued`);

    // Every machine running a job, so every machine is `in_use` with a progress on the kiosk.
    const epoch = epochRef.value;
    bridges = await startBridges({ url: fleet.brokerUrl, prefix: fleet.prefix, bridges: plan, epoch });
    const warm = await bridges.burst(1);
    const accepted = () => ingestion.stats().outcomes.ACCEPTED;
    if (!(await until(() => accepted() >= warm.sent + plan.length, 30_000)))
      throw new Error(`warm-up: ${accepted()} of ${warm.sent + plan.length} messages accepted`);
    await ingestion.settled();
    await recomputes.quiet();
    const idleRecompute = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await live.recompute(FLEET_SITE_ID);
      idleRecompute.push(performance.now() - t);
    }
    await recomputes.quiet();
    log(
      `   recompute of the ${MACHINE_COUNT}-machine site, service idle: ${idleRecompute.map((ms) => fmt(ms, 0)).join(', ')} ms`,
    );

    // Memory per kiosk connection.
    const memBefore = await settledMemory(gc);
    kiosks = startKioskProcess();
    const connectStarted = performance.now();
    const joined = await kiosks.call(
      'connect',
      { url: fleet.url, token: kiosk.token, siteId: FLEET_SITE_ID, clients: KIOSKS, epoch },
      60_000,
    );
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    if (joined.joined !== KIOSKS) throw new Error(`only ${joined.joined} of ${KIOSKS} kiosks joined`);
    await until(() => gateway.viewerCount === KIOSKS, 5_000);
    const memAfter = await settledMemory(gc);
    const perConnection = Object.fromEntries(
      ['heapUsed', 'rss', 'external', 'arrayBuffers'].map((k) => [k, (memAfter[k] - memBefore[k]) / KIOSKS]),
    );
    log(
      `   ${joined.joined} kiosks joined in ${fmt(connectSeconds, 1)} s (snapshot ${fmt(joined.snapshotBytes / 1024, 0)} KiB each); ` +
        `per connection: heap ${fmt(perConnection.heapUsed / 1024, 1)} KiB, rss ${fmt(perConnection.rss / 1024, 1)} KiB`,
    );

    // The load: every machine once a second, evenly spread.
    const before = { accepted: accepted(), recomputes: recomputes.samples.length, fanout: fanout.samples.length };
    await kiosks.call('record');
    const serviceElu = performance.eventLoopUtilization();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const memPeak = { rss: 0, heapUsed: 0 };
    const acceptedOverTime = [];
    const memTimer = setInterval(() => {
      const m = process.memoryUsage();
      memPeak.rss = Math.max(memPeak.rss, m.rss);
      memPeak.heapUsed = Math.max(memPeak.heapUsed, m.heapUsed);
      acceptedOverTime.push([wall(), accepted() - before.accepted]);
    }, 250);
    const paced = await bridges.paced(LOAD.ratePerS, LOAD.seconds, ACK_CAP_MS);
    // States the service had taken in when the bridges sent their last one.
    const acceptedAtEnd = acceptedOverTime.filter(([at]) => at <= paced.sendEnd).at(-1)?.[1] ?? 0;
    // Drain: what was published is ingested and shown, within a bound.
    const drained =
      (await until(() => accepted() - before.accepted >= paced.sent, DRAIN_CAP_MS)) &&
      (await recomputes.quiet(300, DRAIN_CAP_MS).then(
        () => true,
        () => false,
      ));
    await new Promise((r) => setTimeout(r, 500));
    clearInterval(memTimer);
    loopDelay.disable();
    const elu = performance.eventLoopUtilization(serviceElu).utilization;
    const clients = await kiosks.call('report');
    const loadRecomputes = summary(
      recomputes.samples
        .slice(before.recomputes)
        .filter((s) => s.siteId === FLEET_SITE_ID)
        .map((s) => s.ms),
    );
    const loadFanout = fanout.samples.slice(before.fanout);
    // Where the time goes: publish → delta emitted (service), then emitted → received (delivery).
    const ages = loadFanout.flatMap((s) => s.ages).sort((a, b) => a - b);
    const emitted = new Map(loadFanout.map((s) => [s.seq, s.emitAt]));
    const delivery = clients.bySeq.filter(([seq]) => emitted.has(seq));
    const toFirst = summary(delivery.map(([seq, first]) => first - emitted.get(seq)));
    const toLast = summary(delivery.map(([seq, , last]) => last - emitted.get(seq)));
    delete clients.bySeq;
    const result = {
      machines: MACHINE_COUNT,
      kiosks: KIOSKS,
      load: {
        ...LOAD,
        sent: paced.sent,
        sendSeconds: (paced.sendEnd - paced.firstSend) / 1000,
        ackedByBroker: paced.acked,
        lastAckAfterSendEndS: (paced.lastAck - paced.sendEnd) / 1000,
        publisherLagMaxMs: paced.lagMaxMs,
      },
      ingestion: {
        acceptedDuringPublishing: acceptedAtEnd,
        backlogAtEndOfPublishing: paced.sent - acceptedAtEnd,
        acceptedAfterDrain: accepted() - before.accepted,
        drained,
      },
      latencyMs: clients.latency,
      breakdownMs: {
        publishToEmit: { p50: quantile(ages, 0.5), p99: quantile(ages, 0.99), max: ages.at(-1) },
        emitToFirstClient: toFirst,
        emitToLastClient: toLast,
      },
      deltasPerClientPerS: clients.deltasPerClientPerS,
      shownPerClient: clients.updatesPerClient,
      shownFraction: clients.updatesPerClient / paced.sent,
      clients,
      recompute: { idleMs: idleRecompute, underLoad: loadRecomputes },
      fanout: {
        ...summary(loadFanout.map((s) => s.ms)),
        bytes: summary(loadFanout.map((s) => s.bytes)),
        machines: summary(loadFanout.map((s) => s.machines)),
      },
      service: {
        eventLoopUtilization: elu,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
        peakRss: memPeak.rss,
        peakHeapUsed: memPeak.heapUsed,
      },
      memory: {
        before: pick(memBefore),
        after: pick(memAfter),
        perConnection,
        connectSeconds,
        snapshotBytes: joined.snapshotBytes,
        connectP50Ms: joined.connectP50Ms,
        connectMaxMs: joined.connectMaxMs,
        gc: typeof globalThis.gc === 'function' ? '--expose-gc' : 'v8.setFlagsFromString',
      },
      loadAverage: os.loadavg(),
    };
    log('');
    log(table(result));
    log(`   (${fmt((performance.now() - started) / 1000, 1)} s in all)`);
    return result;
  } finally {
    const closing = performance.now();
    fanout.restore();
    recomputes.restore();
    await kiosks?.close();
    await bridges?.close();
    await fleet.close();
    log(`   (stopped in ${fmt((performance.now() - closing) / 1000, 1)} s)`);
  }
}

const pick = (m) => ({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers });
const kib = (bytes) => `${fmt(bytes / 1024, 1)} KiB`;
const mib = (bytes) => `${fmt(bytes / 1024 / 1024, 1)} MiB`;

function table(r) {
  const c = r.clients;
  const rows = [
    [
      'publish → kiosk latency p50 / p99 / max',
      `${fmt(r.latencyMs.p50, 0)} / ${fmt(r.latencyMs.p99, 0)} / ${fmt(r.latencyMs.max, 0)} ms`,
    ],
    [
      '  publish → delta emitted by the service p50 / p99',
      `${fmt(r.breakdownMs.publishToEmit.p50, 0)} / ${fmt(r.breakdownMs.publishToEmit.p99, 0)} ms`,
    ],
    [
      '  emitted → first / last of 500 kiosks, p50 (max)',
      `${fmt(r.breakdownMs.emitToFirstClient.p50, 0)} (${fmt(r.breakdownMs.emitToFirstClient.max, 0)}) / ` +
        `${fmt(r.breakdownMs.emitToLastClient.p50, 0)} (${fmt(r.breakdownMs.emitToLastClient.max, 0)}) ms`,
    ],
    ['deltas per client per second', fmt(r.deltasPerClientPerS, 2)],
    [
      'published states shown per client',
      `${fmt(r.shownPerClient, 0)} of ${r.load.sent} (${fmt(r.shownFraction * 100, 1)} %)`,
    ],
    ['seq gaps / snapshots re-asked / disconnects', `${c.gaps} / ${c.snapshotsAfterJoin} / ${c.disconnects}`],
    [
      'states ingested by the end of the 30 s of publishing',
      `${r.ingestion.acceptedDuringPublishing} of ${r.load.sent} (backlog ${r.ingestion.backlogAtEndOfPublishing})`,
    ],
    [
      'last broker ack after the last publish',
      `${fmt(r.load.lastAckAfterSendEndS, 1)} s (${r.load.ackedByBroker} of ${r.load.sent} acked)`,
    ],
    [
      'all ingested and shown before the bench stopped waiting',
      r.ingestion.drained ? 'yes' : `no (${r.ingestion.acceptedAfterDrain} of ${r.load.sent} ingested)`,
    ],
    ['recompute (1,000 machines), idle', `${r.recompute.idleMs.map((ms) => fmt(ms, 0)).join(', ')} ms`],
    [
      'recompute under load: count, mean, max',
      `${r.recompute.underLoad.count}, ${fmt(r.recompute.underLoad.mean, 0)} ms, ${fmt(r.recompute.underLoad.max, 0)} ms`,
    ],
    [
      'fan-out of one delta to 500 kiosks: mean, max',
      `${fmt(r.fanout.mean, 1)} ms, ${fmt(r.fanout.max, 1)} ms (${r.fanout.count} deltas)`,
    ],
    [
      'kiosk delta size: mean, max',
      `${kib(r.fanout.bytes.mean)}, ${kib(r.fanout.bytes.max)} (mean ${fmt(r.fanout.machines.mean, 0)} machines)`,
    ],
    [
      'service main thread busy / loop delay p99 / max',
      `${fmt(r.service.eventLoopUtilization * 100, 0)} % / ${fmt(r.service.loopDelayP99Ms, 0)} ms / ${fmt(r.service.loopDelayMaxMs, 0)} ms`,
    ],
    [
      'kiosk process busy / loop delay p99',
      `${fmt(c.eventLoopUtilization * 100, 0)} % / ${fmt(c.loopDelayP99Ms, 0)} ms`,
    ],
    [
      'memory per kiosk connection: heap / rss',
      `${kib(r.memory.perConnection.heapUsed)} / ${kib(r.memory.perConnection.rss)}`,
    ],
    [
      '  external / arrayBuffers',
      `${kib(r.memory.perConnection.external)} / ${kib(r.memory.perConnection.arrayBuffers)}`,
    ],
    [
      'heap / rss before → after 500 kiosks',
      `${mib(r.memory.before.heapUsed)} / ${mib(r.memory.before.rss)} → ${mib(r.memory.after.heapUsed)} / ${mib(r.memory.after.rss)}`,
    ],
    ['peak heap / rss under load', `${mib(r.service.peakHeapUsed)} / ${mib(r.service.peakRss)}`],
    ['500 kiosks joined in (snapshot each)', `${fmt(r.memory.connectSeconds, 1)} s (${kib(r.memory.snapshotBytes)})`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `   ${k.padEnd(width)}  ${v}`).join('\n');
}

if (process.env[ROLE_ENV] === 'kiosks') {
  await kioskProcess();
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  setTimeout(() => {
    process.stderr.write('live-latency bench: over its time limit, stopping\n');
    process.exit(2);
  }, 150_000).unref();
  try {
    await run();
    setTimeout(() => process.exit(0), 1_000).unref();
  } catch (error) {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  }
}
