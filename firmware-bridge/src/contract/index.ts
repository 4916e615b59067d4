// The MQTT contract v1, imported by the service and the bridge runtime alike.
export * from './vocabulary.js';
export * from './topics.js';
export * from './types.js';
export * from './event-types.js';
export * from './command-types.js';
export * from './formats.js';
export * from './ids.js';
export * from './errors.js';
export { MESSAGE_SCHEMAS, type JsonSchema } from './schemas.js';
export { LIMITS } from './schema-parts.js';
export {
  checkMessage,
  channelOf,
  decodeMessage,
  MAX_JSON_DEPTH,
  type ClearedRetained,
  type DecodedMessage,
  type DecodeErrorCode,
  type DecodeFailure,
  type DecodeResult,
  type MessageChannel,
} from './validate.js';
export * from './encode.js';
export * from './acl.js';
export * as contractExamples from './examples.js';
