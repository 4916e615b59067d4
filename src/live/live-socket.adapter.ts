import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { originAllowed } from './origin.rules.js';

/**
 * Socket.IO with the origin check of `origin.rules.ts`, applied to the handshake of every
 * transport (a WebSocket upgrade is no CORS request, so CORS alone would let any page in).
 */
export class LiveSocketAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly allowedOrigins: readonly string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const allowed = this.allowedOrigins;
    return super.createIOServer(port, {
      ...(options as ServerOptions),
      cors: { origin: allowed as string[], credentials: false },
      allowRequest: (request, callback) =>
        callback(null, originAllowed(request.headers.origin, request.headers.host, allowed)),
    });
  }
}
