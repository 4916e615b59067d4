import { ContractError } from './errors.js';

export const DEFAULT_PREFIX = 'fabrique/v1';

/**
 * Deepest topic the contract uses is `{prefix}/machines/{id}/cmd/res`: 4 levels after the
 * prefix, 6 with the default prefix. 8 leaves room for a 4-level prefix (site / lab / env / v1)
 * while letting the broker refuse topic trees a misbehaving client could grow without bound.
 */
export const MAX_TOPIC_DEPTH = 8;

/**
 * 64 KiB: the largest legitimate payload is a state snapshot, about 13 KB even with all 32
 * interventions and 32 material slots filled; files never travel over MQTT (start_job carries a
 * URL). The cap is checked before UTF-8 decoding and JSON parsing so a hostile client cannot make
 * the service allocate or parse megabytes; configure the broker with the same limit. Encoders
 * refuse to build anything larger, so a bridge hits the cap in its own tests, not in production.
 */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** A generous cap on the topic string itself: 8 levels of 64 characters plus separators. */
export const MAX_TOPIC_LENGTH = 600;

const LEVELS_AFTER_PREFIX = 4;
export const MAX_PREFIX_DEPTH = MAX_TOPIC_DEPTH - LEVELS_AFTER_PREFIX;

/** Bridge and machine ids: lowercase, safe in a topic level, a file name and a Mosquitto ACL. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * The MQTT client id a bridge connects with. Mosquitto's dynamic-security accounts that the
 * service provisions accept their bridge under this id only, so no bridge can take over another's
 * session by naming its id.
 */
export const bridgeClientId = (bridgeId: string): string => `fabrique-bridge-${bridgeId}`;
const PREFIX_LEVEL_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export const MACHINE_CHANNELS = ['meta', 'availability', 'state', 'telemetry', 'events', 'cmd', 'cmd/res'] as const;
export type MachineChannel = (typeof MACHINE_CHANNELS)[number];

/** What a bridge publishes about its machines: every channel but `cmd`. */
export const BRIDGE_MACHINE_CHANNELS = [
  'meta',
  'availability',
  'state',
  'telemetry',
  'events',
  'cmd/res',
] as const satisfies readonly MachineChannel[];

/** Retained machine channels: an empty retained publish clears them (decommissioning). */
export const RETAINED_MACHINE_CHANNELS = ['meta', 'availability', 'state'] as const satisfies readonly MachineChannel[];
export type RetainedMachineChannel = (typeof RETAINED_MACHINE_CHANNELS)[number];

export interface ServiceStatusTopic {
  kind: 'service-status';
}
export interface BridgeStatusTopic {
  kind: 'bridge-status';
  bridgeId: string;
}
export interface MachineTopic<C extends MachineChannel = MachineChannel> {
  kind: 'machine';
  machineId: string;
  channel: C;
}
export type ParsedTopic = ServiceStatusTopic | BridgeStatusTopic | MachineTopic;

export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

export function isValidPrefix(prefix: unknown): prefix is string {
  if (typeof prefix !== 'string' || prefix.startsWith('$')) return false;
  const levels = prefix.split('/');
  return levels.length <= MAX_PREFIX_DEPTH && levels.every((l) => PREFIX_LEVEL_PATTERN.test(l));
}

function checkPrefix(prefix: string): string {
  if (!isValidPrefix(prefix)) {
    throw new ContractError(
      'INVALID_PREFIX',
      `topic prefix ${JSON.stringify(prefix)} must be 1-${MAX_PREFIX_DEPTH} levels of [A-Za-z0-9_.-]`,
    );
  }
  return prefix;
}

function checkId(what: string, id: string): string {
  if (!isValidId(id)) {
    throw new ContractError('INVALID_ID', `${what} ${JSON.stringify(id)} must match ${ID_PATTERN}`);
  }
  return id;
}

export function serviceStatus(prefix: string = DEFAULT_PREFIX): string {
  return `${checkPrefix(prefix)}/service/status`;
}

export function bridgeStatus(prefix: string, bridgeId: string): string {
  return `${checkPrefix(prefix)}/bridges/${checkId('bridgeId', bridgeId)}/status`;
}

export function machineTopic(prefix: string, machineId: string, channel: MachineChannel): string {
  if (!(MACHINE_CHANNELS as readonly string[]).includes(channel)) {
    throw new ContractError('INVALID_ID', `unknown machine channel ${JSON.stringify(channel)}`);
  }
  return `${checkPrefix(prefix)}/machines/${checkId('machineId', machineId)}/${channel}`;
}

