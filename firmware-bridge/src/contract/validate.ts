// The single entry point for anything read off the broker: topic + bytes → a typed message or a
// reason. It never throws: a bridge (or anyone with a password) controls both inputs.
import type { BridgeStatusMessage, MachineChannelMessages, ServiceStatusMessage } from './types.js';
import {
  explainTopic,
  isRetained,
  MAX_PAYLOAD_BYTES,
  type BridgeStatusTopic,
  type MachineChannel,
  type MachineTopic,
  type ParsedTopic,
  type RetainedMachineChannel,
  type ServiceStatusTopic,
} from './topics.js';
import { bridgeStatusCheck, machineChecks, serviceStatusCheck } from './validators.js';
import { EVENT_TYPES, MESSAGE_TYPES } from './vocabulary.js';

/** JSON nesting allowed; the deepest legitimate payload nests 5 levels. */
export const MAX_JSON_DEPTH = 16;

export type DecodeErrorCode = 'TOPIC' | 'TOO_LARGE' | 'UTF8' | 'JSON' | 'SCHEMA' | 'MISMATCH';

export type MessageChannel = 'service-status' | 'bridge-status' | MachineChannel;

type Decoded<C extends MessageChannel, T extends ParsedTopic, M> = {
  ok: true;
  cleared: false;
  /** Flat copy of the topic's channel, so `switch (result.channel)` narrows `message`. */
  channel: C;
  topic: T;
  message: M;
};

export type DecodedMessage =
  | Decoded<'service-status', ServiceStatusTopic, ServiceStatusMessage>
  | Decoded<'bridge-status', BridgeStatusTopic, BridgeStatusMessage>
  | { [C in MachineChannel]: Decoded<C, MachineTopic<C>, MachineChannelMessages[C]> }[MachineChannel];

/** A zero-length payload on a retained topic: the retained message was cleared. */
export interface ClearedRetained {
  ok: true;
  cleared: true;
  channel: 'service-status' | 'bridge-status' | RetainedMachineChannel;
  topic: ParsedTopic;
}

export interface DecodeFailure {
  ok: false;
  code: DecodeErrorCode;
  reason: string;
  /** The parsed topic when it was one of ours, so failures can be counted per bridge / machine. */
  topic: ParsedTopic | null;
}

export type DecodeResult = DecodedMessage | ClearedRetained | DecodeFailure;

const utf8 = new TextDecoder('utf-8', { fatal: true });

const fail = (code: DecodeErrorCode, reason: string, topic: ParsedTopic | null): DecodeFailure => ({
  ok: false,
  code,
  reason,
  topic,
});

export function channelOf(topic: ParsedTopic): MessageChannel {
  return topic.kind === 'machine' ? topic.channel : topic.kind;
}

/** Which `type` values belong on a channel (events: any event name). */
function typeBelongsTo(channel: MessageChannel, type: string): boolean {
  switch (channel) {
    case 'service-status':
      return type === MESSAGE_TYPES.serviceStatus;
    case 'bridge-status':
      return type === MESSAGE_TYPES.bridgeStatus;
    case 'events':
      return (EVENT_TYPES as readonly string[]).includes(type);
    case 'cmd':
      return type === MESSAGE_TYPES.command;
    case 'cmd/res':
      return type === MESSAGE_TYPES.commandResult;
    default:
      return type === MESSAGE_TYPES[channel];
  }
}

const KNOWN_TYPES: readonly string[] = [...Object.values(MESSAGE_TYPES), ...EVENT_TYPES];

