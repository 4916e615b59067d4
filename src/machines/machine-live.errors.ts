import { DomainError } from '../common/domain-error.js';

export class NotAwaitingClearError extends DomainError {
  readonly code = 'NOT_AWAITING_CLEAR';
  readonly kind = 'conflict';
}

export class NoServingBridgeError extends DomainError {
  readonly code = 'NO_SERVING_BRIDGE';
  readonly kind = 'conflict';
}
