import {
  BRIDGE_MACHINE_CHANNELS,
  bridgeClientId,
  bridgeStatus,
  bridgeSubscriptions,
  machineTopic,
} from '@fabrique/firmware-bridge';

/**
 * Mosquitto 2's dynamic-security plugin, spoken through `$CONTROL/dynamic-security/v1`: each bridge
 * is a client (username = bridge id) with a role of its own that grants exactly what the embedded
 * broker's hooks allow (firmware-bridge acl.ts): publish under its bridge status and its machines'
 * channels except `cmd`, read its machines' `cmd` and the service's status. Deny is the default.
 */
export const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
export const RESPONSE_TOPIC = `${CONTROL_TOPIC}/response`;
export const SERVICE_ROLE = 'fabrique-service';
const BRIDGE_ROLE_PREFIX = 'fabrique-bridge-';

export type AclType = 'publishClientSend' | 'publishClientReceive' | 'subscribeLiteral' | 'subscribePattern';

export interface Acl {
  acltype: AclType;
  topic: string;
  allow: boolean;
}

export interface DynsecCommand {
  command: string;
  [field: string]: unknown;
}

/** A command whose failure changes nothing (deleting what may already be gone). */
export interface PlannedCommand {
  command: DynsecCommand;
  tolerated?: boolean;
}

export const bridgeRole = (bridgeId: string): string => `${BRIDGE_ROLE_PREFIX}${bridgeId}`;

/** The bridge id a role was made for, or null for a role that is not a bridge's. */
export function bridgeOfRole(rolename: string): string | null {
  return rolename.startsWith(BRIDGE_ROLE_PREFIX) ? rolename.slice(BRIDGE_ROLE_PREFIX.length) : null;
}

export function bridgeAcls(prefix: string, bridgeId: string, machineIds: readonly string[]): Acl[] {
  const allow = (acltype: AclType, topic: string): Acl => ({ acltype, topic, allow: true });
  return [
    allow('publishClientSend', bridgeStatus(prefix, bridgeId)),
    ...machineIds.flatMap((machineId) =>
      BRIDGE_MACHINE_CHANNELS.map((channel) => allow('publishClientSend', machineTopic(prefix, machineId, channel))),
    ),
    ...bridgeSubscriptions(prefix, machineIds).flatMap(({ filter }) => [
      allow('subscribeLiteral', filter),
      allow('publishClientReceive', filter),
    ]),
  ];
}

/** The service reads and writes everything under its prefix, and nothing else (bar dynsec itself). */
export function serviceAcls(prefix: string): Acl[] {
  return (['publishClientSend', 'publishClientReceive', 'subscribePattern'] as const).map((acltype) => ({
    acltype,
    topic: `${prefix}/#`,
    allow: true,
  }));
}

const aclKey = (acl: Acl) => `${acl.acltype} ${acl.topic} ${acl.allow}`;

/** The commands that make an existing role's ACLs exactly `wanted`. */
export function aclChanges(rolename: string, current: readonly Acl[], wanted: readonly Acl[]): PlannedCommand[] {
  const have = new Set(current.map(aclKey));
  const want = new Set(wanted.map(aclKey));
  return [
    ...current
      .filter((acl) => !want.has(aclKey(acl)))
      .map((acl) => ({ command: { command: 'removeRoleACL', rolename, acltype: acl.acltype, topic: acl.topic } })),
    ...wanted
      .filter((acl) => !have.has(aclKey(acl)))
      .map((acl) => ({ command: { command: 'addRoleACL', rolename, ...acl } })),
  ];
}

/** A bridge's account from scratch: whatever an earlier, revoked bridge of that id left is replaced. */
export function createBridge(
  prefix: string,
  bridgeId: string,
  machineIds: readonly string[],
  password: string,
): PlannedCommand[] {
  const rolename = bridgeRole(bridgeId);
  return [
    ...removeBridge(bridgeId),
    { command: { command: 'createRole', rolename, acls: bridgeAcls(prefix, bridgeId, machineIds) } },
    {
      command: {
        command: 'createClient',
        username: bridgeId,
        // Bound to its account: a bridge cannot connect under another bridge's id.
        clientid: bridgeClientId(bridgeId),
        password,
        textname: `Fabrique bridge ${bridgeId}`,
        roles: [{ rolename }],
      },
    },
  ];
}

/** Deleting the client also closes its connection at once (Mosquitto kicks a deleted client). */
export function removeBridge(bridgeId: string): PlannedCommand[] {
  return [
    { command: { command: 'deleteClient', username: bridgeId }, tolerated: true },
    { command: { command: 'deleteRole', rolename: bridgeRole(bridgeId) }, tolerated: true },
  ];
}

export interface BrokerState {
  /** Each client's username and role names. */
  clients: Array<{ username: string; roles: string[] }>;
  roles: Array<{ rolename: string; acls: Acl[] }>;
}

export interface ReconcileResult {
  commands: PlannedCommand[];
  /** Live bridges the broker has no account for: only a new password can bring them back. */
  missing: string[];
}

/**
 * What brings the broker in line with the live credentials after a time out of reach: the
 * service's own role, bridges revoked meanwhile removed, machines a bridge serves brought up to
 * date. A missing account cannot be recreated: the password is known only to the bridge.
 */
export function reconcile(
  prefix: string,
  serviceUser: string,
  live: ReadonlyMap<string, readonly string[]>,
  broker: BrokerState,
): ReconcileResult {
  const roles = new Map(broker.roles.map((role) => [role.rolename, role.acls]));
  const clients = new Map(broker.clients.map((client) => [client.username, client.roles]));
  const commands: PlannedCommand[] = [];
  const ensureRole = (rolename: string, acls: Acl[]) => {
    const current = roles.get(rolename);
    commands.push(
      ...(current ? aclChanges(rolename, current, acls) : [{ command: { command: 'createRole', rolename, acls } }]),
    );
  };
  ensureRole(SERVICE_ROLE, serviceAcls(prefix));
  if (!clients.get(serviceUser)?.includes(SERVICE_ROLE)) {
    commands.push({ command: { command: 'addClientRole', username: serviceUser, rolename: SERVICE_ROLE } });
  }
  const bridgesOnBroker = new Set(
    [...clients.entries()]
      .filter(([, names]) => names.some((name) => bridgeOfRole(name) !== null))
      .map(([username]) => username),
  );
  for (const role of roles.keys()) {
    const bridgeId = bridgeOfRole(role);
    if (bridgeId !== null) bridgesOnBroker.add(bridgeId);
  }
  for (const bridgeId of bridgesOnBroker) if (!live.has(bridgeId)) commands.push(...removeBridge(bridgeId));
  const missing: string[] = [];
  for (const [bridgeId, machineIds] of live) {
    if (!clients.has(bridgeId)) {
      missing.push(bridgeId);
      continue;
    }
    const rolename = bridgeRole(bridgeId);
    ensureRole(rolename, bridgeAcls(prefix, bridgeId, machineIds));
    if (!clients.get(bridgeId)?.includes(rolename)) {
      commands.push({ command: { command: 'addClientRole', username: bridgeId, rolename } });
    }
  }
  return { commands, missing };
}
