import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';

/**
 * An MQTT broker the tests can crash: Aedes with no authentication on a TCP port of its own, in
 * the test process, standing in for the external broker a service is given with MQTT_URL. Unlike
 * the service's embedded broker, it outlives the service, so a chaos test can kill either one.
 */
export class StandaloneBroker {
  private aedes: Aedes | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<string>();

  private constructor(private boundPort: number) {}

  /** Listens on `port`, or on a free one when it is 0. */
  static async start(port = 0): Promise<StandaloneBroker> {
    const broker = new StandaloneBroker(port);
    await broker.listen();
    return broker;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.boundPort}`;
  }

  get running(): boolean {
    return this.server !== null;
  }

  /** Ids of the MQTT clients connected now. */
  clientIds(): string[] {
    return [...this.clients];
  }

  /**
   * What a broker crash does: every connection ends at once with no DISCONNECT and no will sent to
   * anyone still listening, the port stops answering, and retained messages, sessions and queued
   * QoS 1 messages are gone (Aedes keeps them in memory only).
   */
  async kill(): Promise<void> {
    const { server, aedes } = this;
    if (!server || !aedes) return;
    this.server = null;
    this.aedes = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // All sockets go before Aedes reacts to any of them, so no will reaches a surviving client.
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.clients.clear();
    await closed;
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }

  /** A fresh broker on the same port, as after a crash and a restart: it remembers nothing. */
  async restart(): Promise<void> {
    await this.kill();
    await this.listen();
  }

  async close(): Promise<void> {
    await this.kill();
  }

  private async listen(): Promise<void> {
    const aedes = await Aedes.createBroker();
    // A killed instance still reports its clients leaving; they are no longer this broker's.
    aedes.on('clientReady', (client) => {
      if (this.aedes === aedes) this.clients.add(client.id);
    });
    aedes.on('clientDisconnect', (client) => {
      if (this.aedes === aedes) this.clients.delete(client.id);
    });
    const server = createServer(aedes.handle);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.boundPort, '127.0.0.1', () => resolve());
      });
    } catch (error) {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      throw error;
    }
    const address = server.address();
    if (typeof address === 'object' && address) this.boundPort = address.port;
    this.aedes = aedes;
    this.server = server;
  }
}
