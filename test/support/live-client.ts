import { io, type Socket } from 'socket.io-client';
import { PATIENCE_MS } from './patience.js';

export interface LiveFrame {
  siteId: string;
  seq: number;
  at: string;
  timeZone: string;
  machines: Array<Record<string, unknown> & { machineId: string; status: string }>;
  kinds: Array<{ kind: string; total: number; freeNow: number; nextFreeAt: string | null }>;
}

/**
 * A real Socket.IO client on `/live` that records everything it receives, so tests can wait for
 * a frame matching a condition and inspect every payload a screen was ever sent.
 */
export class LiveClient {
  readonly socket: Socket;
  readonly frames: Array<{ event: 'snapshot' | 'delta'; frame: LiveFrame }> = [];
  readonly errors: Array<{ code: string; message: string }> = [];
  private waiters: Array<() => void> = [];

  constructor(url: string, auth: { token: string; siteId: string }) {
    this.socket = io(`${url}/live`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    for (const event of ['snapshot', 'delta'] as const) {
      this.socket.on(event, (frame: LiveFrame) => {
        this.frames.push({ event, frame });
        this.notify();
      });
    }
    this.socket.on('live-error', (error: { code: string; message: string }) => {
      this.errors.push(error);
      this.notify();
    });
    this.socket.on('disconnect', () => this.notify());
  }

  /** Resolves with the first frame (already received or to come) that satisfies `match`. */
  async waitFor(
    match: (frame: LiveFrame, event: 'snapshot' | 'delta') => boolean,
    timeoutMs = PATIENCE_MS,
  ): Promise<LiveFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(({ frame, event }) => match(frame, event));
      if (found) return found.frame;
      if (Date.now() > deadline)
        throw new Error(
          `no matching live frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.frame.seq))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitForError(timeoutMs = PATIENCE_MS): Promise<{ code: string; message: string }> {
    const deadline = Date.now() + timeoutMs;
    while (this.errors.length === 0) {
      if (Date.now() > deadline) throw new Error('no live-error received');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.errors[0];
  }

  /** The machine as the latest frame mentioning it shows it. */
  machine(machineId: string): Record<string, unknown> | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const found = this.frames[i].frame.machines.find((m) => m.machineId === machineId);
      if (found) return found;
    }
    return undefined;
  }

  get lastSeq(): number {
    return this.frames.at(-1)?.frame.seq ?? 0;
  }

  close(): void {
    this.socket.close();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
