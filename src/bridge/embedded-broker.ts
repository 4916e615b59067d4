import { createServer, type Server } from 'node:net';
import { Logger } from '@nestjs/common';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { MAX_PAYLOAD_BYTES, mayPublish, maySubscribe, type BrokerIdentity } from '@fabrique/firmware-bridge';

/** Checks a bridge's MQTT username and password; null when they do not match live credentials. */
export type BridgeAuthenticator = (bridgeId: string, password: string) => Promise<BrokerIdentity | null>;

export class BrokerStartError extends Error {
  override name = 'BrokerStartError';
}

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  /** Longest keepalive a bridge may ask for; 0 (no keepalive at all) is refused too. */
  maxKeepaliveSeconds: number;
}

/** The username the service's own client uses; `$` cannot appear in a bridge id. */
export const SERVICE_USERNAME = '$fabrique-service';

/**
 * The zero-setup MQTT broker: Aedes in this process, enforcing firmware-bridge/CONTRACT.md's security rules in its
 * hooks — each bridge publishes only under its own topics and reads only its machines' commands.
 * Production uses Mosquitto with the same rules (config/mosquitto/):
 * - a bridge's MQTT client id is its bridge id, whatever id it asked for (Mosquitto's
 *   `use_username_as_clientid`). Client ids decide whose session a connection takes over, and a
 *   bridge's id is shown in live state: without this, a bridge could connect with another's
 *   client id under its own credentials, disconnect it and inherit its session (issue 15);
 * - a bridge must keep its connection alive (keepalive 1 to `maxKeepaliveSeconds`, Mosquitto's
 *   `max_keepalive`), or a bridge that falls silent with its socket open stays "online" forever.
 *   Like Mosquitto, a refusal answers "identifier rejected": MQTT 3.1.1 has no better code.
 */
export class EmbeddedBroker {
  private readonly logger = new Logger('EmbeddedBroker');
  private readonly identities = new WeakMap<Client, BrokerIdentity>();
  /** Each connecting client's keepalive, read in preConnect, judged once the identity is known. */
  private readonly keepalives = new WeakMap<Client, number>();
  /** Connected bridges, to close them when their credentials are revoked. */
  private readonly bridgeClients = new Map<Client, string>();
  private aedes?: Aedes;
  private server?: Server;

  constructor(
    private readonly prefix: string,
    private readonly servicePassword: string,
    private readonly authenticateBridge: BridgeAuthenticator,
  ) {}

  async start({ host, port, maxKeepaliveSeconds }: EmbeddedBrokerOptions): Promise<number> {
    const aedes = await Aedes.createBroker({
      preConnect: (client, packet, done) => {
        this.keepalives.set(client, packet.keepalive ?? 0);
        done(null, true);
      },
      authenticate: (client, username, password, done) => {
        this.identify(username, password?.toString('utf8'))
          .then((identity) => {
            if (!identity) return done(refused(4, 'Bad user name or password'), false);
            if (identity.kind === 'bridge') {
              const keepalive = this.keepalives.get(client) ?? 0;
              if (keepalive < 1 || keepalive > maxKeepaliveSeconds) {
                this.logger.warn(
                  `Refused bridge ${identity.bridgeId}: keepalive ${keepalive} s, outside 1–${maxKeepaliveSeconds} s`,
                );
                return done(refused(2, `keepalive must be 1 to ${maxKeepaliveSeconds} seconds`), false);
              }
              // Bound to the identity that authenticated: registered (and any session with the
              // same id taken over) under this id, never under the one the client chose.
              (client as { id: string }).id = identity.bridgeId;
              this.bridgeClients.set(client, identity.bridgeId);
            }
            this.identities.set(client, identity);
            done(null, true);
          })
          .catch((error: Error) => {
            this.logger.error(`Authentication of ${client.id} failed: ${error.message}`);
            done(refused(4, 'Bad user name or password'), false);
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

/** A CONNACK refusal: 2 identifier rejected, 4 bad user name or password. */
function refused(returnCode: 2 | 4, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}
