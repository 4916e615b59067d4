// `npm run bench`: booking throughput (uncontended and contended) and availability latency on a
// site with 50 machines and 100,000 past reservations, on SQLite and, with DATABASE_URL, on
// PostgreSQL too; then MQTT ingestion against a raw subscriber and state change → kiosk latency,
// both with 1,000 machines; then job dispatch latency with 200 queued jobs on 50 printers.
// Bounded in count and time, 127.0.0.1 only; see README.md beside this file.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { createMakers, seedHistory, startBenchApp } from './bench-app.mjs';
import { closeAgent, elapsedMs } from './http-client.mjs';
import { run as runIngestion } from './ingestion.mjs';
import { run as runJobsDispatch } from './jobs-dispatch.mjs';
import { run as runLiveLatency } from './live-latency.mjs';

const MAKERS = 200;
const HISTORY = { total: 100_000, days: 730 };
const UNCONTENDED = { count: 2_000, concurrency: 32 };
const CONTENDED = { rounds: 5 };
const AVAILABILITY = { count: 200, warmup: 20 };
/** The whole run stops itself past this, whatever hangs. */
const DEADLINE_MS = 9 * 60_000;

const log = (line) => process.stdout.write(`${line}\n`);

async function benchDriver(databaseUrl) {
  const label = databaseUrl ? `PostgreSQL (${redact(databaseUrl)})` : 'SQLite (better-sqlite3, WAL)';
  log(`\n== ${label}`);
  const bench = await startBenchApp(databaseUrl);
  for (const note of bench.notes) log(`   note: ${note}`);
  const failures = [];
  try {
    let started = process.hrtime.bigint();
    const makers = await createMakers(bench, MAKERS);
    const makersMs = elapsedMs(started);
    log(`   ${MAKERS} makers created, trained and signed in through the API in ${(makersMs / 1000).toFixed(1)} s`);
    started = process.hrtime.bigint();
    const rows = await seedHistory(bench, makers, HISTORY.total, HISTORY.days);
    const seedMs = elapsedMs(started);
    log(`   ${rows} past reservations over ${HISTORY.days} days written in ${(seedMs / 1000).toFixed(1)} s`);

    const results = [];
    await runLoad(bench.url, makers, (result) => {
      results.push(result.row);
      failures.push(...result.failures);
      log(`   ${formatRow(result.row)}`);
    });
    return { label, results, failures, setup: { makersMs, seedMs, rows } };
  } finally {
    await bench.close();
  }
}

/** Runs the scenarios in load-worker.mjs and hands each result to `onResult` as it comes. */
function runLoad(url, makers, onResult) {
  const plan = { uncontended: UNCONTENDED, contended: CONTENDED, availability: AVAILABILITY };
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: { url, makers, plan } });
  return new Promise((resolve, reject) => {
    worker.on('message', (message) => {
      if (message.type === 'result') onResult(message);
      else if (message.type === 'done') resolve();
      else if (message.type === 'error') reject(new Error(`load worker: ${message.message}`));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`load worker exited (${code}) before finishing`)));
  });
}

