import { DomainError } from '../common/domain-error.js';

export class InvalidCredentialsError extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';
  readonly kind = 'unauthenticated';

  constructor() {
    super('This email or member code and password do not match an active account.');
  }
}

export class TooManyAttemptsError extends DomainError {
  readonly code = 'TOO_MANY_ATTEMPTS';
  readonly kind = 'rate_limited';

  constructor(retryAfterSeconds: number) {
    super(`Too many failed sign-ins. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s), or ask the staff.`, {
      details: { retryAfterSeconds },
    });
  }
}

export class InvalidRefreshTokenError extends DomainError {
  readonly code = 'INVALID_REFRESH_TOKEN';
  readonly kind = 'unauthenticated';

  constructor() {
    super('This session has ended. Please sign in again.');
  }
}

export class BridgeIdTakenError extends DomainError {
  readonly code = 'BRIDGE_ID_TAKEN';
  readonly kind = 'conflict';
}

export class BrokerAccountError extends DomainError {
  readonly code = 'BROKER_UNAVAILABLE';
  readonly kind = 'unavailable';
}
