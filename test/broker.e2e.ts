import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectAsync, type MqttClient } from 'mqtt';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { MqttService } from '../src/bridge/mqtt.service.js';
import { api, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The embedded broker's own rules (firmware-bridge/CONTRACT.md "Security"). This suite always runs the embedded
 * broker, even when MQTT_URL points the other suites at Mosquitto, which enforces the same rules
 * through its own ACL file (config/mosquitto/).
 */
describe('embedded broker: each bridge speaks only for its own machines', () => {
  let t: TestApp;
  let prefix: string;
  const bridges: Record<string, { username: string; password: string }> = {};
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ configure: (raw) => delete raw.mqtt.url });
    prefix = t.config.mqtt.topicPrefix;
    const adminToken = await loginAdmin(t);
    for (const [bridgeId, machineIds] of [
      ['bridge-a', ['so-prusa-mk4-1']],
      ['bridge-b', ['so-prusa-mk4-2']],
    ] as const) {
      const issued = await api(t, adminToken).post('/api/v1/devices/bridges', {
        bridgeId,
        machineIds,
        label: bridgeId,
      });
      expect(issued.status).toBe(201);
      bridges[bridgeId] = { username: issued.body.mqttUsername, password: issued.body.mqttPassword };
    }
    await t.app.get(MqttService).subscribe([`${prefix}/machines/+/state`, `${prefix}/bridges/+/status`]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await t?.close();
  });

  const connectBridge = async (bridgeId: string) => {
    const client = await connectAsync(t.mqttUrl, {
      ...bridges[bridgeId],
      clientId: `${bridgeId}-${clients.length}`,
      reconnectPeriod: 0,
    });
    clients.push(client);
    return client;
  };

  const received = (topic: string) =>
    firstValueFrom(
      t.app.get(MqttService).messages$.pipe(
        filter((message) => message.topic === topic),
        timeout(1_500),
      ),
    ).then(
      (message) => message.payload.toString(),
      () => null,
    );

  it('delivers what a bridge publishes on its own machine', async () => {
    const client = await connectBridge('bridge-a');
    const topic = `${prefix}/machines/so-prusa-mk4-1/state`;
    const arrival = received(topic);
    await client.publishAsync(topic, '{"hello":1}', { qos: 1 });
    expect(await arrival).toBe('{"hello":1}');
  });

  it('drops a publish on another bridge’s machine and disconnects the offender', async () => {
    const client = await connectBridge('bridge-a');
    const topic = `${prefix}/machines/so-prusa-mk4-2/state`;
    const arrival = received(topic);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(topic, '{"spoofed":true}', { qos: 1 });
    await closed;
    expect(await arrival).toBeNull();
  });

  it('drops a bridge’s attempt to send commands to a machine', async () => {
    const client = await connectBridge('bridge-b');
    const topic = `${prefix}/machines/so-prusa-mk4-2/cmd`;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(topic, '{"command":"start_job"}', { qos: 1 });
    await closed;
  });

  it('refuses a subscription to another machine’s commands and grants its own', async () => {
    const client = await connectBridge('bridge-b');
    // SUBACK 0x80: mqtt.js rejects the promise when the broker refuses a filter.
    await expect(client.subscribeAsync(`${prefix}/machines/so-prusa-mk4-1/cmd`)).rejects.toThrow();
    const granted = await client.subscribeAsync(`${prefix}/machines/so-prusa-mk4-2/cmd`, { qos: 1 });
    expect(granted.map((grant) => grant.qos)).toEqual([1]);
  });

  it('closes the connection of a bridge whose credentials are revoked', async () => {
    const adminToken = await loginAdmin(t);
    const issued = await api(t, adminToken).post('/api/v1/devices/bridges', {
      bridgeId: 'bridge-r',
      machineIds: ['so-bambu-p1s'],
      label: 'to revoke',
    });
    const client = await connectAsync(t.mqttUrl, {
      username: 'bridge-r',
      password: issued.body.mqttPassword,
      clientId: 'bridge-r-1',
      reconnectPeriod: 0,
    });
    clients.push(client);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await api(t, adminToken).post(`/api/v1/devices/${issued.body.id}/revoke`);
    await closed;
    await expect(
      connectAsync(t.mqttUrl, { username: 'bridge-r', password: issued.body.mqttPassword, reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password|Not authorized/i);
  });

  it('refuses a wrong password and an unknown bridge', async () => {
    await expect(
      connectAsync(t.mqttUrl, { username: 'bridge-a', password: 'guess', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(
      connectAsync(t.mqttUrl, { username: 'bridge-z', password: bridges['bridge-a'].password, reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password|Not authorized/i);
  });
});
