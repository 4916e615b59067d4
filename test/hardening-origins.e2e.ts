import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { api, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PARTNER = 'https://board.partner.example';

/** Whether the live socket admits a client whose browser page is at `origin` (none: a program). */
function liveAdmits(t: TestApp, token: string, transport: 'websocket' | 'polling', origin?: string) {
  const socket: Socket = io(`${t.url}/live`, {
    auth: { token, siteId: 'saint-ouen' },
    transports: [transport],
    reconnection: false,
    forceNew: true,
    extraHeaders: origin ? { Origin: origin } : {},
  });
  return new Promise<boolean>((resolve) => {
    socket.once('snapshot', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  }).finally(() => socket.close());
}

describe('who may read the service from a browser', () => {
  let t: TestApp;
  let staff: string;

  beforeAll(async () => {
    t = await startTestApp({ configure: (raw) => (raw.server.allowedOrigins = [PARTNER]) });
    staff = await loginAdmin(t);
  });
  afterAll(() => t.close());

  it('opens the live socket to the service’s own pages, configured origins and programs', async () => {
    for (const transport of ['websocket', 'polling'] as const) {
      expect(await liveAdmits(t, staff, transport, t.url)).toBe(true);
      expect(await liveAdmits(t, staff, transport, PARTNER)).toBe(true);
      expect(await liveAdmits(t, staff, transport)).toBe(true);
    }
  });

  it('refuses the live socket to another site’s page, even with a valid token', async () => {
    for (const transport of ['websocket', 'polling'] as const) {
      for (const origin of ['https://evil.example', 'http://127.0.0.1:1', 'null']) {
        expect([transport, origin, await liveAdmits(t, staff, transport, origin)]).toEqual([transport, origin, false]);
      }
    }
  });

  it('marks every API answer nosniff, unframeable and referrer-free, errors and files included', async () => {
    const answers = [
      await api(t, staff).get('/api/v1/sites'),
      await api(t).get('/api/v1/me'),
      await api(t).post('/api/v1/auth/login', { login: 'x', password: 'y' }),
      await api(t).get('/api/v1/no-such-route'),
      await api(t).get('/health'),
      await api(t).get('/api/docs/openapi.json'),
    ];
    for (const answer of answers) {
      expect(answer.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cross-origin-resource-policy': 'same-origin',
      });
    }
  });
});
