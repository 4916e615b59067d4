import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { buildTestCommand, startJob } from '../adapters/simulator-kit/testing.js';
import { isResultFor, startRig, typeOf, type Rig } from './testing/bridge-rig.js';
import type { Received } from './testing/mqtt-harness.js';

const HOUR = 3_600_000;
const stateOf = (r: Received) => (r.decoded.message.data as { state: string }).state;

describe('Bridge command handling against a real broker', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
    await rig.service.waitFor((r) => typeOf(r) === 'machine.state');
  });
  afterEach(async () => rig.close());

  const resultOf = async (commandId: string, from = 0) =>
    (await rig.service.waitFor(isResultFor(commandId), 5000, from)).decoded.message.data;

  it('accepts start_job once and answers a re-sent commandId with the stored result, stage duplicate', async () => {
    const { service } = rig;
    const start = startJob('job-1', 'gcode', 2_000_000, { expectState: ['idle'] });
    await service.command('printer-1', start);
    expect(await resultOf(start.commandId)).toEqual({
      commandId: start.commandId,
      status: 'accepted',
      stage: 'accepted',
    });

    const mark = service.received.length;
    await service.command('printer-1', start); // the outbox re-sends: same commandId
    expect(await resultOf(start.commandId, mark)).toEqual({
      commandId: start.commandId,
      status: 'accepted',
      stage: 'duplicate',
    });
    expect(service.ofType('job.accepted')).toHaveLength(1);
  });

  it('refuses a new command that would start an already-started jobId', async () => {
    const { service, printer, simClock } = rig;
    const first = startJob('job-7');
    await service.command('printer-1', first);
    await resultOf(first.commandId);
    simClock.runUntil(() => printer.snapshot().state === 'awaiting_clear', 10 * HOUR);
    const clear = buildTestCommand('clear_confirm', {});
    await service.command('printer-1', clear);
    await resultOf(clear.commandId);

    const again = startJob('job-7'); // a new commandId for the same job
    await service.command('printer-1', again);
    expect(await resultOf(again.commandId)).toMatchObject({
      status: 'error',
      stage: 'rejected',
      error: { code: 'DUPLICATE', retryable: false },
    });
    expect(printer.snapshot().state).toBe('idle');
  });

  it('refuses an expired command with EXPIRED and a state mismatch with PRECONDITION_FAILED', async () => {
    const { service, printer } = rig;
    const expired = startJob('job-2', 'gcode', 1000, {
      issuedAt: new Date(Date.now() - 120_000).toISOString(),
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    await service.command('printer-1', expired);
    expect(await resultOf(expired.commandId)).toEqual({
      commandId: expired.commandId,
      status: 'error',
      stage: 'expired',
      error: { code: 'EXPIRED', message: expect.stringContaining('expired'), retryable: false },
    });

    const stale = buildTestCommand('pause', {}, { expectState: ['running'] });
    await service.command('printer-1', stale);
    expect(await resultOf(stale.commandId)).toMatchObject({
      status: 'error',
      stage: 'rejected',
      error: { code: 'PRECONDITION_FAILED', message: 'machine is idle, the command expected running' },
    });
    expect(printer.snapshot().state).toBe('idle');
    expect(service.ofType('job.accepted')).toHaveLength(0);
  });

  it('answers commands the machine does not implement with UNSUPPORTED', async () => {
    const step = buildTestCommand('confirm_step', { interventionId: 'ccw-1' });
    await rig.service.command('printer-1', step);
    expect(await resultOf(step.commandId)).toMatchObject({ status: 'error', error: { code: 'UNSUPPORTED' } });
  });

  it('answers an invalid command that carries a commandId with an error, ignores one without, and keeps working', async () => {
    const { service, bridge } = rig;
    const envelope = (data: unknown) =>
      JSON.stringify({
        v: 1,
        type: 'command',
        msgId: '01890a5d-ac96-774b-bcce-b302099a8057',
        ts: new Date().toISOString(),
        bridgeId: 'bridge-1',
        machineId: 'printer-1',
        session: 1,
        seq: 0,
        data,
      });
    await service.raw('printer-1', envelope({ command: 'start_job', commandId: 'bad-1', params: {} }));
    expect(await resultOf('bad-1')).toMatchObject({
      status: 'error',
      stage: 'rejected',
      error: { code: 'UNSUPPORTED', message: expect.stringMatching(/^invalid command: /) },
    });
    await service.raw('printer-1', '{not json');
    await service.raw('printer-1', envelope({ command: 'self_destruct' }));

    const ping = buildTestCommand('ping', {});
    await service.command('printer-1', ping);
    expect(await resultOf(ping.commandId)).toEqual({ commandId: ping.commandId, status: 'ok', stage: 'completed' });
    expect(bridge.stats().invalidMessages).toBe(3);
    expect(service.ofType('command.result')).toHaveLength(2);
  });

  it('answers a duplicate from the persistent store after the bridge restarts', async () => {
    const { service } = rig;
    const start = startJob('job-3');
    await service.command('printer-1', start);
    await resultOf(start.commandId);
    await rig.restart();
    await service.waitFor((r) => typeOf(r) === 'bridge.status' && r.decoded.message.session === 2);

    const mark = service.received.length;
    await service.command('printer-1', start);
    expect(await resultOf(start.commandId, mark)).toMatchObject({ status: 'accepted', stage: 'duplicate' });
    // A different commandId for the same job is refused too: the restarted printer is idle again.
    const again = startJob('job-3');
    await service.command('printer-1', again);
    expect(await resultOf(again.commandId)).toMatchObject({ error: { code: 'DUPLICATE' } });
  });

  it('drives a job to awaiting_clear and back to idle with clear_confirm, publishing the state changes', async () => {
    const { service, printer, simClock } = rig;
    const start = startJob('job-4');
    await service.command('printer-1', start);
    await resultOf(start.commandId);
    simClock.runUntil(() => printer.snapshot().state === 'awaiting_clear', 10 * HOUR);
    const clear = buildTestCommand('clear_confirm', {}, { expectState: ['awaiting_clear'] });
    await service.command('printer-1', clear);
    await resultOf(clear.commandId);
    const isIdle = (r: Received) => typeOf(r) === 'machine.state' && stateOf(r) === 'idle';
    await service.waitFor(
      isIdle,
      5000,
      service.received.findIndex((r) => typeOf(r) === 'build_area.cleared'),
    );
    const states = service.ofType('machine.state').map(stateOf);
    expect(states.filter((s, i) => s !== states[i - 1])).toEqual([
      'idle',
      'receiving',
      'preparing', // heating, levelling, purging: one state, three substates
      'running',
      'awaiting_clear',
      'idle',
    ]);
  });
});
