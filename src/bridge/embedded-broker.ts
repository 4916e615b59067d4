import { createServer, type Server } from 'node:net';
import { Logger } from '@nestjs/common';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { MAX_PAYLOAD_BYTES, mayPublish, maySubscribe, type BrokerIdentity } from '@fabrique/firmware-bridge';

/** Checks a bridge's MQTT username and password; null when they do not match live credentials. */
export type BridgeAuthenticator = (bridgeId: string, password: string) => Promise<BrokerIdentity | null>;

export class BrokerStartError extends Error {
  override name = 'BrokerStartError';
}

/** The username the service's own client uses; `$` cannot appear in a bridge id. */
export const SERVICE_USERNAME = '$fabrique-service';

/**
 * The zero-setup MQTT broker: Aedes in this process, enforcing firmware-bridge/CONTRACT.md's security rules in its
 * hooks — each bridge publishes only under its own topics and reads only its machines' commands.
 * Production uses Mosquitto with the same rules (config/mosquitto/).
 */
export class EmbeddedBroker {
  private readonly logger = new Logger('EmbeddedBroker');
  private readonly identities = new WeakMap<Client, BrokerIdentity>();
  /** Connected bridges, to close them when their credentials are revoked. */
  private readonly bridgeClients = new Map<Client, string>();
  private aedes?: Aedes;
  private server?: Server;

  constructor(
    private readonly prefix: string,
    private readonly servicePassword: string,
    private readonly authenticateBridge: BridgeAuthenticator,
  ) {}

  async start(host: string, port: number): Promise<number> {
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        this.identify(username, password?.toString('utf8'))
          .then((identity) => {
            if (!identity) return done(refused(), false);
            this.identities.set(client, identity);
            if (identity.kind === 'bridge') this.bridgeClients.set(client, identity.bridgeId);
            done(null, true);
          })
          .catch((error: Error) => {
            this.logger.error(`Authentication of ${client.id} failed: ${error.message}`);
            done(refused(), false);
          });
      },
      authorizePublish: (client, packet, done) => {
        if (!client) return done(null); // the broker's own messages ($SYS, wills already checked)
        const identity = this.identities.get(client);
        const allowed =
          identity !== undefined &&
          packet.payload.length <= MAX_PAYLOAD_BYTES &&
          mayPublish(this.prefix, identity, packet.topic);
        done(allowed ? null : new Error(`publish to ${packet.topic} not allowed`));
      },
      authorizeSubscribe: (client, subscription, done) => {
        const identity = this.identities.get(client);
        const allowed = identity !== undefined && maySubscribe(this.prefix, identity, subscription.topic);
        // A null subscription answers SUBACK 0x80 (refused) without dropping the connection.
        done(null, allowed ? subscription : null);
      },
    });
    aedes.on('clientDisconnect', (client) => this.bridgeClients.delete(client));
    const server = createServer(aedes.handle);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
    } catch (error) {
      aedes.close();
      const code = (error as NodeJS.ErrnoException).code;
      throw new BrokerStartError(
        code === 'EADDRINUSE'
          ? `MQTT port ${port} is already in use (is Mosquitto running?). Set MQTT_PORT to another port, or MQTT_URL to use that broker.`
          : `The embedded MQTT broker could not listen on ${host}:${port}: ${(error as Error).message}`,
      );
    }
    this.aedes = aedes;
    this.server = server;
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** Closes the connections of a bridge whose credentials were revoked; returns how many. */
  disconnectBridge(bridgeId: string): number {
    let closed = 0;
    for (const [client, id] of this.bridgeClients) {
      if (id !== bridgeId) continue;
      client.close();
      closed += 1;
    }
    return closed;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.aedes ? this.aedes.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async identify(username: string | undefined, password: string | undefined): Promise<BrokerIdentity | null> {
    if (!username || password === undefined) return null;
    if (username === SERVICE_USERNAME) return password === this.servicePassword ? { kind: 'service' } : null;
    return this.authenticateBridge(username, password);
  }
}

function refused(): AuthenticateError {
  return Object.assign(new Error('Bad user name or password'), { returnCode: 4 }) as AuthenticateError;
}
