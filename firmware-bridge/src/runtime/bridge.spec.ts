import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { JobFinishedEvent } from '../contract/index.js';
import { buildTestCommand, startJob, UpdateRecorder } from '../adapters/simulator-kit/testing.js';
import { eventually, TestService } from './testing/mqtt-harness.js';
import { CLIENT_ID, isBridgeStatus, isResultFor, PREFIX, startRig, typeOf, type Rig } from './testing/bridge-rig.js';

const HOUR = 3_600_000;

describe('Bridge against a real broker', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
    await rig.service.waitFor((r) => typeOf(r) === 'machine.state');
  });
  afterEach(async () => rig.close());

  it('announces itself on connect: bridge status, then meta, availability and state, all retained', async () => {
    const { service, config } = rig;
    expect(service.received.map((r) => r.topic)).toEqual([
      `${PREFIX}/bridges/bridge-1/status`,
      `${PREFIX}/machines/printer-1/meta`,
      `${PREFIX}/machines/printer-1/availability`,
      `${PREFIX}/machines/printer-1/state`,
    ]);
    const status = service.received[0].decoded.message;
    expect(status).toMatchObject({ session: 1, data: { state: 'online', session: 1, machines: ['printer-1'] } });
    expect(service.received[1].decoded.message.data).toMatchObject({ kind: 'fdm_printer', adapter: 'simulator-fdm' });
    expect(service.received[3].decoded.message.data).toMatchObject({ state: 'idle', interventions: [] });

    // A service that starts later gets the same four messages from the broker's retained store.
    const late = await TestService.connect(rig.broker.url, PREFIX, config.bridgeId);
    await late.waitFor((r) => typeOf(r) === 'machine.state');
    expect(late.received.map((r) => [typeOf(r), r.retain])).toEqual([
      ['bridge.status', true],
      ['machine.meta', true],
      ['machine.availability', true],
      ['machine.state', true],
    ]);
    await late.close();
  });

  it('leaves a retained offline will carrying its session when the socket dies, then reconnects as session 2', async () => {
    const { service, broker, bridge } = rig;
    broker.drop(CLIENT_ID);
    const will = await service.waitFor(isBridgeStatus('offline'));
    expect(will.decoded.message).toMatchObject({ session: 1, data: { state: 'offline', session: 1 } });

    const reborn = await service.waitFor(isBridgeStatus('online', 2));
    await eventually(() => service.ofType('machine.state').length === 2);
    const after = service.received.slice(service.received.indexOf(reborn)).map(typeOf);
    expect(after.slice(0, 4)).toEqual(['bridge.status', 'machine.meta', 'machine.availability', 'machine.state']);
    expect(bridge.session).toBe(2);
    // seq counts from 0 again in the new session.
    expect(service.ofType('machine.state').at(-1)!.decoded.message).toMatchObject({ session: 2, seq: 0 });
  });

  it('buffers events while the broker is unreachable and sends them in order after the new birth', async () => {
    const { service, broker, bridge, printer, simClock } = rig;
    const recorder = new UpdateRecorder(printer, () => simClock.now());
    const start = startJob('job-1');
    await service.command('printer-1', start);
    await service.waitFor(isResultFor(start.commandId));

    broker.refusing = true;
    const cut = service.received.length;
    broker.drop(CLIENT_ID);
    await eventually(() => !bridge.stats().connected);
    const emittedBefore = recorder.events().length;
    expect(simClock.runUntil(() => printer.snapshot().state === 'awaiting_clear', 10 * HOUR)).toBe(true);
    const missed = recorder.events().slice(emittedBefore);
    expect(missed.length).toBeGreaterThan(8);
    expect(bridge.stats().bufferedEvents).toBe(missed.length);

    broker.refusing = false;
    const afterCut = () => service.received.slice(cut).filter((r) => r.decoded.message.session === bridge.session);
    const flushed = () => afterCut().filter((r) => r.topic.endsWith('/events'));
    await eventually(() => flushed().length === missed.length);
    const events = flushed();
    expect(events.map(typeOf)).toEqual(missed.map((m) => m.event.type));
    expect(events.map((r) => r.decoded.message.seq)).toEqual(missed.map((_, i) => i));
    // Birth first (the state already says awaiting_clear), then the history that led there.
    const birth = afterCut().slice(0, 4);
    expect(birth.map(typeOf)).toEqual(['bridge.status', 'machine.meta', 'machine.availability', 'machine.state']);
    expect(birth[3].decoded.message.data).toMatchObject({ state: 'awaiting_clear' });
    expect(bridge.stats()).toMatchObject({ bufferedEvents: 0, droppedEvents: 0 });
  });

  it('repeats a finished job’s results in the retained state, for a service that missed the event', async () => {
    const { service, broker, printer, simClock } = rig;
    const start = startJob('job-1');
    await service.command('printer-1', start);
    await service.waitFor(isResultFor(start.commandId));
    expect(simClock.runUntil(() => printer.snapshot().state === 'awaiting_clear', 10 * HOUR)).toBe(true);
    const finished = await service.waitFor((r) => typeOf(r) === 'job.finished');
    const { jobId, outcome, endedAt, durations, materialUsed } = finished.decoded.message.data as JobFinishedEvent;
    expect(durations.totalS).toBeGreaterThan(0);
    expect(materialUsed.length).toBeGreaterThan(0);

    // What a service connecting now reads: the retained state, with everything the event said.
    const late = await TestService.connect(broker.url, PREFIX, rig.config.bridgeId);
    const state = await late.waitFor((r) => typeOf(r) === 'machine.state');
    expect(state.decoded.message.data).toMatchObject({
      state: 'awaiting_clear',
      lastJobOutcome: { jobId, outcome, endedAt, durations, materialUsed },
    });
    await late.close();
  });

  it('republishes its birth when the service comes back online, but not for the retained copy', async () => {
    const { service } = rig;
    await service.status('online');
    const count = () => service.ofType('machine.meta').length;
    await eventually(() => count() === 2 && service.ofType('machine.state').length === 2);
    const rebirth = service.received.slice(service.received.findIndex((r) => typeOf(r) === 'service.status') + 1);
    expect(rebirth.map(typeOf)).toEqual(['bridge.status', 'machine.meta', 'machine.availability', 'machine.state']);

    // After a reconnect the broker hands the bridge the retained `online` again: no extra birth.
    rig.broker.drop(CLIENT_ID);
    await service.waitFor(isBridgeStatus('online', 2));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(count()).toBe(3);
  });

  it('republishes meta and state on a resync command and answers ok', async () => {
    const { service } = rig;
    const resync = buildTestCommand('resync', { reason: 'seq_gap' });
    await service.command('printer-1', resync);
    const result = await service.waitFor(isResultFor(resync.commandId));
    expect(result.decoded.message.data).toEqual({ commandId: resync.commandId, status: 'ok', stage: 'completed' });
    expect(service.received.slice(4).map(typeOf)).toEqual([
      'command', // the service's own, heard back on its `#` subscription
      'machine.meta',
      'machine.availability',
      'machine.state',
      'command.result',
    ]);
  });

  it('sends a heartbeat state every 30 s and rate-limits telemetry as QoS 0, not retained', async () => {
    const { service, simClock, bridgeClock } = rig;
    simClock.advance(60_000); // 30 samples from the printer...
    await service.waitFor((r) => typeOf(r) === 'machine.telemetry');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(service.ofType('machine.telemetry')).toHaveLength(1); // ...one sent: idle rate is 30 s
    expect(service.ofType('machine.telemetry')[0]).toMatchObject({ qos: 0, retain: false });

    bridgeClock.advance(30_000);
    await eventually(() => service.ofType('machine.state').length === 2);
    simClock.advance(2000);
    await eventually(() => service.ofType('machine.telemetry').length === 2);

    const rate = buildTestCommand('set_telemetry_rate', { intervalS: 1, durationS: 60 });
    await service.command('printer-1', rate);
    await service.waitFor(isResultFor(rate.commandId));
    simClock.advance(2000);
    bridgeClock.advance(1000);
    simClock.advance(2000);
    await eventually(() => service.ofType('machine.telemetry').length === 4);
  });

  it('publishes a retained offline status on a clean stop, and a restart keeps counting sessions', async () => {
    const { service } = rig;
    await rig.restart();
    const offline = await service.waitFor(isBridgeStatus('offline'));
    expect(offline.decoded.message.session).toBe(1);
    await service.waitFor(isBridgeStatus('online', 2));
    expect(rig.bridge.session).toBe(2);
  });
});
