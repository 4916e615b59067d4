// Building envelopes and turning them into MQTT publishes. Encoders validate what they produce
// with the same checks the receiver runs, so a bug shows up at the sender, in its own tests.
import type { Command, CommandResult } from './command-types.js';
import { ContractError } from './errors.js';
import type { EventDataMap } from './event-types.js';
import { uuidv7 } from './ids.js';
import {
  DEFAULT_PREFIX,
  deliveryFor,
  isRetained,
  MAX_PAYLOAD_BYTES,
  topicFor,
  type ParsedTopic,
  type RetainedMachineChannel,
} from './topics.js';
import type {
  Availability,
  BridgeStatusMessage,
  ContractMessage,
  MachineChannelMessages,
  MachineMeta,
  MachineStateSnapshot,
  ServiceStatusMessage,
  Telemetry,
} from './types.js';
import { checkMessage } from './validate.js';
import { EVENT_TYPES, MESSAGE_TYPES, type EventType, type LinkState } from './vocabulary.js';

/** Ready for `client.publish(topic, payload, { qos, retain })`. */
export interface OutgoingMessage {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1;
  retain: boolean;
}

export interface EncodedMessage<M extends ContractMessage = ContractMessage> extends OutgoingMessage {
  message: M;
}

const utf8 = new TextEncoder();

/** The topic a message belongs on, derived from its `type` and addressing. */
export function topicOf(message: ContractMessage): ParsedTopic {
  switch (message.type) {
    case MESSAGE_TYPES.serviceStatus:
      return { kind: 'service-status' };
    case MESSAGE_TYPES.bridgeStatus:
      return { kind: 'bridge-status', bridgeId: message.bridgeId };
    case MESSAGE_TYPES.meta:
      return { kind: 'machine', machineId: message.machineId, channel: 'meta' };
    case MESSAGE_TYPES.availability:
      return { kind: 'machine', machineId: message.machineId, channel: 'availability' };
    case MESSAGE_TYPES.state:
      return { kind: 'machine', machineId: message.machineId, channel: 'state' };
    case MESSAGE_TYPES.telemetry:
      return { kind: 'machine', machineId: message.machineId, channel: 'telemetry' };
    case MESSAGE_TYPES.command:
      return { kind: 'machine', machineId: message.machineId, channel: 'cmd' };
    case MESSAGE_TYPES.commandResult:
      return { kind: 'machine', machineId: message.machineId, channel: 'cmd/res' };
    default:
      return { kind: 'machine', machineId: message.machineId, channel: 'events' };
  }
}

/**
 * Serializes a complete envelope for its topic. Throws `ContractError` (`INVALID_MESSAGE`,
 * `TOO_LARGE`, `INVALID_ID`) when the receiver would reject it.
 */
export function encodeMessage<M extends ContractMessage>(prefix: string, message: M): EncodedMessage<M> {
  const topic = topicOf(message);
  const problem = checkMessage(topic, message);
  if (problem !== null) {
    throw new ContractError('INVALID_MESSAGE', `${message.type}: ${problem.reason}`);
  }
  const payload = utf8.encode(JSON.stringify(message));
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    throw new ContractError(
      'TOO_LARGE',
      `${message.type}: ${payload.byteLength} bytes exceeds the ${MAX_PAYLOAD_BYTES}-byte cap`,
    );
  }
  return { topic: topicFor(prefix, topic), payload, ...deliveryFor(topic), message };
}

/** A zero-length retained publish: removes the retained message (decommissioning). */
export function clearRetained(prefix: string, topic: ParsedTopic): OutgoingMessage {
  if (!isRetained(topic)) {
    throw new ContractError('INVALID_MESSAGE', `${topicFor(prefix, topic)} is not retained`);
  }
  return { topic: topicFor(prefix, topic), payload: new Uint8Array(0), qos: 1, retain: true };
}

export interface EncoderOptions {
  prefix?: string;
  /** The sender's session: increment it at every (re)connect and keep it in the last will. */
  session: number;
  /** Software version announced in the status message. */
  version: string;
  now?: () => Date;
  newMsgId?: () => string;
}

/** `seq` counts from 0 per topic within a session, so a receiver can spot a gap per topic. */
function sequencer(): (topic: string) => number {
  const last = new Map<string, number>();
  return (topic) => {
    const next = (last.get(topic) ?? -1) + 1;
    last.set(topic, next);
    return next;
  };
}

