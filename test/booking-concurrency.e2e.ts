import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, request } from 'node:http';
import { trainedMaker, type Maker } from './support/booking.js';
import { api, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ROUNDS = 20;
const REQUESTS_PER_ROUND = 200;
const HOUR = 3_600_000;

/**
 * POSTs a booking on a connection of its own: 200 sockets really in flight at once. Not kept alive:
 * on a busy machine a socket idle past the server's keep-alive timeout while the round finishes
 * would be reused just as the server closes it ("socket hang up"), a race of the client, not the service.
 */
function post(t: TestApp, agent: Agent, token: string, body: object): Promise<{ status: number; code?: string }> {
  const url = new URL('/api/v1/reservations', t.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
          'Content-Length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            code: text ? (JSON.parse(text) as { code?: string }).code : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('no double booking, ever', () => {
  let t: TestApp;
  let makers: Maker[];
  const agent = new Agent({ keepAlive: false, maxSockets: REQUESTS_PER_ROUND });

  beforeAll(async () => {
    t = await startTestApp({
      configure: (raw) => {
        // Quotas out of the way: the race is about the slot, not about one maker's limits.
        Object.assign(raw.booking.kinds.fdm_printer, {
          maxOpenReservations: 1000,
          maxHoursPerDay: 24,
          maxHoursPerWeek: 168,
        });
      },
    });
    const adminToken = await loginAdmin(t);
    makers = await Promise.all(Array.from({ length: 8 }, () => trainedMaker(t, adminToken, ['fdm-basics'])));
  });
  afterAll(async () => {
    agent?.destroy();
    await t?.close();
  });

  it(`gives exactly one 201 and ${REQUESTS_PER_ROUND - 1} clean 409s for ${REQUESTS_PER_ROUND} simultaneous requests, ${ROUNDS} rounds`, async () => {
    const firstSlot = Date.parse('2026-11-24T10:00:00+01:00');
    for (let round = 0; round < ROUNDS; round++) {
      // Rounds walk through Tuesday to Friday, 30 minutes each, all inside opening hours.
      const day = Math.floor(round / 5);
      const start = firstSlot + day * 24 * HOUR + (round % 5) * 1.5 * HOUR;
      const body = {
        machineId: 'so-prusa-mk4-1',
        start: new Date(start).toISOString(),
        end: new Date(start + HOUR / 2).toISOString(),
      };
      const answers = await Promise.all(
        Array.from({ length: REQUESTS_PER_ROUND }, (_, i) => post(t, agent, makers[i % makers.length].token, body)),
      );
      const tally = answers.reduce<Record<string, number>>((counts, { status, code }) => {
        const key = `${status} ${code ?? ''}`.trim();
        counts[key] = (counts[key] ?? 0) + 1;
        return counts;
      }, {});
      expect({ round, tally }).toEqual({
        round,
        tally: { '201': 1, '409 RESERVATION_CONFLICT': REQUESTS_PER_ROUND - 1 },
      });
    }
    const booked = await api(t, makers[0].token).get(
      `/api/v1/sites/saint-ouen/availability?from=${encodeURIComponent('2026-11-24T00:00:00+01:00')}&to=${encodeURIComponent('2026-11-28T00:00:00+01:00')}&kind=fdm_printer`,
    );
    const prusa = booked.body.machines.find((m: { machineId: string }) => m.machineId === 'so-prusa-mk4-1');
    expect(prusa.unavailable.filter((i: { reason: string }) => i.reason === 'reserved')).toHaveLength(ROUNDS);
  });
});
