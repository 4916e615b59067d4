import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { api, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** About 15 kB: the size of the body that overflowed class-transformer's stack (issue 15). */
const DEPTH = 2_500;
const deeplyNested = () => '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
/** Arrays nest as deep as objects, and nesting inside a string is no nesting at all. */
const deeplyNestedArray = () => '{"tags":' + '['.repeat(DEPTH) + ']'.repeat(DEPTH) + '}';
const nestedInAString = () => JSON.stringify({ login: '{"['.repeat(60), password: '[\\"{'.repeat(40) });
/** Past the JSON body limit (100 kB), still well-formed. */
const oversized = () => JSON.stringify({ login: 'x'.repeat(200 * 1024), password: 'y' });

interface Route {
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
}

/**
 * Every route that can take a body, read from Express's router after Nest registered them, so a
 * route added later is covered without anyone remembering this file. Path parameters get a
 * made-up value: the body is judged before the route's handler, guard or pipes ever run.
 */
function bodyRoutes(t: TestApp): Route[] {
  const express = t.app.getHttpAdapter().getInstance() as Express & {
    router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
  };
  const routes: Route[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      if (layer.route.methods[method]) {
        routes.push({ method, path: layer.route.path.replace(/:(\w+)/g, 'x-$1') });
      }
    }
  }
  return routes;
}

describe('request bodies are bounded before anything reads them', () => {
  let t: TestApp;
  let admin: string;
  let routes: Route[];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    routes = bodyRoutes(t);
  });
  afterAll(() => t.close());

  const send = (route: Route, body: string, token?: string) => {
    const test = request(t.url)[route.method](route.path).set('Content-Type', 'application/json');
    return (token ? test.set('Authorization', `Bearer ${token}`) : test).send(body);
  };

  it('finds the routes that take a body, sign-in and the profile among them', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: 'post', path: '/api/v1/auth/login' },
        { method: 'patch', path: '/api/v1/me' },
        { method: 'post', path: '/api/v1/jobs' },
        { method: 'put', path: '/api/v1/me/profile' },
      ]),
    );
  });

  it('answers 400 BODY_TOO_DEEP to deeply nested JSON on every body-taking route, signed in or not', async () => {
    const answers: string[] = [];
    for (const route of routes) {
      for (const [body, token] of [
        [deeplyNested(), admin],
        [deeplyNestedArray(), admin],
        [deeplyNested(), undefined],
      ] as const) {
        const response = await send(route, body, token);
        answers.push(`${route.method} ${route.path} ${response.status} ${response.body.code}`);
      }
    }
    expect(answers.filter((a) => !a.endsWith(' 400 BODY_TOO_DEEP'))).toEqual([]);
  });

  it('answers 413 PAYLOAD_TOO_LARGE to oversized JSON on every body-taking route', async () => {
    const answers: string[] = [];
    for (const route of routes) {
      const response = await send(route, oversized(), admin);
      answers.push(`${route.method} ${route.path} ${response.status} ${response.body.code}`);
    }
    expect(answers.filter((a) => !a.endsWith(' 413 PAYLOAD_TOO_LARGE'))).toEqual([]);
  });

  it('still reads brackets inside strings as text, and signs in with a shallow body', async () => {
    const refused = await send({ method: 'post', path: '/api/v1/auth/login' }, nestedInAString());
    expect([refused.status, refused.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    const me = await api(t, admin).patch('/api/v1/me', { locale: 'fr' });
    expect([me.status, me.body.locale]).toEqual([200, 'fr']);
  });

  it('stays up and serves after all of it', async () => {
    expect((await api(t).get('/health')).status).toBe(200);
  });
});