/** The inverse of `parseTopic`. */
export function topicFor(prefix: string, topic: ParsedTopic): string {
  switch (topic.kind) {
    case 'service-status':
      return serviceStatus(prefix);
    case 'bridge-status':
      return bridgeStatus(prefix, topic.bridgeId);
    case 'machine':
      return machineTopic(prefix, topic.machineId, topic.channel);
  }
}

/** Like `parseTopic`, but says why a topic is not one of ours (for logs and decode reasons). */
export function explainTopic(prefix: string, topic: unknown): ParsedTopic | string {
  if (!isValidPrefix(prefix)) return 'invalid topic prefix configured';
  if (typeof topic !== 'string') return 'topic must be a string';
  if (topic.length > MAX_TOPIC_LENGTH) return `topic longer than ${MAX_TOPIC_LENGTH} characters`;
  if (!topic.startsWith(`${prefix}/`)) return `topic is not under ${prefix}/`;
  const rest = topic.slice(prefix.length + 1).split('/');
  if (prefix.split('/').length + rest.length > MAX_TOPIC_DEPTH) {
    return `topic deeper than ${MAX_TOPIC_DEPTH} levels`;
  }
  const [root, id, ...tail] = rest;
  if (root === 'service') {
    return rest.length === 2 && id === 'status' ? { kind: 'service-status' } : 'unknown topic';
  }
  if (root !== 'bridges' && root !== 'machines') return 'unknown topic';
  if (!isValidId(id)) return `${root === 'bridges' ? 'bridgeId' : 'machineId'} is invalid`;
  const channel = tail.join('/');
  if (root === 'bridges') {
    return channel === 'status' ? { kind: 'bridge-status', bridgeId: id } : 'unknown topic';
  }
  if (!(MACHINE_CHANNELS as readonly string[]).includes(channel)) return 'unknown machine channel';
  return { kind: 'machine', machineId: id, channel: channel as MachineChannel };
}

/**
 * Parses a concrete topic (never a filter: `+` and `#` make ids invalid). Returns null for
 * anything that is not exactly one of the contract's topics under `prefix`.
 */
export function parseTopic(prefix: string, topic: string): ParsedTopic | null {
  const parsed = explainTopic(prefix, topic);
  return typeof parsed === 'string' ? null : parsed;
}

export interface Delivery {
  qos: 0 | 1;
  retain: boolean;
}

/** QoS and retain flag per topic, as in CONTRACT.md's topic table. */
export function deliveryFor(topic: ParsedTopic): Delivery {
  if (topic.kind !== 'machine') return { qos: 1, retain: true };
  if (topic.channel === 'telemetry') return { qos: 0, retain: false };
  return {
    qos: 1,
    retain: (RETAINED_MACHINE_CHANNELS as readonly string[]).includes(topic.channel),
  };
}

export function isRetained(topic: ParsedTopic): boolean {
  return deliveryFor(topic).retain;
}

export interface Subscription {
  filter: string;
  qos: 0 | 1;
}

/** `$share/{group}/{filter}`: several service instances split the messages of one filter. */
export function sharedFilter(group: string, filter: string): string {
  return `$share/${checkId('share group', group)}/${filter}`;
}

/**
 * The filters the service subscribes to. With `shareGroup`, only the non-retained channels are
 * shared: MQTT 5 (4.8.2) sends no retained messages to shared subscriptions, and every service
 * instance needs the retained bridge status, meta, availability and state on start-up.
 */
export function serviceSubscriptions(
  prefix: string = DEFAULT_PREFIX,
  options: { shareGroup?: string } = {},
): Subscription[] {
  checkPrefix(prefix);
  const share = (filter: string) =>
    options.shareGroup === undefined ? filter : sharedFilter(options.shareGroup, filter);
  return [
    { filter: `${prefix}/bridges/+/status`, qos: 1 },
    ...RETAINED_MACHINE_CHANNELS.map((c) => ({ filter: `${prefix}/machines/+/${c}`, qos: 1 as const })),
    { filter: share(`${prefix}/machines/+/telemetry`), qos: 0 },
    { filter: share(`${prefix}/machines/+/events`), qos: 1 },
    { filter: share(`${prefix}/machines/+/cmd/res`), qos: 1 },
  ];
}

/** The only filters a bridge may subscribe to: its machines' `cmd` and `service/status`. */
export function bridgeSubscriptions(prefix: string, machineIds: readonly string[]): Subscription[] {
  return [
    { filter: serviceStatus(prefix), qos: 1 },
    ...machineIds.map((id) => ({ filter: machineTopic(prefix, id, 'cmd'), qos: 1 as const })),
  ];
}
