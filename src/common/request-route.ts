import type { Request } from 'express';

/**
 * The route pattern a request matched (`/api/v1/calendar/:token.ics`), never its path: a path may
 * hold a secret, and one label per path would make a metric grow with every URL ever requested.
 */
export function routeOf(request: Request): string {
  const route = request.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? `${request.baseUrl}${route.path}` : '(unmatched)';
}

/** The id the request-logging middleware gave this request (also its X-Request-Id header). */
export function requestIdOf(request: Request): string | undefined {
  return (request as Request & { id?: string }).id;
}
