import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectAsync, type MqttClient } from 'mqtt';
import { bridgeClientId } from '@fabrique/firmware-bridge';
import { eventually, FakeBridge } from './support/fake-bridge.js';
import { api, loginAdmin } from './support/http.js';
import { mosquittoAvailable, TestMosquitto, WATCHER } from './support/mosquitto.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SERVICE_PASSWORD = 'service-password-for-the-test-broker';
const MINE = 'so-prusa-mk4-1';
const OTHERS = 'so-prusa-mk4-2';

// CI (MQTT_URL set) has Mosquitto and must run this; a developer without it is told and skips.
const run = mosquittoAvailable() || process.env.MQTT_URL ? describe : describe.skip;
if (!mosquittoAvailable() && !process.env.MQTT_URL) {
  process.stdout.write(
    'mosquitto-dynsec.e2e: /usr/sbin/mosquitto not installed, skipped (apt-get install mosquitto)\n',
  );
}

run('Mosquitto with dynamic security: bridge accounts follow the app', () => {
  let broker: TestMosquitto;
  let t: TestApp;
  let adminToken: string;
  let watcher: MqttClient;
  const seen: string[] = [];
  const bridges: FakeBridge[] = [];

  beforeAll(async () => {
    broker = await TestMosquitto.start(SERVICE_PASSWORD);
    t = await startTestApp({
      configure: (raw) => {
        raw.mqtt.url = `mqtt://fabrique-service:${SERVICE_PASSWORD}@127.0.0.1:${broker.port}`;
        raw.mqtt.dynamicSecurity = true;
      },
    });
    adminToken = await loginAdmin(t);
    // On its first connection the service grants itself its role, and Mosquitto reconnects it once;
    // until then issuing answers 503 (try again). The tests start once the broker takes accounts.
    const warmUp = await eventually(async () => {
      const issued = await api(t, adminToken).post('/api/v1/devices/bridges', {
        bridgeId: 'warm-up',
        machineIds: ['dk-prusa-mini-1'],
        label: 'warm-up',
      });
      return issued.status === 201 ? (issued.body as { id: string }) : undefined;
    });
    expect((await api(t, adminToken).post(`/api/v1/devices/${warmUp.id}/revoke`)).status).toBeLessThan(300);
    // What the service's side of the broker sees: every topic under the prefix.
    watcher = await connectAsync(broker.url, { username: WATCHER, password: SERVICE_PASSWORD });
    watcher.on('message', (topic) => seen.push(topic));
    await eventually(async () => {
      const granted = await watcher.subscribeAsync(`${t.config.mqtt.topicPrefix}/#`);
      return granted[0].qos === 0 ? true : undefined;
    });
  });

  afterAll(async () => {
    for (const bridge of bridges) await bridge.close();
    await watcher?.endAsync(true);
    await t?.close();
    await broker?.stop();
  });

  const issue = async (bridgeId: string, machineIds: string[]) => {
    const issued = await api(t, adminToken).post('/api/v1/devices/bridges', { bridgeId, machineIds, label: bridgeId });
    expect(issued.status).toBe(201);
    return issued.body as { id: string; mqttPassword: string };
  };

  const bridgeFor = (bridgeId: string, password: string, machineIds = [MINE]) => {
    const bridge = new FakeBridge({
      url: broker.url,
      prefix: t.config.mqtt.topicPrefix,
      bridgeId,
      machineIds,
      password,
      clientId: bridgeClientId(bridgeId),
    });
    bridges.push(bridge);
    return bridge;
  };

  it('loads the shipped config and the plugin without a warning', () => {
    expect(broker.log).toMatch(/mosquitto version 2/);
    expect(broker.log).not.toMatch(/warning/i);
  });

  it('lets a bridge issued through the API connect, and reach only its own topics', async () => {
    const issued = await issue('dynsec-bridge', [MINE]);
    const bridge = bridgeFor('dynsec-bridge', issued.mqttPassword);
    await bridge.connect();
    await bridge.send(bridge.encoder.state(MINE, { state: 'idle', interventions: [] }));
    await eventually(async () => {
      const response = await api(t, adminToken).get(`/api/v1/machines/${MINE}/live`);
      return response.body.state === 'idle' ? true : undefined;
    });

    // Another machine's commands: the broker refuses the subscription.
    await expect(bridge.client.subscribeAsync(`${t.config.mqtt.topicPrefix}/machines/${OTHERS}/cmd`)).rejects.toThrow(
      /Subscribe error/,
    );
    // Another machine's state: the broker drops the message (Mosquitto 2.0 also drops the
    // connection of a 3.1.1 client that tries). A later message of its own arrives; the foreign
    // one, sent first, never does.
    const foreign = `${t.config.mqtt.topicPrefix}/machines/${OTHERS}/state`;
    await bridge.raw(foreign, '{"stolen":true}', 0);
    const own = `${t.config.mqtt.topicPrefix}/machines/${MINE}/telemetry`;
    const sender = bridgeFor('dynsec-bridge', issued.mqttPassword);
    await sender.connect();
    await sender.raw(own, '{}');
    await eventually(() => (seen.includes(own) ? true : undefined)).catch((error: Error) => {
      throw new Error(`${error.message}; the watcher saw ${JSON.stringify(seen)}`);
    });
    expect(seen).not.toContain(foreign);
  });

  // Client-id takeover (issue 15): each bridge account the service provisions accepts its own
  // client id only, so no bridge can push another off the broker by naming its id.
  it("refuses a bridge that connects with another bridge's client id, and the other stays connected", async () => {
    const victimCredentials = await issue('victim-bridge', [MINE]);
    const attackerCredentials = await issue('attacker-bridge', [OTHERS]);
    const victim = await connectAsync(broker.url, {
      username: 'victim-bridge',
      password: victimCredentials.mqttPassword,
      clientId: bridgeClientId('victim-bridge'),
      reconnectPeriod: 0,
    });
    const closed = new Promise<false>((resolve) => victim.once('close', () => resolve(false)));
    // The bridge runtime's own id of the victim, and the victim's bridge id.
    for (const clientId of [bridgeClientId('victim-bridge'), 'victim-bridge']) {
      await expect(
        connectAsync(broker.url, {
          username: 'attacker-bridge',
          password: attackerCredentials.mqttPassword,
          clientId,
          reconnectPeriod: 0,
        }),
      ).rejects.toThrow(/Not authorized|Identifier rejected|Bad User Name or Password/i);
    }
    // Still the victim's connection: a round trip succeeds before any close.
    const roundTrip = victim
      .publishAsync(`${t.config.mqtt.topicPrefix}/machines/${MINE}/telemetry`, '{}', { qos: 1 })
      .then(() => true as const);
    expect(await Promise.race([closed, roundTrip])).toBe(true);
    await victim.endAsync(true);
  });

  it('refuses a wrong password, and cuts a bridge off the moment it is revoked', async () => {
    const issued = await issue('revoked-bridge', [OTHERS]);
    const impostor = bridgeFor('revoked-bridge', 'not-the-password', [OTHERS]);
    await expect(impostor.connect()).rejects.toThrow(/Not authorized|Bad User Name or Password/i);

    const bridge = bridgeFor('revoked-bridge', issued.mqttPassword, [OTHERS]);
    await bridge.connect();
    const closed = new Promise<void>((resolve) => bridge.client.once('close', () => resolve()));
    const revoked = await api(t, adminToken).post(`/api/v1/devices/${issued.id}/revoke`);
    expect(revoked.status).toBe(200);
    await closed;
    await expect(bridgeFor('revoked-bridge', issued.mqttPassword, [OTHERS]).connect()).rejects.toThrow(
      /Not authorized|Bad User Name or Password/i,
    );
  });
});
