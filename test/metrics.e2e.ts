import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { prusaSlicerGcode } from '../src/jobs/metadata/testing/gcode.fixtures.js';
import { eventually, FakeBridge } from './support/fake-bridge.js';
import { api, loginAdmin } from './support/http.js';
import { LiveClient } from './support/live-client.js';
import { parsePrometheus, type Exposition } from './support/prometheus.js';
import { freePorts } from './support/service-process.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const TOKEN = 'metrics-token-for-the-test-0123456789';
const SITES = { method: 'GET', route: '/api/v1/sites', status: '200' };

describe('/metrics: Prometheus text behind a token, moving with traffic', () => {
  let t: TestApp;
  let adminToken: string;
  let bridge: FakeBridge | undefined;
  let screen: LiveClient | undefined;

  beforeAll(async () => {
    t = await startTestApp({ configure: (raw) => (raw.metrics = { token: TOKEN }) });
    adminToken = await loginAdmin(t);
  });

  afterAll(async () => {
    screen?.socket.close();
    await bridge?.clearRetained();
    await bridge?.close();
    await t?.close();
  });

  const scrape = async (): Promise<Exposition> => {
    const response = await request(t.url).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(response.text);
  };

  it('refuses a scrape without the token, or with another one', async () => {
    expect((await request(t.url).get('/metrics')).status).toBe(401);
    const wrong = await request(t.url)
      .get('/metrics')
      .set('Authorization', `Bearer ${TOKEN.replace('0', '1')}`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('UNAUTHENTICATED');
  });

  it('reports every family an operator watches, in valid exposition format', async () => {
    const metrics = await scrape();
    expect(Object.fromEntries(metrics.types)).toMatchObject({
      fabrique_http_request_duration_seconds: 'histogram',
      fabrique_mqtt_messages_total: 'counter',
      fabrique_live_fanout_seconds: 'histogram',
      fabrique_live_screens: 'gauge',
      fabrique_bridges_online: 'gauge',
      fabrique_jobs: 'gauge',
      fabrique_outbox_pending: 'gauge',
      fabrique_db_writes_in_flight: 'gauge',
      nodejs_eventloop_lag_seconds: 'gauge',
    });
    if (t.config.database.driver === 'postgres') {
      expect(metrics.value('fabrique_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    }
  });

  it('has every metric the shipped Grafana dashboard draws', async () => {
    const dashboard = readFileSync('config/grafana/fabrique-dashboard.json', 'utf8');
    const drawn = new Set(
      [...dashboard.matchAll(/\b((?:fabrique|nodejs|process)_[a-z0-9_]+)/g)].map(([name]) =>
        name.replace(/_(bucket|count|sum)$/, ''),
      ),
    );
    const families = (await scrape()).types;
    expect([...drawn].filter((name) => !families.has(name))).toEqual([]);
  });

  it('counts HTTP requests by route pattern, not by path', async () => {
    const before = (await scrape()).value('fabrique_http_request_duration_seconds_count', SITES) ?? 0;
    for (let i = 0; i < 3; i += 1) expect((await api(t, adminToken).get('/api/v1/sites')).status).toBe(200);
    expect((await api(t, adminToken).get('/api/v1/sites/dakar')).status).toBe(200);
    const after = await scrape();
    expect(after.value('fabrique_http_request_duration_seconds_count', SITES)).toBe(before + 3);
    const byPattern = { method: 'GET', route: '/api/v1/sites/:siteId', status: '200' };
    expect(after.value('fabrique_http_request_duration_seconds_count', byPattern)).toBe(1);
    expect(after.samples.some((s) => s.labels.route === '/api/v1/sites/dakar')).toBe(false);
  });

  it('moves with a bridge, a screen and a job: MQTT outcomes, bridges online, screens, fan-out, jobs', async () => {
    const kiosk = await api(t, adminToken).post('/api/v1/devices/kiosks', { siteId: 'saint-ouen', label: 'Lobby' });
    screen = new LiveClient(t.url, { token: kiosk.body.token, siteId: 'saint-ouen' });
    await screen.waitFor((_, event) => event === 'snapshot');
    const issued = await api(t, adminToken).post('/api/v1/devices/bridges', {
      bridgeId: 'metrics-bridge',
      machineIds: ['so-prusa-mk4-1'],
      label: 'metrics',
    });
    const before = await scrape();
    const accepted = before.value('fabrique_mqtt_messages_total', { outcome: 'ACCEPTED' }) ?? 0;
    const fanOuts = before.value('fabrique_live_fanout_seconds_count') ?? 0;
    expect(before.value('fabrique_live_screens', { audience: 'kiosk' })).toBe(1);

    bridge = new FakeBridge({
      url: t.mqttUrl,
      prefix: t.config.mqtt.topicPrefix,
      bridgeId: 'metrics-bridge',
      machineIds: ['so-prusa-mk4-1'],
      password: issued.body.mqttPassword,
    });
    await bridge.connect();
    await bridge.send(bridge.encoder.state('so-prusa-mk4-1', { state: 'idle', interventions: [] }));
    const moved = await eventually(async () => {
      const now = await scrape();
      const fanOutCount = now.value('fabrique_live_fanout_seconds_count') ?? 0;
      return (now.value('fabrique_mqtt_messages_total', { outcome: 'ACCEPTED' }) ?? 0) >= accepted + 2 &&
        fanOutCount > fanOuts
        ? now
        : undefined;
    });
    expect(moved.value('fabrique_bridges_online')).toBe(1);

    const uploaded = await api(t, adminToken)
      .multipart('/api/v1/jobs')
      .field('siteId', 'saint-ouen')
      .attach('file', Buffer.from(prusaSlicerGcode()), 'badge.gcode');
    expect(uploaded.status).toBe(201);
    expect((await scrape()).value('fabrique_jobs', { state: 'draft' })).toBe(1);
  });
});

describe('/metrics on a port of its own', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    port = (await freePorts(1))[0];
    t = await startTestApp({ configure: (raw) => (raw.metrics = { port, host: '127.0.0.1' }) });
  });

  afterAll(() => t?.close());

  it('serves them there without a token, and not on the public port', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(parsePrometheus(await response.text()).types.get('fabrique_jobs')).toBe('gauge');
    const publicPort = await request(t.url).get('/metrics');
    expect(publicPort.status).toBe(404);
    expect(publicPort.body.message).toContain(`port ${port}`);
  });
});
