import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PASSWORD = 'a long enough password';

describe('sign-in throttling: one account, one budget', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    const created = await api(t, admin).post('/api/v1/users', {
      role: 'maker',
      displayName: 'Sid',
      password: PASSWORD,
      email: 'sid@fabrique.test',
      memberCode: 'SI-2041',
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => t.close());

  const login = (identifier: string, password: string) =>
    api(t).post('/api/v1/auth/login', { login: identifier, password });

  it('counts every spelling of the member code and the email against the same account', async () => {
    // Each finds the account: `ſ` and `ı` upper-case to S and I, as member codes are looked up.
    const spellings = ['ſi-2041', 'sı-2041', 'ſı-2041', ' SI-2041', 'SID@fabrique.test'];
    for (const spelling of spellings) {
      const wrong = await login(spelling, 'not the password');
      expect([spelling, wrong.status]).toEqual([spelling, 401]);
    }
    // The account's budget (5 in the default config) is spent, whichever spelling comes next.
    const right = await login('si-2041', PASSWORD);
    expect([right.status, right.body.code]).toEqual([429, 'TOO_MANY_ATTEMPTS']);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(16 * 60_000);
    expect((await login('sı-2041', PASSWORD)).status).toBe(200);
  });
});

describe('a replayed refresh token ends every session of the account, access tokens included', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await loginAdmin(t);
    await api(t, admin).post('/api/v1/users', {
      role: 'maker',
      displayName: 'Replay',
      password: PASSWORD,
      memberCode: 'RP-1',
    });
  });
  afterAll(() => t.close());

  const signIn = async () => (await api(t).post('/api/v1/auth/login', { login: 'RP-1', password: PASSWORD })).body;
  const refresh = (refreshToken: string) => api(t).post('/api/v1/auth/refresh', { refreshToken });
  const me = async (accessToken: string) => (await api(t, accessToken).get('/api/v1/me')).status;

  it('refuses at once the access tokens of the stolen family and of the account’s other sessions', async () => {
    const phone = await signIn();
    const laptop = await signIn();
    const rotated = (await refresh(phone.refreshToken)).body;
    expect(await me(rotated.accessToken)).toBe(200);

    // Someone presents the phone's first refresh token again: a stolen copy.
    const replay = await refresh(phone.refreshToken);
    expect([replay.status, replay.body.code]).toEqual([401, 'INVALID_REFRESH_TOKEN']);

    for (const accessToken of [phone.accessToken, rotated.accessToken, laptop.accessToken]) {
      expect(await me(accessToken)).toBe(401);
    }
    for (const refreshToken of [rotated.refreshToken, laptop.refreshToken]) {
      expect((await refresh(refreshToken)).status).toBe(401);
    }
    // Signing in again opens a session that works.
    const fresh = await signIn();
    expect(await me(fresh.accessToken)).toBe(200);
  });

  it('still refuses them after a restart, while the new session goes on', async () => {
    const old = await signIn();
    const rotated = (await refresh(old.refreshToken)).body;
    expect((await refresh(old.refreshToken)).status).toBe(401);
    const fresh = await signIn();
    await t.restart();
    expect(await me(rotated.accessToken)).toBe(401);
    expect(await me(fresh.accessToken)).toBe(200);
  });
});
