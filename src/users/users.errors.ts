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
