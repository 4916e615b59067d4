import { describe, expect, it } from '@jest/globals';
import { mayPublish, maySubscribe } from '@fabrique/firmware-bridge';
import {
  bridgeAcls,
  bridgeRole,
  createBridge,
  reconcile,
  SERVICE_ROLE,
  serviceAcls,
  type BrokerState,
} from './dynamic-security.rules.js';

const PREFIX = 'fabrique/v1';
const commandsOf = (plan: { commands: Array<{ command: { command: string } & Record<string, unknown> }> }) =>
  plan.commands.map(({ command }) => command);

describe('dynamic-security rules', () => {
  it('grants a bridge exactly what the embedded broker allows it', () => {
    const identity = { kind: 'bridge' as const, bridgeId: 'b1', machineIds: ['m1', 'm2'] };
    const acls = bridgeAcls(PREFIX, 'b1', ['m1', 'm2']);
    for (const { acltype, topic } of acls) {
      if (acltype === 'publishClientSend') expect(mayPublish(PREFIX, identity, topic)).toBe(true);
      if (acltype === 'subscribeLiteral') expect(maySubscribe(PREFIX, identity, topic)).toBe(true);
    }
    const sends = acls.filter((acl) => acl.acltype === 'publishClientSend').map((acl) => acl.topic);
    expect(sends).toContain(`${PREFIX}/bridges/b1/status`);
    expect(sends).toContain(`${PREFIX}/machines/m2/cmd/res`);
    expect(sends).not.toContain(`${PREFIX}/machines/m1/cmd`);
    expect(acls.every((acl) => acl.allow && !/[+#]/.test(acl.topic))).toBe(true);
  });

  it('replaces whatever an earlier bridge of the same id left before creating the account', () => {
    const plan = createBridge(PREFIX, 'b1', ['m1'], 'secret');
    expect(plan.map(({ command, tolerated }) => [command.command, tolerated ?? false])).toEqual([
      ['deleteClient', true],
      ['deleteRole', true],
      ['createRole', false],
      ['createClient', false],
    ]);
    expect(plan[3].command).toMatchObject({
      username: 'b1',
      clientid: 'fabrique-bridge-b1',
      password: 'secret',
      roles: [{ rolename: bridgeRole('b1') }],
    });
  });

  describe('reconcile', () => {
    const state = (overrides: Partial<BrokerState> = {}): BrokerState => ({
      clients: [
        { username: 'fabrique-service', roles: ['admin', SERVICE_ROLE] },
        { username: 'b1', roles: [bridgeRole('b1')] },
        { username: 'gone', roles: [bridgeRole('gone')] },
        { username: 'someone-else', roles: ['their-role'] },
      ],
      roles: [
        { rolename: SERVICE_ROLE, acls: serviceAcls(PREFIX) },
        { rolename: bridgeRole('b1'), acls: bridgeAcls(PREFIX, 'b1', ['m1']) },
        { rolename: bridgeRole('gone'), acls: bridgeAcls(PREFIX, 'gone', ['m9']) },
      ],
      ...overrides,
    });

    it('removes the accounts of bridges revoked while the broker was out of reach, and nobody else’s', () => {
      const plan = reconcile(PREFIX, 'fabrique-service', new Map([['b1', ['m1']]]), state());
      expect(commandsOf(plan)).toEqual([
        { command: 'deleteClient', username: 'gone' },
        { command: 'deleteRole', rolename: bridgeRole('gone') },
      ]);
      expect(plan.missing).toEqual([]);
    });

    it('brings a bridge’s rights up to date when its machines changed', () => {
      const plan = reconcile(
        PREFIX,
        'fabrique-service',
        new Map([
          ['b1', ['m2']],
          ['gone', ['m9']],
        ]),
        state(),
      );
      const changes = commandsOf(plan);
      expect(changes.filter((c) => c.command === 'removeRoleACL').map((c) => c.topic)).toContain(
        `${PREFIX}/machines/m1/state`,
      );
      expect(changes.filter((c) => c.command === 'addRoleACL').map((c) => c.topic)).toContain(
        `${PREFIX}/machines/m2/state`,
      );
      expect(changes.every((c) => c.rolename === bridgeRole('b1'))).toBe(true);
    });

    it('grants the service its own role once, and reports live bridges the broker has no account for', () => {
      const fresh = reconcile(PREFIX, 'fabrique-service', new Map([['b2', ['m1']]]), { clients: [], roles: [] });
      expect(commandsOf(fresh)).toEqual([
        { command: 'createRole', rolename: SERVICE_ROLE, acls: serviceAcls(PREFIX) },
        { command: 'addClientRole', username: 'fabrique-service', rolename: SERVICE_ROLE },
      ]);
      expect(fresh.missing).toEqual(['b2']);
    });
  });
});