function stamp(options: EncoderOptions, nextSeq: (topic: string) => number, topic: string) {
  return {
    v: 1 as const,
    msgId: (options.newMsgId ?? uuidv7)(),
    ts: (options.now?.() ?? new Date()).toISOString(),
    session: options.session,
    seq: nextSeq(topic),
  };
}

export interface BridgeEncoderOptions extends EncoderOptions {
  bridgeId: string;
}

export interface BridgeEncoder {
  readonly bridgeId: string;
  readonly session: number;
  /** Also builds the last will (`offline`) at connect time; the will's `ts` is the connect time. */
  status(state: LinkState, machines: readonly string[]): EncodedMessage<BridgeStatusMessage>;
  meta(machineId: string, data: MachineMeta): EncodedMessage<MachineChannelMessages['meta']>;
  availability(machineId: string, data: Availability): EncodedMessage<MachineChannelMessages['availability']>;
  state(machineId: string, data: MachineStateSnapshot): EncodedMessage<MachineChannelMessages['state']>;
  telemetry(machineId: string, data: Telemetry): EncodedMessage<MachineChannelMessages['telemetry']>;
  event<T extends EventType>(
    machineId: string,
    type: T,
    data: EventDataMap[T],
  ): EncodedMessage<MachineChannelMessages['events']>;
  commandResult(machineId: string, data: CommandResult): EncodedMessage<MachineChannelMessages['cmd/res']>;
  clear(machineId: string, channel: RetainedMachineChannel): OutgoingMessage;
}

export function createBridgeEncoder(options: BridgeEncoderOptions): BridgeEncoder {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const { bridgeId, session, version } = options;
  const nextSeq = sequencer();
  const machine = <M extends ContractMessage>(
    machineId: string,
    type: M['type'],
    channel: string,
    data: unknown,
  ): EncodedMessage<M> => {
    const base = stamp(options, nextSeq, `${machineId}/${channel}`);
    return encodeMessage(prefix, { ...base, type, bridgeId, machineId, data } as M);
  };
  return {
    bridgeId,
    session,
    status: (state, machines) =>
      encodeMessage(prefix, {
        ...stamp(options, nextSeq, 'status'),
        type: MESSAGE_TYPES.bridgeStatus,
        bridgeId,
        data: { state, session, version, machines: [...machines] },
      }),
    meta: (id, data) => machine(id, MESSAGE_TYPES.meta, 'meta', data),
    availability: (id, data) => machine(id, MESSAGE_TYPES.availability, 'availability', data),
    state: (id, data) => machine(id, MESSAGE_TYPES.state, 'state', data),
    telemetry: (id, data) => machine(id, MESSAGE_TYPES.telemetry, 'telemetry', data),
    event: (id, type, data) => {
      if (!(EVENT_TYPES as readonly string[]).includes(type)) {
        throw new ContractError('INVALID_MESSAGE', `unknown event type ${JSON.stringify(type)}`);
      }
      return machine(id, type, 'events', data);
    },
    commandResult: (id, data) => machine(id, MESSAGE_TYPES.commandResult, 'cmd/res', data),
    clear: (machineId, channel) => clearRetained(prefix, { kind: 'machine', machineId, channel }),
  };
}

export interface ServiceEncoder {
  readonly session: number;
  /** Also builds the last will (`offline`) at connect time. */
  status(state: LinkState): EncodedMessage<ServiceStatusMessage>;
  /** `bridgeId` addresses the bridge serving the machine; a bridge ignores commands not for it. */
  command(bridgeId: string, machineId: string, command: Command): EncodedMessage<MachineChannelMessages['cmd']>;
  /** Decommissioning: clear a machine's retained meta / availability / state. */
  clearMachine(machineId: string, channel: RetainedMachineChannel): OutgoingMessage;
  clearBridgeStatus(bridgeId: string): OutgoingMessage;
}

export function createServiceEncoder(options: EncoderOptions): ServiceEncoder {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const { session, version } = options;
  const nextSeq = sequencer();
  return {
    session,
    status: (state) =>
      encodeMessage(prefix, {
        ...stamp(options, nextSeq, 'status'),
        type: MESSAGE_TYPES.serviceStatus,
        data: { state, session, version },
      }),
    command: (bridgeId, machineId, command) =>
      encodeMessage(prefix, {
        ...stamp(options, nextSeq, `${machineId}/cmd`),
        type: MESSAGE_TYPES.command,
        bridgeId,
        machineId,
        data: command,
      }),
    clearMachine: (machineId, channel) => clearRetained(prefix, { kind: 'machine', machineId, channel }),
    clearBridgeStatus: (bridgeId) => clearRetained(prefix, { kind: 'bridge-status', bridgeId }),
  };
}
