// HTTP to the service on 127.0.0.1 only, over keep-alive sockets, timed with hrtime.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Enough sockets for a contended round of 200 requests to go out at once. An idle socket is
 * dropped after 2 s, before the server's 5 s keep-alive timeout can close it under a request
 * being written (which reads as ECONNRESET).
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512, timeout: 2_000 });

export function closeAgent() {
  agent.destroy();
}

/**
 * One request; resolves with the status, the parsed JSON body and the latency in milliseconds
 * (request written → last byte read). Never rejects on an HTTP status, only on a socket error
 * or a timeout.
 */
export function request(baseUrl, method, path, { body, token } = {}) {
  const url = new URL(path, baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`bench talks to 127.0.0.1 only, not ${url.hostname}`);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers = { accept: 'application/json' };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      { agent, host: '127.0.0.1', port: url.port, method, path: url.pathname + url.search, headers },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = { raw: text.slice(0, 200) };
          }
          resolve({ status: res.statusCode, body: json, ms });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function runPool(count, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Throws with the answer when the status is not the expected one (setup steps). */
export async function expectStatus(promise, expected, what) {
  const response = await promise;
  if (response.status !== expected) {
    throw new Error(`${what}: expected ${expected}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/**
 * CPU time (user + system, ms) of the process's main thread, which runs the service while the
 * load comes from a worker thread. Read from Linux's /proc in clock ticks of 10 ms; NaN
 * elsewhere. Unlike latency, it hardly moves when other programs share the cores.
 */
export function serviceCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

export function elapsedMs(startedNs) {
  return Number(process.hrtime.bigint() - startedNs) / 1e6;
}

/** Nearest-rank percentile of latencies in ms. */
export function percentile(sortedMs, p) {
  if (sortedMs.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sortedMs.length);
  return sortedMs[Math.min(sortedMs.length, Math.max(1, rank)) - 1];
}

/** One row of the results table; `cpuMs` is the service thread's CPU over the timed part. */
export function summarize(name, latenciesMs, wallMs, cpuMs, extra = {}) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    name,
    requests: sorted.length,
    wallMs,
    perSecond: (sorted.length / wallMs) * 1000,
    cpuPerRequest: cpuMs / sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    ...extra,
  };
}
