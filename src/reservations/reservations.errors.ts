import { DomainError, type ErrorKind } from '../common/domain-error.js';
import type { BookingViolation } from './booking.policy.js';

/** A booking rule said no; the code is the rule's (`TRAINING_REQUIRED`, `QUOTA_EXCEEDED`, …). */
export class BookingRefusedError extends DomainError {
  readonly code: string;
  readonly kind: ErrorKind;

  constructor(violation: BookingViolation) {
    super(violation.message, { field: violation.field, details: violation.details });
    this.code = violation.code;
    this.kind = violation.code === 'RESERVATION_CONFLICT' ? 'conflict' : 'rule';
  }
}

/** Cancel, check-in or release refused by the reservation's frozen policy or state. */
export class ReservationActionRefusedError extends DomainError {
  readonly code: string;
  readonly kind = 'rule' as const;

  constructor(decision: { code: string; message: string; details?: Record<string, unknown> }) {
    super(decision.message, { details: decision.details });
    this.code = decision.code;
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly kind = 'rule';
}

export class InvalidRangeError extends DomainError {
  readonly code = 'INVALID_RANGE';
  readonly kind = 'invalid';
}

export class BlockRefusedError extends DomainError {
  readonly code = 'INVALID_BLOCK';
  readonly kind = 'rule';
}

export class OverrideNotAllowedError extends DomainError {
  readonly code = 'OVERRIDE_NOT_ALLOWED';
  readonly kind = 'forbidden';
}

/** The database's own overlap backstop fired: the same answer as the service's check. */
export function conflictFromBackstop(error: unknown): BookingRefusedError | null {
  const text = error instanceof Error ? error.message : '';
  const code = (error as { code?: string } | null)?.code;
  if (code === '23P01' || text.includes('reservations_no_overlap')) {
    return new BookingRefusedError({
      code: 'RESERVATION_CONFLICT',
      message: 'This machine was just booked for this time by someone else.',
      field: 'start',
    });
  }
  return null;
}
