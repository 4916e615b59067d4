import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import { routeOf } from '../common/request-route.js';
import type { AppLogger } from './app-logger.js';

/** What a proxy or a client may hand us as a request id; anything else is replaced, not trusted. */
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Probes a monitor sends every few seconds: at `info` they would drown everything else. */
const PROBES = new Set(['/health', '/metrics']);

/**
 * Gives each request an id (the caller's X-Request-Id when it looks like one, else a new UUID),
 * sends it back as X-Request-Id, and serves the request inside a child logger bound to it, so
 * every line the request causes carries `reqId`. One line when the response is sent.
 */
export function requestLogging(logger: AppLogger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const incoming = request.get('x-request-id');
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    (request as Request & { id: string }).id = id;
    response.setHeader('X-Request-Id', id);
    const child = logger.root.child({ reqId: id });
    const started = performance.now();
    response.once('finish', () => {
      const route = routeOf(request);
      const status = response.statusCode;
      // A failure's own line (with its stack) is already at `error`; this one only closes the request.
      const level = status >= 500 ? 'warn' : PROBES.has(route) && status < 400 ? 'debug' : 'info';
      if (!child.isLevelEnabled(level)) return;
      const ms = Math.round((performance.now() - started) * 10) / 10;
      child[level]({ method: request.method, route, status, ms }, `${request.method} ${route} ${status} ${ms} ms`);
    });
    logger.requests.run(child, next);
  };
}
