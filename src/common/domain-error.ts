/**
 * What a failure means to the caller, independent of transport. The HTTP edge maps each kind to
 * one status code (see http-error.filter.ts); MQTT and WebSocket edges map the same kinds their way.
 */
export type ErrorKind =
  | 'invalid' // 400: the request itself is malformed
  | 'unauthenticated' // 401
  | 'forbidden' // 403: authenticated, but the role may not do this
  | 'not_found' // 404: absent, or not the caller's to see (never tell the two apart)
  | 'conflict' // 409
  | 'unsupported_media' // 415
  | 'rule' // 422: well-formed, but a domain rule refuses it
  | 'rate_limited' // 429
  | 'unavailable'; // 503: something the service depends on does not answer; try again later

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  /** The request field the error is about, when there is one (e.g. `start`, `sites[0].timeZone`). */
  readonly field?: string;
  /** Extra machine-readable facts for the client (e.g. `retryAfterSeconds`, conflicting ids). */
  readonly details?: Record<string, unknown>;

  constructor(message: string, options?: { field?: string; details?: Record<string, unknown> }) {
    super(message);
    this.name = new.target.name;
    this.field = options?.field;
    this.details = options?.details;
  }
}

export class ValidationFailedError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly kind = 'invalid';
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not_found';

  constructor(what: string, id: string) {
    super(`No ${what} with id '${id}'.`, { details: { resource: what } });
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  readonly kind = 'unauthenticated';
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly kind = 'forbidden';
}
