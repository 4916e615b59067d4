import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay between a client and a server it cannot otherwise disturb (a broker, PostgreSQL).
 * `cut` destroys both halves of every connection, which is what a pulled cable looks like from
 * both ends; `pause` stops carrying bytes while every connection stays open, which is what a
 * stalled server or a black-holed link looks like: nothing fails, nothing answers.
 */
export class TcpRelay {
  private readonly pairs = new Set<[Socket, Socket]>();
  /** Connections accepted while paused, waiting for `resume` to reach the server. */
  private waiting: Socket[] = [];
  private held: Promise<unknown> | null = null;
  private paused = false;
  private readonly server: Server = createServer((downstream) => this.accept(downstream));
  private boundPort = 0;

  private constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  static async start(host: string, port: number): Promise<TcpRelay> {
    const relay = new TcpRelay(host, port);
    await new Promise<void>((resolve, reject) => {
      relay.server.once('error', reject);
      relay.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = relay.server.address();
    relay.boundPort = typeof address === 'object' && address ? address.port : 0;
    return relay;
  }

  get port(): number {
    return this.boundPort;
  }

  /** `url` (the server's) with this relay's address in its place: `postgres://u@127.0.0.1:<port>/db`. */
  via(url: string): string {
    const relayed = new URL(url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(this.boundPort);
    return relayed.toString();
  }

  /** Destroys every connection; new ones are refused until `until` (if given) settles. */
  cut(until?: Promise<unknown>): void {
    if (until) {
      const held = until.then(
        () => undefined,
        () => undefined,
      );
      this.held = held;
      void held.then(() => {
        if (this.held === held) this.held = null;
      });
    }
    for (const [downstream, upstream] of this.pairs) {
      downstream.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Stops carrying bytes either way; connections stay open and new ones are accepted, unanswered. */
  pause(): void {
    this.paused = true;
    for (const [downstream, upstream] of this.pairs) {
      downstream.unpipe(upstream);
      upstream.unpipe(downstream);
      downstream.pause();
      upstream.pause();
    }
  }

  /** Carries bytes again, what was held back first. */
  resume(): void {
    this.paused = false;
    for (const [downstream, upstream] of this.pairs) this.carry(downstream, upstream);
    const waiting = this.waiting;
    this.waiting = [];
    for (const downstream of waiting) this.open(downstream);
  }

  async close(): Promise<void> {
    this.cut();
    for (const downstream of this.waiting) downstream.destroy();
    this.waiting = [];
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(downstream: Socket): void {
    if (this.held) {
      downstream.destroy();
      return;
    }
    if (this.paused) {
      downstream.pause();
      downstream.on('error', () => downstream.destroy());
      this.waiting.push(downstream);
      return;
    }
    this.open(downstream);
  }

  private open(downstream: Socket): void {
    if (downstream.destroyed) return;
    const upstream = connectTcp(this.targetPort, this.host);
    const pair: [Socket, Socket] = [downstream, upstream];
    this.pairs.add(pair);
    const end = () => {
      downstream.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    for (const socket of pair) {
      socket.setNoDelay(true);
      socket.on('error', end);
      socket.on('close', end);
    }
    this.carry(downstream, upstream);
  }

  private carry(downstream: Socket, upstream: Socket): void {
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  }
}