/** Depth of `{`/`[` nesting outside strings, stopping early once over the cap. */
function nestingExceeds(json: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

type Field = (key: string) => unknown;

/**
 * Validates an already parsed value against the schema of `topic`, then checks that the envelope
 * addresses the same bridge / machine as the topic. Shared by the decoder and the encoders.
 */
export function checkMessage(
  topic: ParsedTopic,
  value: unknown,
): { code: 'SCHEMA' | 'MISMATCH'; reason: string } | null {
  const channel = channelOf(topic);
  const get: Field = (key) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, key)
      ? (value as Record<string, unknown>)[key]
      : undefined;
  const type = get('type');
  if (typeof type === 'string' && KNOWN_TYPES.includes(type) && !typeBelongsTo(channel, type)) {
    return { code: 'MISMATCH', reason: `type: ${JSON.stringify(type)} does not belong on ${channel}` };
  }
  const check =
    topic.kind === 'service-status'
      ? serviceStatusCheck
      : topic.kind === 'bridge-status'
        ? bridgeStatusCheck
        : machineChecks[topic.channel];
  const reason = check(value);
  if (reason !== null) return { code: 'SCHEMA', reason };

  if (topic.kind === 'machine' && get('machineId') !== topic.machineId) {
    return {
      code: 'MISMATCH',
      reason: `machineId: ${JSON.stringify(get('machineId'))} does not match the topic's ${JSON.stringify(topic.machineId)}`,
    };
  }
  if (topic.kind === 'bridge-status' && get('bridgeId') !== topic.bridgeId) {
    return {
      code: 'MISMATCH',
      reason: `bridgeId: ${JSON.stringify(get('bridgeId'))} does not match the topic's ${JSON.stringify(topic.bridgeId)}`,
    };
  }
  if (topic.kind !== 'machine') {
    const data = get('data') as { session: number };
    if (data.session !== get('session')) {
      return { code: 'MISMATCH', reason: 'data.session: must equal the envelope session' };
    }
  }
  return null;
}

/**
 * Decodes one MQTT message. Order matters: the topic and the size are checked before any byte is
 * decoded, so a hostile 100 MB payload costs one comparison.
 */
export function decodeMessage(prefix: string, topic: string, payload: Uint8Array): DecodeResult {
  let parsedTopic: ParsedTopic | null = null;
  try {
    const explained = explainTopic(prefix, topic);
    if (typeof explained === 'string') return fail('TOPIC', `topic: ${explained}`, null);
    parsedTopic = explained;
    const channel = channelOf(parsedTopic);

    if (!ArrayBuffer.isView(payload)) return fail('JSON', 'payload: must be bytes', parsedTopic);
    if (payload.byteLength > MAX_PAYLOAD_BYTES) {
      return fail(
        'TOO_LARGE',
        `payload: ${payload.byteLength} bytes exceeds the ${MAX_PAYLOAD_BYTES}-byte cap`,
        parsedTopic,
      );
    }
    if (payload.byteLength === 0) {
      if (!isRetained(parsedTopic)) {
        return fail('JSON', `payload: empty, and ${channel} is not a retained topic`, parsedTopic);
      }
      return {
        ok: true,
        cleared: true,
        channel: channel as ClearedRetained['channel'],
        topic: parsedTopic,
      };
    }

    let text: string;
    try {
      text = utf8.decode(payload);
    } catch {
      return fail('UTF8', 'payload: is not valid UTF-8', parsedTopic);
    }
    if (nestingExceeds(text, MAX_JSON_DEPTH)) {
      return fail('JSON', `payload: JSON nested deeper than ${MAX_JSON_DEPTH} levels`, parsedTopic);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message.slice(0, 120) : 'syntax error';
      return fail('JSON', `payload: is not JSON (${detail})`, parsedTopic);
    }

    const problem = checkMessage(parsedTopic, value);
    if (problem !== null) return fail(problem.code, problem.reason, parsedTopic);
    return { ok: true, cleared: false, channel, topic: parsedTopic, message: value } as DecodedMessage;
  } catch (error) {
    // Unreachable by design; the promise "never throws" outranks a precise code.
    const detail = error instanceof Error ? error.message.slice(0, 120) : String(error);
    return fail('SCHEMA', `payload: could not be validated (${detail})`, parsedTopic);
  }
}
