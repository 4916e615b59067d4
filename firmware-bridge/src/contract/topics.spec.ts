import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { maySubscribe } from './acl.js';
import { ContractError } from './errors.js';
import {
  bridgeStatus,
  bridgeSubscriptions,
  DEFAULT_PREFIX,
  deliveryFor,
  explainTopic,
  ID_PATTERN,
  isValidId,
  isValidPrefix,
  MACHINE_CHANNELS,
  machineTopic,
  MAX_PAYLOAD_BYTES,
  MAX_TOPIC_DEPTH,
  parseTopic,
  serviceStatus,
  serviceSubscriptions,
  topicFor,
  type ParsedTopic,
} from './topics.js';

const P = DEFAULT_PREFIX;

describe('topic builders', () => {
  it('build every topic of CONTRACT.md under the default prefix', () => {
    expect(serviceStatus()).toBe('fabrique/v1/service/status');
    expect(bridgeStatus(P, 'bridge-a')).toBe('fabrique/v1/bridges/bridge-a/status');
    expect(MACHINE_CHANNELS.map((c) => machineTopic(P, 'mk4_2', c))).toEqual([
      'fabrique/v1/machines/mk4_2/meta',
      'fabrique/v1/machines/mk4_2/availability',
      'fabrique/v1/machines/mk4_2/state',
      'fabrique/v1/machines/mk4_2/telemetry',
      'fabrique/v1/machines/mk4_2/events',
      'fabrique/v1/machines/mk4_2/cmd',
      'fabrique/v1/machines/mk4_2/cmd/res',
    ]);
  });

  it('use a configured prefix', () => {
    expect(machineTopic('lab-west/fabrique/v1', 'p1', 'state')).toBe('lab-west/fabrique/v1/machines/p1/state');
  });

  it.each(['', '+', '#', 'a/b', 'A1', '-lead', '_lead', 'a b', 'x'.repeat(65), 'é'])('refuse the id %j', (id) => {
    expect(() => machineTopic(P, id, 'state')).toThrow(ContractError);
    expect(() => bridgeStatus(P, id)).toThrow(ContractError);
    expect(isValidId(id)).toBe(false);
  });

  it('accept ids up to 64 characters', () => {
    expect(isValidId('a'.repeat(64))).toBe(true);
    expect(isValidId('0')).toBe(true);
    expect(isValidId('prusa-mk4_07')).toBe(true);
  });

  it.each(['', '$SYS', 'a//b', 'a/+', 'a/#', '/lead', 'a/b/c/d/e', 'sp ace'])('refuse the prefix %j', (prefix) => {
    expect(isValidPrefix(prefix)).toBe(false);
    expect(() => serviceStatus(prefix)).toThrow(ContractError);
    expect(parseTopic(prefix, `${prefix}/service/status`)).toBeNull();
  });

  it('refuse an unknown machine channel', () => {
    expect(() => machineTopic(P, 'm1', 'cmd/req' as never)).toThrow(ContractError);
  });
});

