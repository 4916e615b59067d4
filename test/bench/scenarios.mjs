// The three measurements: uncontended booking, contended booking, site availability.
import { MACHINES, NOW, SITE_ID } from './bench-site.mjs';
import { elapsedMs, request, runPool, serviceCpuMs, summarize } from './http-client.mjs';

/** Local slots 08:00, 09:30, …, 18:30, one hour each: the 30 min gaps exceed the printers' 15 min buffer. */
const SLOTS_PER_DAY = 8;
const SLOT_STEP_MINUTES = 90;

const isoLocal = (dateTime) => dateTime.toISO({ suppressMilliseconds: true });

function slot(dayOffset, startMinutes, lengthMinutes) {
  const start = NOW.startOf('day').plus({ days: dayOffset, minutes: startMinutes });
  return { start: isoLocal(start), end: isoLocal(start.plus({ minutes: lengthMinutes })) };
}

/**
 * `count` bookings, each on a free slot of its own (machine i mod 50, then the next slot of the
 * day, from tomorrow on), `concurrency` in flight, makers taking turns. Every answer must be 201.
 */
export async function bookUncontended(bench, makers, { count, concurrency }) {
  const perMachine = Math.ceil(count / MACHINES.length);
  if (perMachine > SLOTS_PER_DAY * 7) throw new Error(`${count} bookings do not fit in a week of slots`);
  const latencies = [];
  const failures = [];
  const cpuBefore = serviceCpuMs();
  const started = process.hrtime.bigint();
  await runPool(count, concurrency, async (i) => {
    const machine = MACHINES[i % MACHINES.length];
    const n = Math.floor(i / MACHINES.length);
    const when = slot(1 + Math.floor(n / SLOTS_PER_DAY), 8 * 60 + (n % SLOTS_PER_DAY) * SLOT_STEP_MINUTES, 60);
    const response = await request(bench.url, 'POST', '/api/v1/reservations', {
      token: makers[i % makers.length].token,
      body: { machineId: machine.id, ...when },
    });
    latencies.push(response.ms);
    if (response.status !== 201) failures.push({ i, machine: machine.id, ...when, response });
  });
  const wallMs = elapsedMs(started);
  const cpuMs = serviceCpuMs() - cpuBefore;
  const ok = count - failures.length;
  return {
    row: summarize(`booking, uncontended (${concurrency} in flight)`, latencies, wallMs, cpuMs, {
      outcome: `${ok}/${count} × 201`,
    }),
    failures: failures.map(
      (f) => `uncontended #${f.i} ${f.machine} ${f.start}: ${f.response.status} ${JSON.stringify(f.response.body)}`,
    ),
  };
}

/**
 * `rounds` rounds in which every maker asks at the same instant for the same machine and hour
 * (a new one each round, from next week on). Each round must give exactly one 201 and only
 * RESERVATION_CONFLICT 409s.
 */
export async function bookContended(bench, makers, { rounds }) {
  const latencies = [];
  const failures = [];
  let wallMs = 0;
  let cpuMs = 0;
  for (let round = 0; round < rounds; round++) {
    const machine = MACHINES[(round * 7) % MACHINES.length];
    const when = slot(8 + round, 10 * 60, 60);
    await warmSockets(bench, makers);
    const cpuBefore = serviceCpuMs();
    const started = process.hrtime.bigint();
    const responses = await Promise.all(
      makers.map((maker) =>
        request(bench.url, 'POST', '/api/v1/reservations', {
          token: maker.token,
          body: { machineId: machine.id, ...when },
        }),
      ),
    );
    wallMs += elapsedMs(started);
    cpuMs += serviceCpuMs() - cpuBefore;
    const created = responses.filter((r) => r.status === 201).length;
    const conflicts = responses.filter((r) => r.status === 409 && r.body?.code === 'RESERVATION_CONFLICT').length;
    for (const r of responses) latencies.push(r.ms);
    if (created !== 1 || conflicts !== makers.length - 1) {
      const others = responses.filter((r) => r.status !== 201 && r.body?.code !== 'RESERVATION_CONFLICT');
      failures.push(
        `contended round ${round + 1} (${machine.id} ${when.start}): ${created} × 201, ${conflicts} × 409 ` +
          `RESERVATION_CONFLICT, ${others.length} other` +
          (others.length ? ` e.g. ${others[0].status} ${JSON.stringify(others[0].body)}` : ''),
      );
    }
  }
  return {
    row: summarize(`booking, contended (${makers.length} at once)`, latencies, wallMs, cpuMs, {
      outcome: failures.length
        ? `${rounds - failures.length}/${rounds} rounds OK`
        : `${rounds}/${rounds} rounds: 1 × 201 + ${makers.length - 1} × 409`,
    }),
    failures,
  };
}

/** Opens one keep-alive socket per maker first, so a round measures booking, not TCP set-up. */
async function warmSockets(bench, makers) {
  await Promise.all(makers.map((maker) => request(bench.url, 'GET', '/api/v1/me', { token: maker.token })));
}

/**
 * Availability of the whole site from tomorrow 00:00 (the first day the uncontended run filled)
 * for `days` days, one request at a time.
 */
export async function availability(bench, token, { days, count, warmup }) {
  const from = NOW.startOf('day').plus({ days: 1 });
  const query = new URLSearchParams({ from: isoLocal(from), to: isoLocal(from.plus({ days })) });
  const path = `/api/v1/sites/${SITE_ID}/availability?${query}`;
  const failures = [];
  let reserved = 0;
  const once = async () => {
    const response = await request(bench.url, 'GET', path, { token });
    const machines = response.body?.machines ?? [];
    if (response.status !== 200 || machines.length !== MACHINES.length) {
      failures.push(`availability ${days} d: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
    } else {
      reserved = machines.reduce((sum, m) => sum + m.unavailable.filter((u) => u.reason === 'reserved').length, 0);
    }
    return response.ms;
  };
  for (let i = 0; i < warmup; i++) await once();
  const latencies = [];
  const cpuBefore = serviceCpuMs();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) latencies.push(await once());
  const wallMs = elapsedMs(started);
  const cpuMs = serviceCpuMs() - cpuBefore;
  return {
    row: summarize(`availability, ${days} day${days > 1 ? 's' : ''} × 50 machines`, latencies, wallMs, cpuMs, {
      outcome: failures.length ? `${failures.length} failed` : `200, ${reserved} reserved spans`,
    }),
    failures: failures.slice(0, 5),
  };
}
