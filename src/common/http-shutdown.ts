import type { Server } from 'node:http';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** Requests already in flight get this long to finish once the service is asked to stop. */
const GRACE_MS = 2_000;

/**
 * Closing the HTTP server waits for every open connection, and a browser's keep-alive
 * connection (a kiosk retrying through a proxy, say) can keep a restart waiting for as long as
 * it likes. Idle connections are closed at once, busy ones after a short grace.
 */
@Injectable()
export class HttpShutdown implements BeforeApplicationShutdown {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    setTimeout(() => {
      server.closeIdleConnections();
      server.closeAllConnections();
    }, GRACE_MS).unref();
    // Once close() has begun, idle keep-alive sockets only hold it up.
    setImmediate(() => server.closeIdleConnections());
  }
}