describe('parseTopic', () => {
  it('parses every kind of topic', () => {
    expect(parseTopic(P, 'fabrique/v1/service/status')).toEqual({ kind: 'service-status' });
    expect(parseTopic(P, 'fabrique/v1/bridges/b1/status')).toEqual({
      kind: 'bridge-status',
      bridgeId: 'b1',
    });
    expect(parseTopic(P, 'fabrique/v1/machines/m1/cmd/res')).toEqual({
      kind: 'machine',
      machineId: 'm1',
      channel: 'cmd/res',
    });
  });

  it('is the inverse of topicFor for any valid id and channel', () => {
    const id = fc.stringMatching(ID_PATTERN);
    const topic: fc.Arbitrary<ParsedTopic> = fc.oneof(
      fc.constant({ kind: 'service-status' as const }),
      id.map((bridgeId) => ({ kind: 'bridge-status' as const, bridgeId })),
      fc
        .tuple(id, fc.constantFrom(...MACHINE_CHANNELS))
        .map(([machineId, channel]) => ({ kind: 'machine' as const, machineId, channel })),
    );
    fc.assert(fc.property(topic, (t) => expect(parseTopic(P, topicFor(P, t))).toEqual(t)));
  });

  it.each([
    ['another prefix', 'fabrique/v2/machines/m1/state'],
    ['the prefix alone', 'fabrique/v1'],
    ['a prefix look-alike', 'fabrique/v1x/machines/m1/state'],
    ['a single-level wildcard', 'fabrique/v1/machines/+/state'],
    ['a multi-level wildcard', 'fabrique/v1/machines/m1/#'],
    ['an unknown root', 'fabrique/v1/printers/m1/state'],
    ['an unknown channel', 'fabrique/v1/machines/m1/status'],
    ['a level too many', 'fabrique/v1/machines/m1/cmd/res/x'],
    ['a missing id', 'fabrique/v1/machines//state'],
    ['an upper-case id', 'fabrique/v1/machines/M1/state'],
    ['a bridge sub-topic', 'fabrique/v1/bridges/b1/status/x'],
    ['service junk', 'fabrique/v1/service/status/x'],
    ['a trailing slash', 'fabrique/v1/service/status/'],
    ['a huge topic', `fabrique/v1/machines/${'a'.repeat(1000)}/state`],
  ])('returns null for %s', (_name, topic) => {
    expect(parseTopic(P, topic)).toBeNull();
  });

  it('says why a topic is not ours', () => {
    expect(explainTopic(P, 'fabrique/v1/machines/M1/state')).toBe('machineId is invalid');
    expect(explainTopic(P, 'x/y')).toBe('topic is not under fabrique/v1/');
    expect(explainTopic(P, 42)).toBe('topic must be a string');
  });
});

describe('delivery and subscriptions', () => {
  it('follow the QoS and retain columns of the topic table', () => {
    const m = (channel: (typeof MACHINE_CHANNELS)[number]) => deliveryFor({ kind: 'machine', machineId: 'm', channel });
    expect(deliveryFor({ kind: 'service-status' })).toEqual({ qos: 1, retain: true });
    expect(deliveryFor({ kind: 'bridge-status', bridgeId: 'b' })).toEqual({ qos: 1, retain: true });
    expect(MACHINE_CHANNELS.map((c) => [c, m(c).qos, m(c).retain])).toEqual([
      ['meta', 1, true],
      ['availability', 1, true],
      ['state', 1, true],
      ['telemetry', 0, false],
      ['events', 1, false],
      ['cmd', 1, false],
      ['cmd/res', 1, false],
    ]);
  });

  it('gives the service filters it is allowed to subscribe to', () => {
    const subs = serviceSubscriptions(P);
    expect(subs.map((s) => s.filter)).toContain('fabrique/v1/machines/+/state');
    expect(subs.map((s) => s.filter)).not.toContain('fabrique/v1/machines/+/cmd');
    for (const s of subs) expect(maySubscribe(P, { kind: 'service' }, s.filter)).toBe(true);
  });

  it('shares only the non-retained channels, which get no retained messages when shared', () => {
    const shared = serviceSubscriptions(P, { shareGroup: 'svc' })
      .map((s) => s.filter)
      .filter((f) => f.startsWith('$share/'));
    expect(shared).toEqual([
      '$share/svc/fabrique/v1/machines/+/telemetry',
      '$share/svc/fabrique/v1/machines/+/events',
      '$share/svc/fabrique/v1/machines/+/cmd/res',
    ]);
    for (const f of shared) expect(maySubscribe(P, { kind: 'service' }, f)).toBe(true);
  });

  it('gives a bridge exactly its cmd topics and the service status', () => {
    const identity = { kind: 'bridge' as const, bridgeId: 'b1', machineIds: ['m1', 'm2'] };
    const subs = bridgeSubscriptions(P, identity.machineIds);
    expect(subs.map((s) => s.filter)).toEqual([
      'fabrique/v1/service/status',
      'fabrique/v1/machines/m1/cmd',
      'fabrique/v1/machines/m2/cmd',
    ]);
    for (const s of subs) expect(maySubscribe(P, identity, s.filter)).toBe(true);
  });
});

describe('caps', () => {
  it('leave room for the deepest topic under a 4-level prefix, and a full snapshot', () => {
    const deepest = machineTopic('a/b/c/d', 'm', 'cmd/res');
    expect(deepest.split('/').length).toBe(MAX_TOPIC_DEPTH);
    expect(parseTopic('a/b/c/d', deepest)).not.toBeNull();
    expect(MAX_PAYLOAD_BYTES).toBe(65536);
  });
});
