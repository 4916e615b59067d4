import { DomainError } from '../common/domain-error.js';

export class AccountExistsError extends DomainError {
  readonly code = 'ACCOUNT_EXISTS';
  readonly kind = 'conflict';
}

export class UnknownSiteError extends DomainError {
  readonly code = 'UNKNOWN_SITE';
  readonly kind = 'rule';
}

export class AccountRuleError extends DomainError {
  readonly code = 'ACCOUNT_RULE';
  readonly kind = 'rule';
}

/** The account still holds something the fablab counts on (a booking to come, a job underway). */
export class AccountBusyError extends DomainError {
  readonly code = 'ACCOUNT_BUSY';
  readonly kind = 'conflict';
}
