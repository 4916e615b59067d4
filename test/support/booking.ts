import { expect } from '@jest/globals';
import { api, createAccount } from './http.js';
import type { TestApp } from './test-app.js';

/**
 * Wall-clock times at Saint-Ouen in the test week (CET, +01:00): `paris('tue', '14:00')`.
 * The test clock starts on Monday 23 November 2026 at 10:00 there.
 */
const WEEK = { mon: 23, tue: 24, wed: 25, thu: 26, fri: 27, sat: 28, sun: 29 } as const;
export function paris(day: keyof typeof WEEK, time: string): string {
  return `2026-11-${WEEK[day]}T${time}:00+01:00`;
}

export interface Maker {
  id: string;
  token: string;
  login: string;
  password: string;
}

/** A maker holding the trainings the demo's printers and embroidery machines require. */
export async function trainedMaker(
  t: TestApp,
  adminToken: string,
  trainings = ['fdm-basics', 'embroidery-basics'],
): Promise<Maker> {
  const maker = await createAccount(t, adminToken, { role: 'maker' });
  for (const training of trainings) {
    const granted = await api(t, adminToken).post(`/api/v1/users/${maker.id}/trainings`, { training });
    expect(granted.status).toBe(201);
  }
  return maker;
}

export function book(
  t: TestApp,
  token: string,
  body: { machineId: string; start: string; end: string; [key: string]: unknown },
) {
  return api(t, token).post('/api/v1/reservations', body);
}
