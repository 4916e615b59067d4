// A real broker (Aedes in this process, on a free port) and a real mqtt.js client playing the
// service, for runtime tests that assert the exact messages a bridge publishes. Not a mock: the
// last will, retained messages and reconnects are the broker's own behaviour.
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { connect, type MqttClient } from 'mqtt';
import {
  createServiceEncoder,
  decodeMessage,
  type Command,
  type DecodedMessage,
  type LinkState,
  type ServiceEncoder,
} from '../../contract/index.js';

export class TestBroker {
  private readonly clients = new Map<string, Client>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly gate: { refusing: boolean },
    private readonly aedes: Aedes,
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** While true, new connections are refused: the broker is "unreachable" for the bridge. */
  get refusing(): boolean {
    return this.gate.refusing;
  }

  set refusing(value: boolean) {
    this.gate.refusing = value;
  }

  static async start(): Promise<TestBroker> {
    const gate = { refusing: false };
    const aedes = await Aedes.createBroker({ preConnect: (_client, _packet, done) => done(null, !gate.refusing) });
    const server = createServer(aedes.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const broker = new TestBroker(gate, aedes, server, port);
    aedes.on('client', (client) => broker.clients.set(client.id, client));
    server.on('connection', (socket) => {
      broker.sockets.add(socket);
      socket.on('close', () => broker.sockets.delete(socket));
    });
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Kills a client's TCP connection without DISCONNECT: the broker publishes its will. */
  drop(clientId: string): void {
    const client = this.clients.get(clientId);
    if (!client) throw new Error(`no client ${clientId}`);
    (client.conn as Socket).destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface Received {
  topic: string;
  retain: boolean;
  qos: number;
  decoded: DecodedMessage;
}

/** The service side: records every decoded message under the prefix, sends commands. */
export class TestService {
  readonly received: Received[] = [];
  private readonly encoder: ServiceEncoder;

  private constructor(
    readonly client: MqttClient,
    private readonly prefix: string,
    private readonly bridgeId: string,
  ) {
    this.encoder = createServiceEncoder({ prefix, session: 1, version: 'test' });
    client.on('message', (topic, payload, packet) => {
      const decoded = decodeMessage(prefix, topic, payload);
      if (decoded.ok && !decoded.cleared)
        this.received.push({ topic, retain: packet.retain, qos: packet.qos, decoded });
    });
  }

  static async connect(url: string, prefix: string, bridgeId: string): Promise<TestService> {
    const client = connect(url, { clientId: `service-${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(`${prefix}/#`, { qos: 1 });
    return new TestService(client, prefix, bridgeId);
  }

  /** Messages of one envelope `type` (e.g. `machine.state`, `job.finished`), oldest first. */
  ofType(type: string): Received[] {
    return this.received.filter((r) => r.decoded.message.type === type);
  }

  /** Resolves with the first message (from index `from`) matching, polling for up to `ms`. */
  async waitFor(match: (r: Received) => boolean, ms = 5000, from = 0): Promise<Received> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.received.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`timed out; got ${this.received.map((r) => r.decoded.message.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async command(machineId: string, command: Command): Promise<void> {
    const m = this.encoder.command(this.bridgeId, machineId, command);
    await this.client.publishAsync(m.topic, Buffer.from(m.payload), { qos: m.qos, retain: m.retain });
  }

  /** Publishes raw bytes on a machine's cmd topic (invalid-command tests). */
  async raw(machineId: string, payload: string): Promise<void> {
    await this.client.publishAsync(`${this.prefix}/machines/${machineId}/cmd`, payload, { qos: 1 });
  }

  async status(state: LinkState, retain = true): Promise<void> {
    const m = this.encoder.status(state);
    await this.client.publishAsync(m.topic, Buffer.from(m.payload), { qos: 1, retain });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** Waits (polling) until `done()` holds; for conditions on the bridge itself. */
export async function eventually(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
