import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mayPublish, maySubscribe, renderMosquittoAcl, type BrokerIdentity } from './acl.js';
import { ContractError } from './errors.js';
import { MACHINE_CHANNELS, machineTopic } from './topics.js';

const P = 'fabrique/v1';
const service: BrokerIdentity = { kind: 'service' };
const bridge: BrokerIdentity = { kind: 'bridge', bridgeId: 'b1', machineIds: ['m1', 'm2'] };

describe('mayPublish', () => {
  it.each([
    // topic, bridge b1 (machines m1, m2), service
    ['fabrique/v1/bridges/b1/status', true, true],
    ['fabrique/v1/bridges/b2/status', false, true],
    ['fabrique/v1/machines/m1/meta', true, true],
    ['fabrique/v1/machines/m1/availability', true, true],
    ['fabrique/v1/machines/m1/state', true, true],
    ['fabrique/v1/machines/m2/telemetry', true, true],
    ['fabrique/v1/machines/m2/events', true, true],
    ['fabrique/v1/machines/m1/cmd/res', true, true],
    ['fabrique/v1/machines/m1/cmd', false, true],
    ['fabrique/v1/machines/m3/state', false, true],
    ['fabrique/v1/machines/m3/cmd', false, true],
    ['fabrique/v1/service/status', false, true],
    ['fabrique/v1/machines/m1/state/x', false, true],
    ['fabrique/v1/machines/m1/diagnostics', false, true],
    ['fabrique/v1/bridges/b1/status/x', false, true],
    ['fabrique/v1/machines/+/state', false, false],
    ['fabrique/v1/machines/m1/#', false, false],
    ['fabrique/v1/machines//state', false, false],
    ['fabrique/v1', false, false],
    ['fabrique/v2/machines/m1/state', false, false],
    ['$SYS/broker/clients', false, false],
    ['fabrique/v1/a/b/c/d/e/f/g', false, false],
    ['', false, false],
  ])('%s: bridge %s, service %s', (topic, byBridge, byService) => {
    expect(mayPublish(P, bridge, topic)).toBe(byBridge);
    expect(mayPublish(P, service, topic)).toBe(byService);
  });

  it('lets a bridge publish every channel but cmd for its own machines only', () => {
    for (const channel of MACHINE_CHANNELS) {
      expect(mayPublish(P, bridge, machineTopic(P, 'm2', channel))).toBe(channel !== 'cmd');
      expect(mayPublish(P, bridge, machineTopic(P, 'other', channel))).toBe(false);
    }
  });

  it('denies everything under an invalid prefix or to an unknown identity', () => {
    expect(mayPublish('fabrique/#', service, 'fabrique/#/x')).toBe(false);
    expect(mayPublish(P, { kind: 'guest' } as never, 'fabrique/v1/machines/m1/state')).toBe(false);
  });
});

describe('maySubscribe', () => {
  it.each([
    // filter, bridge b1 (machines m1, m2), service
    ['fabrique/v1/machines/m1/cmd', true, true],
    ['fabrique/v1/machines/m2/cmd', true, true],
    ['fabrique/v1/service/status', true, true],
    ['fabrique/v1/machines/m3/cmd', false, true],
    ['fabrique/v1/machines/m1/state', false, true],
    ['fabrique/v1/machines/m1/cmd/res', false, true],
    ['fabrique/v1/bridges/b1/status', false, true],
    ['fabrique/v1/machines/+/cmd', false, true],
    ['fabrique/v1/machines/m1/+', false, true],
    ['fabrique/v1/machines/m1/#', false, true],
    ['fabrique/v1/#', false, true],
    ['fabrique/v1/+/+/status', false, true],
    ['$share/svc/fabrique/v1/machines/+/events', false, true],
    ['$share/svc/fabrique/v1/#', false, true],
    ['$share//fabrique/v1/#', false, false],
    ['$share/s+/fabrique/v1/#', false, false],
    ['$share/svc/other/#', false, false],
    ['#', false, false],
    ['+/v1/machines/m1/cmd', false, false],
    ['fabrique/+/machines/m1/cmd', false, false],
    ['fabrique/v1', false, false],
    ['fabrique/v1/#/x', false, false],
    ['fabrique/v1/ma+/x', false, false],
    ['fabrique/v1/machines//cmd', false, false],
    ['fabrique/v1/a/b/c/d/e/f/#', false, false],
    ['$SYS/#', false, false],
    ['', false, false],
  ])('%s: bridge %s, service %s', (filter, byBridge, byService) => {
    expect(maySubscribe(P, bridge, filter)).toBe(byBridge);
    expect(maySubscribe(P, service, filter)).toBe(byService);
  });

  it('never lets a bridge subscribe with a wildcard', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('+', '#'), (s, wildcard) => {
        const filter = `${P}/machines/m1/${s}${wildcard}`;
        expect(maySubscribe(P, bridge, filter)).toBe(false);
      }),
    );
  });

  it('never throws on arbitrary filters, topics and prefixes', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (prefix, filter) => {
        for (const who of [service, bridge]) {
          expect(typeof maySubscribe(prefix, who, filter)).toBe('boolean');
          expect(typeof mayPublish(prefix, who, filter)).toBe('boolean');
        }
      }),
    );
  });
});

describe('renderMosquittoAcl', () => {
  it('writes the same rules for Mosquitto', () => {
    const acl = renderMosquittoAcl(P, {
      serviceUser: 'fabrique',
      bridges: [{ bridgeId: 'b1', machineIds: ['m1'] }],
    });
    expect(acl.split('\n').slice(2)).toEqual([
      'user fabrique',
      'topic readwrite fabrique/v1/#',
      '',
      'user b1',
      'topic write fabrique/v1/bridges/b1/status',
      'topic write fabrique/v1/machines/m1/meta',
      'topic write fabrique/v1/machines/m1/availability',
      'topic write fabrique/v1/machines/m1/state',
      'topic write fabrique/v1/machines/m1/telemetry',
      'topic write fabrique/v1/machines/m1/events',
      'topic write fabrique/v1/machines/m1/cmd/res',
      'topic read fabrique/v1/machines/m1/cmd',
      'topic read fabrique/v1/service/status',
      '',
    ]);
  });

  it('grants the service its shared subscriptions when a share group is given', () => {
    const acl = renderMosquittoAcl(P, { serviceUser: 'fabrique', bridges: [], shareGroup: 'fabrique' });
    expect(acl).toContain('topic readwrite fabrique/v1/#\ntopic read $share/fabrique/fabrique/v1/#\n');
  });

  it('refuses names that could inject lines into the file', () => {
    const render = (serviceUser: string, bridgeId: string) => () =>
      renderMosquittoAcl(P, { serviceUser, bridges: [{ bridgeId, machineIds: [] }] });
    expect(render('svc\ntopic readwrite #', 'b1')).toThrow(ContractError);
    expect(render('svc', 'b1\nuser x')).toThrow(ContractError);
    expect(() => renderMosquittoAcl(P, { serviceUser: 'svc', bridges: [], shareGroup: 'g\n#' })).toThrow(ContractError);
  });
});
