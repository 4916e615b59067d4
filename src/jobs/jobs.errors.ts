import { DomainError, type ErrorKind } from '../common/domain-error.js';

/** The file is not one a fablab machine here can use (by its extension). */
export class UnsupportedJobFileError extends DomainError {
  readonly code = 'UNSUPPORTED_FILE';
  readonly kind = 'unsupported_media';
}

/** A job rule said no: no machine can take it, the maker lacks the training, the booking is not theirs. */
export class JobRefusedError extends DomainError {
  readonly code: string;
  readonly kind: ErrorKind = 'rule';

  constructor(code: string, message: string, options?: { field?: string; details?: Record<string, unknown> }) {
    super(message, options);
    this.code = code;
  }
}

/** The job is not in a state where this makes sense (cancel a finished job, resume a running one). */
export class JobStateConflictError extends DomainError {
  readonly code = 'JOB_STATE_CONFLICT';
  readonly kind = 'conflict';
}

/** A bridge's download link that is forged, expired, or for a job it no longer runs. */
export class FileLinkRefusedError extends DomainError {
  readonly code = 'FILE_LINK_REFUSED';
  readonly kind = 'forbidden';
}
