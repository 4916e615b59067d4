import { DomainError } from '../common/domain-error.js';

export class UnknownTrainingError extends DomainError {
  readonly code = 'UNKNOWN_TRAINING';
  readonly kind = 'rule';
}
