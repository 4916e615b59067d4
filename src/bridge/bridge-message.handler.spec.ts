import { describe, expect, it, jest } from '@jest/globals';
import {
  contractExamples,
  createBridgeEncoder,
  createServiceEncoder,
  decodeMessage,
  type ClearedRetained,
  type DecodedMessage,
  type MachineStateSnapshot,
  type OutgoingMessage,
} from '@fabrique/firmware-bridge';
import { BridgeMessageHandler, PARK, type HandlerDeps } from './bridge-message.handler.js';
import { BridgeSessions } from './session.rules.js';

const P = 'fabrique/v1';
const COVERAGE: Record<string, string[]> = { b1: ['m1', 'm2'], b2: ['m3'] };

function setup() {
  const calls: string[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push(`${name} ${args.filter((a) => typeof a === 'string' || typeof a === 'boolean').join(' ')}`);
    };
  const seenEvents = new Set<string>();
  const live: HandlerDeps['live'] = {
    knows: (machineId) => ['m1', 'm2', 'm3'].includes(machineId),
    bridgeLink: (bridgeId, online, claimed = []) => record('link')(bridgeId, online, ...claimed),
    applyState: record('state'),
    applyAvailability: record('availability'),
    applyMeta: record('meta'),
    applyTelemetry: record('telemetry'),
    touch: record('touch'),
    clearRetained: record('clear'),
    recordEvent: (_machineId, message) => !seenEvents.has(message.msgId) && !!seenEvents.add(message.msgId),
  };
  const directory: HandlerDeps['directory'] = {
    knows: (bridgeId) => bridgeId in COVERAGE,
    covers: (bridgeId, machineId) => COVERAGE[bridgeId]?.includes(machineId) ?? false,
  };
  const resync = jest.fn<HandlerDeps['resync']>();
  const commandResult = jest.fn<HandlerDeps['commandResult']>();
  const handler = new BridgeMessageHandler({ live, directory, sessions: new BridgeSessions(), resync, commandResult });
  const handle = (out: OutgoingMessage, mayPark = false) => handler.handle(decoded(out), mayPark);
  return { calls, resync, commandResult, handle };
}

function decoded(out: OutgoingMessage): DecodedMessage | ClearedRetained {
  const result = decodeMessage(P, out.topic, out.payload);
  if (!result.ok) throw new Error(`test message does not decode: ${result.reason}`);
  return result;
}

const bridge = (bridgeId: string, session: number) =>
  createBridgeEncoder({ prefix: P, bridgeId, session, version: '1' });
const idle: MachineStateSnapshot = { state: 'idle', interventions: [] };

describe('BridgeMessageHandler', () => {
  it('applies a state from a bridge covering the machine, taking its new session as a live connection', () => {
    const { handle, calls } = setup();
    expect(handle(bridge('b1', 1).state('m1', idle))).toBe('ACCEPTED');
    expect(calls).toEqual(['link b1 true', 'state m1 b1']);
  });

  it('hands a command result from the machine’s bridge to the sender, and no one else’s', () => {
    const { handle, commandResult } = setup();
    const answer = { commandId: 'c-1', status: 'accepted', stage: 'accepted' } as const;
    expect(handle(bridge('b1', 1).commandResult('m1', answer))).toBe('ACCEPTED');
    expect(handle(bridge('b2', 1).commandResult('m1', answer))).toBe('NOT_ITS_MACHINE');
    expect(commandResult.mock.calls).toEqual([['m1', 'b1', answer]]);
  });

  it('parks an unknown machine or a machine the bridge does not cover, or rejects it when told to decide', () => {
    const { handle, calls } = setup();
    const b1 = bridge('b1', 1);
    expect(handle(b1.state('m3', idle), true)).toBe(PARK);
    expect(handle(b1.state('m3', idle))).toBe('NOT_ITS_MACHINE');
    expect(handle(bridge('ghost', 1).state('m1', idle))).toBe('NOT_ITS_MACHINE');
    expect(handle(b1.state('zz', idle), true)).toBe(PARK);
    expect(handle(b1.state('zz', idle))).toBe('UNKNOWN_MACHINE');
    expect(handle(bridge('ghost', 1).status('online', ['m1']))).toBe('UNKNOWN_BRIDGE');
    expect(calls).toEqual([]);
  });

  it('drops messages of an older session, such as a late last will', () => {
    const { handle, calls } = setup();
    const old = bridge('b1', 1);
    const will = old.status('offline', ['m1']);
    handle(bridge('b1', 2).status('online', ['m1', 'm3']));
    expect(handle(will)).toBe('STALE_SESSION');
    expect(handle(old.telemetry('m1', { progressPct: 1 }))).toBe('STALE_SESSION');
    // The claim on m3 was ignored: b1's credentials do not cover it.
    expect(calls).toEqual(['link b1 true m1']);
  });

  it('drops a replayed state and asks for a resync after a gap', () => {
    const { handle, resync } = setup();
    const b1 = bridge('b1', 1);
    const first = b1.state('m1', idle);
    expect(handle(first)).toBe('ACCEPTED');
    expect(handle(first)).toBe('DUPLICATE');
    b1.state('m1', idle); // lost on the way
    expect(handle(b1.state('m1', idle))).toBe('ACCEPTED');
    expect(resync).toHaveBeenCalledWith('b1', 'm1');
  });

  it('counts a redelivered event once, and resyncs after a gap in events too', () => {
    const { handle, resync } = setup();
    const b1 = bridge('b1', 1);
    const resumed = b1.event('m1', 'job.resumed', { jobId: 'j' });
    expect(handle(resumed)).toBe('ACCEPTED');
    expect(handle(resumed)).toBe('DUPLICATE');
    b1.event('m1', 'job.resumed', { jobId: 'j' });
    expect(handle(b1.event('m1', 'job.resumed', { jobId: 'j' }))).toBe('ACCEPTED');
    expect(resync).toHaveBeenCalledTimes(1);
  });

  it('applies a retained clear of a known machine and a bridge status clear as offline', () => {
    const { handle, calls } = setup();
    const b1 = bridge('b1', 1);
    expect(handle(b1.clear('m1', 'state'))).toBe('ACCEPTED');
    expect(handle(b1.clear('zz', 'meta'))).toBe('UNKNOWN_MACHINE');
    expect(handle({ topic: `${P}/bridges/b1/status`, payload: new Uint8Array(), qos: 1, retain: true })).toBe(
      'ACCEPTED',
    );
    expect(calls).toEqual(['clear m1 state', 'link b1 false']);
  });

  it('ignores the service’s own messages', () => {
    const { handle } = setup();
    const service = createServiceEncoder({ prefix: P, session: 1, version: '1' });
    expect(handle(service.status('online'))).toBe('IGNORED');
    expect(handle(service.command('b1', 'm1', contractExamples.buildCommand('ping')))).toBe('IGNORED');
  });
});