/** Which code the figures are for: the commit, `-dirty` with uncommitted changes. */
function revision() {
  try {
    const described = execFileSync('git', ['describe', '--always', '--dirty'], {
      cwd: new URL('../..', import.meta.url),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return `commit ${described.toString().trim()}`;
  } catch {
    return 'commit unknown';
  }
}

/** Other work on the machine skews every figure: the run prints the 1/5/15-minute load. */
function loadAverage() {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ');
}

function isLoopback(url) {
  const { hostname } = new URL(url);
  return ['127.0.0.1', 'localhost', '[::1]', ''].includes(hostname);
}

function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

const fixed = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

function formatRow(r) {
  return (
    `${r.name}: ${r.requests} req in ${fixed(r.wallMs / 1000, 2)} s, ${fixed(r.perSecond, 0)}/s, ` +
    `p50 ${fixed(r.p50)} ms, p99 ${fixed(r.p99)} ms, service CPU ${fixed(r.cpuPerRequest, 2)} ms/req — ${r.outcome} ` +
    `(started once the service was idle, after ${fixed(r.settleMs / 1000)} s)`
  );
}

function table(report) {
  const lines = [
    `### ${report.label}`,
    '',
    `Setup: ${MAKERS} makers through the API in ${fixed(report.setup.makersMs / 1000)} s; ` +
      `${report.setup.rows} past reservations (${HISTORY.days} days) inserted in ${fixed(report.setup.seedMs / 1000)} s.`,
    '',
    '| benchmark | requests | wall s | req/s | p50 ms | p99 ms | max ms | service CPU ms/req | outcome |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...report.results.map(
      (r) =>
        `| ${r.name} | ${r.requests} | ${fixed(r.wallMs / 1000, 2)} | ${fixed(r.perSecond, 0)} | ${fixed(r.p50)} | ` +
        `${fixed(r.p99)} | ${fixed(r.max)} | ${fixed(r.cpuPerRequest, 2)} | ${r.outcome} |`,
    ),
    '',
    'Each benchmark started once the service thread was idle; the wait before each: ' +
      report.results.map((r) => `${fixed(r.settleMs / 1000)} s`).join(', ') +
      '.',
  ];
  return lines.join('\n');
}

async function main() {
  const watchdog = setTimeout(() => {
    process.stderr.write(`\nBENCH FAILED: still running after ${DEADLINE_MS / 1000} s, stopping.\n`);
    process.exit(2);
  }, DEADLINE_MS);
  watchdog.unref();
  const started = process.hrtime.bigint();
  log(
    `Fabrique bench — ${new Date().toISOString().slice(0, 10)}, ${revision()}, Node ${process.version}, ` +
      `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), load average ${loadAverage()}`,
  );
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && !isLoopback(databaseUrl)) {
    throw new Error(`DATABASE_URL must point at 127.0.0.1 (or localhost): the bench talks to this machine only`);
  }
  const drivers = [undefined, ...(databaseUrl ? [databaseUrl] : [])];
  const reports = [];
  for (const url of drivers) reports.push(await benchDriver(url));
  closeAgent();

  log(`\n## Results (${fixed(elapsedMs(started) / 1000)} s in all; load average now ${loadAverage()})\n`);
  for (const report of reports) log(`${table(report)}\n`);
  const failures = reports.flatMap((r) => r.failures.map((f) => `${r.label}: ${f}`));
  if (failures.length > 0) {
    process.stderr.write(`\n!!! BENCH FAILED: ${failures.length} check(s) did not hold !!!\n`);
    for (const f of failures.slice(0, 20)) process.stderr.write(`  - ${f}\n`);
    process.exitCode = 1;
  }
  if (!process.env.DATABASE_URL) log('(set DATABASE_URL=postgres://… to run the same on PostgreSQL)');

  log('\n== MQTT ingestion, 1,000 machines');
  await runIngestion({ log });
  log('\n== Machine state change → kiosk, 1,000 machines, 500 kiosks');
  await runLiveLatency({ log });
  log('\n== Job dispatch, 200 queued jobs, 50 printers on real bridge runtimes');
  const dispatch = await runJobsDispatch({ log });
  const dispatchFailures = dispatch.flatMap((r) => r.failures.map((f) => `job dispatch, ${r.label}: ${f}`));
  if (dispatchFailures.length > 0) {
    process.stderr.write(`\n!!! BENCH FAILED: ${dispatchFailures.length} check(s) did not hold !!!\n`);
    for (const f of dispatchFailures) process.stderr.write(`  - ${f}\n`);
    process.exitCode = 1;
  }
  clearTimeout(watchdog);
}

main().catch((error) => {
  process.stderr.write(`\nBENCH FAILED: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exit(1);
});
