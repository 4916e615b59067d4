import { Inject, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { Subscription } from 'rxjs';
import { AuthService } from '../auth/auth.service.js';
import { canManageSite, canReadSite, type Principal } from '../auth/principal.js';
import { LiveService } from './live.service.js';

type Audience = 'kiosk' | 'staff';

const room = (siteId: string, audience: Audience) => `${siteId}:${audience}`;

/**
 * A socket whose outgoing buffer holds this many packets is not keeping up (a frozen TV stick, a
 * dead phone): it is dropped so it slows nobody else; it reconnects and gets a fresh snapshot.
 */
const MAX_BUFFERED_PACKETS = 50;

/** Credentials are checked again this often, so a revoked screen or a deactivated account leaves. */
const RECHECK_EVERY_MS = 10_000;

interface Viewer {
  socket: Socket;
  siteId: string;
  audience: Audience;
  token: string;
}

/**
 * `/live`: kiosks (site token) and people (access token) receive a site's occupancy — a snapshot
 * on join, then deltas with sequence numbers. It is read-only: the only message a client may send
 * is `snapshot` (after a gap); anything else is answered with READ_ONLY and changes nothing.
 */
@WebSocketGateway({ namespace: '/live' })
export class LiveGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveGateway.name);
  private readonly viewers = new Map<string, Viewer>();
  private subscription?: Subscription;
  private recheckTimer?: NodeJS.Timeout;

  @WebSocketServer() server!: Namespace;

  constructor(
    @Inject(LiveService) private readonly live: LiveService,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  onModuleInit(): void {
    this.recheckTimer = setInterval(() => void this.recheckViewers(), RECHECK_EVERY_MS);
    this.recheckTimer.unref();
    this.subscription = this.live.updates$.subscribe((update) => {
      for (const viewer of this.viewers.values()) {
        if (viewer.siteId === update.siteId) this.dropIfStalled(viewer);
      }
      // One broadcast per audience: Socket.IO encodes the frame once for the whole room.
      this.server.to(room(update.siteId, 'kiosk')).emit('delta', update.kiosk);
      this.server.to(room(update.siteId, 'staff')).emit('delta', update.staff);
    });
  }

  onModuleDestroy(): void {
    clearInterval(this.recheckTimer);
    this.subscription?.unsubscribe();
  }

  /** Nest does not await this: every failure must end here, as a refusal, never as a rejection. */
  async handleConnection(socket: Socket): Promise<void> {
    try {
      await this.admit(socket);
    } catch (error) {
      this.logger.error(`Could not admit a screen: ${(error as Error).message}`);
      this.refuse(socket, 'UNAVAILABLE', 'The service cannot check this screen right now; it will retry.');
    }
  }

  /**
   * Drops every viewer whose credentials no longer hold (token expired, account deactivated,
   * kiosk revoked) or whose audience changed (a staff member moved to another site).
   */
  async recheckViewers(): Promise<void> {
    for (const viewer of [...this.viewers.values()]) {
      try {
        const principal = await this.auth.principalFromToken(viewer.token);
        if (!principal || !canReadSite(principal, viewer.siteId)) {
          this.refuse(viewer.socket, 'UNAUTHENTICATED', 'This screen’s access has ended.');
        } else if (this.audienceOf(principal, viewer.siteId) !== viewer.audience) {
          this.refuse(viewer.socket, 'RECONNECT', 'Your access changed; reconnect.');
        }
      } catch (error) {
        this.logger.warn(`Could not re-check a screen: ${(error as Error).message}`);
      }
    }
  }

  private async admit(socket: Socket): Promise<void> {
    const { token, siteId } = (socket.handshake.auth ?? {}) as { token?: unknown; siteId?: unknown };
    const principal = typeof token === 'string' ? await this.auth.principalFromToken(token) : null;
    // The socket may have gone while its credentials were checked: keep nothing of it.
    if (!socket.connected) return;
    if (!principal) return this.refuse(socket, 'UNAUTHENTICATED', 'Sign in, or pair this screen with a kiosk token.');
    if (typeof siteId !== 'string' || !canReadSite(principal, siteId) || !this.live.snapshot(siteId, 'kiosk')) {
      return this.refuse(socket, 'NOT_FOUND', `No site '${String(siteId)}' for this screen.`);
    }
    const viewer: Viewer = { socket, siteId, audience: this.audienceOf(principal, siteId), token: token as string };
    this.viewers.set(socket.id, viewer);
    await socket.join(room(siteId, viewer.audience));
    socket.onAny((event: string) => {
      if (event === 'snapshot') return this.sendSnapshot(viewer);
      socket.emit('live-error', {
        code: 'READ_ONLY',
        message: 'This channel only shows occupancy; act through the API.',
      });
    });
    this.sendSnapshot(viewer);
  }

  handleDisconnect(socket: Socket): void {
    this.viewers.delete(socket.id);
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  private sendSnapshot(viewer: Viewer): void {
    const snapshot = this.live.snapshot(viewer.siteId, viewer.audience);
    if (snapshot && !this.dropIfStalled(viewer)) viewer.socket.emit('snapshot', snapshot);
  }

  /** True when the screen was dropped for not reading what it was sent. */
  private dropIfStalled(viewer: Viewer): boolean {
    // engine.io keeps unsent packets in `writeBuffer` (not in its public types).
    const buffered = (viewer.socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
    if (buffered <= MAX_BUFFERED_PACKETS) return false;
    this.logger.warn(`Dropping a ${viewer.audience} screen of ${viewer.siteId} that stopped reading`);
    this.viewers.delete(viewer.socket.id);
    viewer.socket.disconnect(true);
    return true;
  }

  private refuse(socket: Socket, code: string, message: string): void {
    this.viewers.delete(socket.id);
    socket.emit('live-error', { code, message });
    socket.disconnect(true);
  }

  private audienceOf(principal: Principal, siteId: string): Audience {
    return canManageSite(principal, siteId) ? 'staff' : 'kiosk';
  }
}
