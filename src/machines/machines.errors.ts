import { DomainError } from '../common/domain-error.js';

export class MachineExistsError extends DomainError {
  readonly code = 'MACHINE_EXISTS';
  readonly kind = 'conflict';
}

export class StatusReasonRequiredError extends DomainError {
  readonly code = 'STATUS_REASON_REQUIRED';
  readonly kind = 'rule';
}
