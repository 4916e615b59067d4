import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { eventually, FakeBridge } from './support/fake-bridge.js';
import { api, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Watches a connection from now on: false once it closed, true once a QoS 1 publish came back. */
function watch(client: MqttClient) {
  const closed = new Promise<false>((resolve) => client.once('close', () => resolve(false)));
  return {
    /** Whether the connection is still the client's: a round trip succeeds before any close. */
    survived: (topic: string) =>
      Promise.race([closed, client.publishAsync(topic, 'still here', { qos: 1 }).then(() => true as const)]),
  };
}

const connect = (url: string, options: IClientOptions) => connectAsync(url, { reconnectPeriod: 0, ...options });

/**
 * Client-id takeover (issue 15): the live view shows each machine's bridge id, and a bridge that
 * connected with another bridge's client id under its own valid credentials disconnected it.
 * Both brokers we ship bind a bridge's client id to the identity that authenticated.
 */
describe('embedded broker: client ids bound to credentials, keepalive bounded', () => {
  let t: TestApp;
  let prefix: string;
  const password: Record<string, string> = {};
  let victim: FakeBridge;
  const opened: MqttClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ configure: (raw) => delete raw.mqtt.url });
    prefix = t.config.mqtt.topicPrefix;
    const admin = await loginAdmin(t);
    for (const [bridgeId, machineId] of [
      ['bridge-a', 'so-prusa-mk4-1'],
      ['bridge-b', 'so-prusa-mk4-2'],
    ]) {
      const issued = await api(t, admin).post('/api/v1/devices/bridges', {
        bridgeId,
        machineIds: [machineId],
        label: bridgeId,
      });
      password[bridgeId] = issued.body.mqttPassword;
    }
    victim = new FakeBridge({
      url: t.mqttUrl,
      prefix,
      bridgeId: 'bridge-a',
      machineIds: ['so-prusa-mk4-1'],
      password: password['bridge-a'],
    });
    await victim.connect();
    await victim.send(victim.encoder.state('so-prusa-mk4-1', { state: 'idle', interventions: [] }));
  });
  afterAll(async () => {
    await Promise.all(opened.map((client) => client.endAsync(true)));
    await victim.close();
    await t.close();
  });

  const bridgeOf = async () =>
    (await api(t, await loginAdmin(t)).get('/api/v1/machines/so-prusa-mk4-1/live')).body.bridge;

  it('keeps a bridge connected when another connects with its client id under its own credentials', async () => {
    await eventually(async () => ((await bridgeOf())?.online ? true : undefined));
    // The id the live view shows, and the id the victim asked for.
    for (const clientId of [(await bridgeOf()).id as string, victim.client.options.clientId!]) {
      const victimConnection = watch(victim.client);
      const attacker = await connect(t.mqttUrl, { username: 'bridge-b', password: password['bridge-b'], clientId });
      opened.push(attacker);
      expect([clientId, await victimConnection.survived(`${prefix}/machines/so-prusa-mk4-1/telemetry`)]).toEqual([
        clientId,
        true,
      ]);
      await attacker.endAsync();
    }
    expect(await bridgeOf()).toEqual({ id: 'bridge-a', online: true });
  });

  it('refuses a bridge that asks for no keepalive or a longer one than 300 s, and takes 300 s', async () => {
    for (const keepalive of [0, 301]) {
      await expect(
        connect(t.mqttUrl, { username: 'bridge-b', password: password['bridge-b'], keepalive }),
      ).rejects.toThrow(/Identifier rejected/);
    }
    const bounded = await connect(t.mqttUrl, { username: 'bridge-b', password: password['bridge-b'], keepalive: 300 });
    opened.push(bounded);
    expect(bounded.connected).toBe(true);
  });

  it('lets a bridge’s new connection replace its own old one: one bridge, one connection', async () => {
    const old = watch(victim.client);
    const again = await connect(t.mqttUrl, {
      username: 'bridge-a',
      password: password['bridge-a'],
      clientId: 'restarted',
    });
    opened.push(again);
    expect(await old.survived(`${prefix}/machines/so-prusa-mk4-1/telemetry`)).toBe(false);
    expect(again.connected).toBe(true);
  });
});
