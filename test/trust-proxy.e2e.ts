import { afterEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { startTestApp, type TestApp } from './support/test-app.js';

const FAILURES_PER_ADDRESS = 3;

/** A wrong password for a made-up account, from a client the proxy names in X-Forwarded-For. */
function failSignIn(t: TestApp, forwardedFor: string, attempt: number) {
  return request(t.url)
    .post('/api/v1/auth/login')
    .set('X-Forwarded-For', forwardedFor)
    .send({ login: `nobody-${attempt}@fabrique.test`, password: 'not the password at all' });
}

/** Locks out one address, then signs in wrongly once from another one; returns that status. */
async function otherAddressAfterLockout(t: TestApp): Promise<number> {
  for (let attempt = 0; attempt < FAILURES_PER_ADDRESS; attempt += 1) {
    expect((await failSignIn(t, '203.0.113.7', attempt)).status).toBe(401);
  }
  expect((await failSignIn(t, '203.0.113.7', 99)).status).toBe(429);
  return (await failSignIn(t, '198.51.100.23', 100)).status;
}

describe('per-address limits behind a reverse proxy (server.trustProxy)', () => {
  let t: TestApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const start = (trustProxy?: string) =>
    startTestApp({
      configure: (raw) => {
        raw.auth.throttle = { ...raw.auth.throttle, ipFailures: FAILURES_PER_ADDRESS };
        if (trustProxy) raw.server.trustProxy = trustProxy;
      },
    });

  it('ignores X-Forwarded-For by default: anyone could pick the address a limit counts', async () => {
    t = await start();
    expect(await otherAddressAfterLockout(t)).toBe(429);
  });

  it('counts each client address on its own when the proxy is trusted', async () => {
    t = await start('loopback');
    expect(await otherAddressAfterLockout(t)).toBe(401);
  });
});
