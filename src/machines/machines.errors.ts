import { DomainError } from '../common/domain-error.js';

export class MachineExistsError extends DomainError {
  readonly code = 'MACHINE_EXISTS';
  readonly kind = 'conflict';
}

export class StatusReasonRequiredError extends DomainError {
  readonly code = 'STATUS_REASON_REQUIRED';
  readonly kind = 'rule';
}

/** The kiosk and makers' app cannot show this maintenance notice (personal data, a date that cannot be). */
export class MaintenanceNoticeRefusedError extends DomainError {
  readonly code = 'MAINTENANCE_NOTICE_REFUSED';
  readonly kind = 'rule';
}
