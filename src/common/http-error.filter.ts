import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { asDatabaseUnavailable } from '../database/database-unavailable.js';
import { DomainError, type ErrorKind } from './domain-error.js';
import { requestIdOf, routeOf } from './request-route.js';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unsupported_media: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  rule: HttpStatus.UNPROCESSABLE_ENTITY,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/** Codes for the framework's own HTTP errors (unknown route, body too large, bad JSON, ...). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  details?: Record<string, unknown>;
  /** The request's X-Request-Id: every log line of the request carries it. */
  requestId?: string;
}

export function httpStatusOf(error: DomainError): number {
  return STATUS_BY_KIND[error.kind];
}

/**
 * The one place where failures become HTTP answers: `{code, message, field?}` for anything the
 * client can act on, and a bare 500 with the request id (stack logged once, never sent) otherwise.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    // A database that does not answer is an outage to wait out (503), not a bug of ours (500).
    const failure = asDatabaseUnavailable(error) ?? error;
    const [status, body] = this.describe(failure, request);
    if (failure instanceof DomainError && (failure.kind === 'rate_limited' || failure.kind === 'unavailable')) {
      const retry = failure.details?.retryAfterSeconds;
      if (typeof retry === 'number') response.setHeader('Retry-After', String(retry));
    }
    response.status(status).json(body);
  }

  private describe(thrown: unknown, request: Request): [number, ErrorBody] {
    // Express's adapter wraps what middleware throws (the JSON body parser's depth check) in an
    // HttpException with the status body-parser gave it; the domain error inside says what it is.
    const error = thrown instanceof HttpException && thrown.cause instanceof DomainError ? thrown.cause : thrown;
    if (error instanceof DomainError) {
      const body: ErrorBody = { code: error.code, message: error.message };
      if (error.field) body.field = error.field;
      if (error.details) body.details = error.details;
      return [httpStatusOf(error), body];
    }
    if (error instanceof HttpException && error.getStatus() < 500) {
      const status = error.getStatus();
      return [status, { code: CODE_BY_STATUS[status] ?? 'HTTP_ERROR', message: messageOf(error) }];
    }
    const requestId = requestIdOf(request);
    this.logger.error(
      `${request.method} ${routeOf(request)} failed`,
      error instanceof Error ? error.stack : String(error),
    );
    return [
      HttpStatus.INTERNAL_SERVER_ERROR,
      {
        code: 'INTERNAL_ERROR',
        message: 'Something went wrong on our side. The staff can find it in the log with the request id.',
        requestId,
      },
    ];
  }
}

function messageOf(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}
