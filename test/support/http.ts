import request from 'supertest';
import type { TestApp } from './test-app.js';
import { ADMIN } from './test-app.js';

export type Api = ReturnType<typeof api>;

/** supertest bound to the running service, optionally with a bearer token. */
export function api(testApp: TestApp, token?: string) {
  const withAuth = (test: request.Test) => (token ? test.set('Authorization', `Bearer ${token}`) : test);
  const agent = request(testApp.url);
  return {
    get: (path: string) => withAuth(agent.get(path)),
    post: (path: string, body?: object) => withAuth(agent.post(path)).send(body ?? {}),
    /** A POST to fill with `.field()` and `.attach()` (multipart/form-data). */
    multipart: (path: string) => withAuth(agent.post(path)),
    patch: (path: string, body?: object) => withAuth(agent.patch(path)).send(body ?? {}),
    delete: (path: string) => withAuth(agent.delete(path)),
  };
}

export async function login(testApp: TestApp, loginName: string, password: string): Promise<string> {
  const response = await api(testApp).post('/api/v1/auth/login', { login: loginName, password });
  if (response.status !== 200)
    throw new Error(`login ${loginName} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.accessToken as string;
}

export const loginAdmin = (testApp: TestApp) => login(testApp, ADMIN.email, ADMIN.password);

let sequence = 0;

/** Creates an account through the admin API and signs it in. */
export async function createAccount(
  testApp: TestApp,
  adminToken: string,
  account: { role: 'maker' | 'staff' | 'admin'; siteIds?: string[]; memberCode?: string; email?: string },
): Promise<{ id: string; token: string; login: string; password: string }> {
  sequence += 1;
  const password = `password-${sequence}-${Math.random().toString(36).slice(2)}`;
  const loginName = account.email ?? account.memberCode ?? `M-${Date.now().toString(36)}-${sequence}`.toUpperCase();
  const body = {
    role: account.role,
    displayName: `${account.role} ${sequence}`,
    password,
    siteIds: account.siteIds,
    ...(loginName.includes('@') ? { email: loginName } : { memberCode: loginName }),
  };
  const response = await api(testApp, adminToken).post('/api/v1/users', body);
  if (response.status !== 201)
    throw new Error(`create ${account.role} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.id, token: await login(testApp, loginName, password), login: loginName, password };
}
