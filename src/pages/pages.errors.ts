import { DomainError } from '../common/domain-error.js';

export class PairingCodeInvalidError extends DomainError {
  readonly code = 'PAIRING_CODE_INVALID';
  readonly kind = 'not_found';

  constructor() {
    super('This code is not valid for this screen: it may be mistyped, used already or older than 10 minutes.', {
      field: 'code',
    });
  }
}

export class PairingThrottledError extends DomainError {
  readonly code = 'TOO_MANY_ATTEMPTS';
  readonly kind = 'rate_limited';

  constructor(retryAfterSeconds: number) {
    super(`Too many wrong codes. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`, {
      details: { retryAfterSeconds },
    });
  }
}
