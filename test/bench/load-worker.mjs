// The load generator, on a thread of its own so that building requests and reading answers does
// not compete with the service for its event loop (the machine has 2 cores: one each).
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { closeAgent, serviceCpuMs } from './http-client.mjs';
import { availability, bookContended, bookUncontended } from './scenarios.mjs';

const { url, makers, plan } = workerData;
const bench = { url };
const SETTLE_WINDOW_MS = 500;
const SETTLE_LIMIT_MS = 60_000;

/**
 * Waits until the service thread has used at most 10 % of a core for two windows in a row, so
 * each benchmark starts on a quiet service: after a burst of bookings, work the service queued
 * (live occupancy) can run on for seconds. Returns how long that took.
 */
async function settle() {
  const started = Date.now();
  let quiet = 0;
  while (quiet < 2 && Date.now() - started < SETTLE_LIMIT_MS) {
    const before = serviceCpuMs();
    await sleep(SETTLE_WINDOW_MS);
    const used = serviceCpuMs() - before;
    quiet = used <= SETTLE_WINDOW_MS / 10 || Number.isNaN(used) ? quiet + 1 : 0;
  }
  return Date.now() - started;
}

async function run(scenario) {
  const settleMs = await settle();
  const result = await scenario();
  parentPort.postMessage({ type: 'result', ...result, row: { ...result.row, settleMs } });
}

try {
  await run(() => bookUncontended(bench, makers, plan.uncontended));
  await run(() => bookContended(bench, makers, plan.contended));
  for (const days of [1, 7]) await run(() => availability(bench, makers[0].token, { days, ...plan.availability }));
  parentPort.postMessage({ type: 'done' });
} catch (error) {
  parentPort.postMessage({
    type: 'error',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
} finally {
  closeAgent();
}
