import { DomainError } from '../common/domain-error.js';

/** The service has no broker connection right now, so a command could not reach any bridge. */
export class MqttUnavailableError extends DomainError {
  readonly code = 'MQTT_UNAVAILABLE';
  readonly kind = 'conflict';
}
