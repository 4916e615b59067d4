// The printer's own MQTT broker over TLS (`mqtts://ip:8883`, user `bblp`, the LAN access code as
// password, TLS server name = serial). Reports arrive on `device/{serial}/report`: X1 printers push
// the full status, P1 printers deltas, so everything is merged into one state. Requests go to
// `device/{serial}/request` with a `sequence_id` the printer echoes in its reply.
import { randomBytes } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { connect, type MqttClient } from 'mqtt';
import type { Scheduler, TimerHandle } from '../../runtime/scheduler.js';
import { Reconnector } from '../native-kit/backoff.js';
import { isRecord, mergeDeep, num, parseObject, str, type JsonObject } from '../native-kit/read.js';
import type { BambuOptions } from './bambu-options.js';

/** `err_code` 0x05024007 (HMS 0500_0500_0001_0007): "MQTT command verification failed". */
const VERIFICATION_FAILED = 84033543;

export type Reply =
  { kind: 'ok' } | { kind: 'rejected'; reason: string; locked: boolean } | { kind: 'timeout' } | { kind: 'offline' };

export interface LinkHandlers {
  /** The merged `print` state after a status push. */
  report(print: JsonObject): void;
  changed(): void;
  warn(key: string, message: string, fields?: Record<string, string>): void;
}

interface Pending {
  command: string;
  until?: (state: JsonObject) => boolean;
  resolve(reply: Reply): void;
  timer: TimerHandle;
}

export class BambuLink {
  connected = false;
  /** The last connection error (`Connection refused: Bad username or password`), for the reason. */
  lastError: string | undefined;
  private client: MqttClient | null = null;
  private state: JsonObject = {};
  private sequence = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly reconnector: Reconnector;
  private stopped = false;

  constructor(
    private readonly options: BambuOptions,
    private readonly scheduler: Scheduler,
    private readonly handlers: LinkHandlers,
  ) {
    this.reconnector = new Reconnector(scheduler, options.reconnect, () => void this.connect());
  }

  private get topic(): string {
    return `device/${this.options.serial}`;
  }

  /** One connection attempt; resolves at the first report, or when the attempt failed. */
  connect(): Promise<void> {
    if (this.stopped || this.client) return Promise.resolve();
    const { host, port, serial, accessCode, ca, connectTimeoutMs } = this.options;
    const attempt = new Promise<void>((resolve) => {
      const client = connect(`mqtts://${host}:${port}`, {
        username: 'bblp',
        password: accessCode,
        clientId: `fabrique-${randomBytes(4).toString('hex')}`,
        servername: serial,
        // Bambu printers present a self-signed certificate named after the serial: verify it only
        // against a pinned CA, and then by the serial rather than the IP address we dialled.
        rejectUnauthorized: ca !== undefined,
        ...(ca && {
          ca,
          checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(serial, cert),
        }),
        reconnectPeriod: 0,
        connectTimeout: connectTimeoutMs,
        protocolVersion: 4,
        clean: true,
        keepalive: 30,
      });
      this.client = client;
      this.state = {};
      let first = true;
      client.on('connect', () => {
        client.subscribe(`${this.topic}/report`, { qos: 0 }, (error) => {
          if (error) return this.handlers.warn('subscribe', 'the printer refused the report subscription');
          this.connected = true;
          this.lastError = undefined;
          this.reconnector.succeeded();
          this.publish('pushing', { command: 'pushall', version: 1, push_target: 1 });
        });
      });
      client.on('message', (_topic, payload) => {
        let report = false;
        try {
          report = this.onMessage(payload);
        } catch (error) {
          // A mapping bug must not escape into mqtt.js's event loop and take the bridge down.
          const reason = (error as Error).message;
          this.handlers.warn(`report:${reason}`, 'could not handle a printer message', { reason });
        }
        if (report && first) {
          first = false;
          resolve();
        }
      });
      client.on('error', (error) => {
        this.lastError = error.message.slice(0, 120);
        this.handlers.warn(`error:${error.message}`, 'printer MQTT error', { error: error.message });
      });
      client.on('close', () => {
        resolve();
        this.onClosed(client);
      });
    });
    return attempt.catch((error: Error) => {
      this.lastError = error.message.slice(0, 120);
      this.handlers.warn('connect', 'could not start a connection to the printer', { error: error.message });
      this.reconnector.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
    this.reconnector.stop();
    this.settleAll({ kind: 'offline' });
    this.client?.end(true);
    this.client = null;
    this.connected = false;
  }

  /**
   * Sends `{print: {…body, sequence_id}}` and waits for the reply with the same `sequence_id`
   * (or for `until` to hold on the reported state, for firmwares that do not reply).
   */
  request(body: JsonObject & { command: string }, until?: (state: JsonObject) => boolean): Promise<Reply> {
    if (!this.connected) return Promise.resolve({ kind: 'offline' });
    const sequenceId = this.publish('print', body);
    return new Promise<Reply>((resolve) => {
      const timer = this.scheduler.after(this.options.commandTimeoutMs, () => {
        this.pending.delete(sequenceId);
        resolve({ kind: 'timeout' });
      });
      this.pending.set(sequenceId, { command: body.command, until, resolve, timer });
    });
  }

  private publish(key: 'print' | 'pushing', body: JsonObject): string {
    const sequenceId = String(++this.sequence);
    const payload = JSON.stringify({ [key]: { sequence_id: sequenceId, ...body } });
    this.client?.publish(`${this.topic}/request`, payload, { qos: 1 }, (error) => {
      if (error) this.handlers.warn('publish', 'could not send a request to the printer', { error: error.message });
    });
    return sequenceId;
  }

  /** True when the message was a status push. */
  private onMessage(payload: Buffer): boolean {
    const message = parseObject(payload.toString('utf8'));
    if (!message) {
      this.handlers.warn('malformed', 'ignored a printer message that is not a JSON object');
      return false;
    }
    const print = message.print;
    if (!isRecord(print)) return false; // `info`, `system`, `mc_print`…: not needed here
    const command = str(print.command);
    if (command !== undefined && command !== 'push_status') {
      this.onReply(command, print);
      return false;
    }
    const fields: JsonObject = { ...print };
    for (const key of ['command', 'sequence_id', 'msg']) delete fields[key];
    this.state = mergeDeep(this.state, fields);
    this.handlers.report(this.state);
    for (const [id, pending] of this.pending) {
      if (pending.until?.(this.state)) this.settle(id, { kind: 'ok' });
    }
    return true;
  }

  private onReply(command: string, print: JsonObject): void {
    const id = str(print.sequence_id) ?? String(num(print.sequence_id) ?? '');
    if (this.pending.get(id)?.command !== command) return;
    const result = str(print.result)?.toLowerCase();
    const errCode = num(print.err_code) ?? 0;
    if (errCode === 0 && result !== 'failed' && result !== 'fail') return this.settle(id, { kind: 'ok' });
    const reason = str(print.reason) ?? (errCode ? `err_code ${errCode}` : (result ?? 'refused'));
    const locked = errCode === VERIFICATION_FAILED || /verif|authori[sz]/i.test(reason);
    this.settle(id, { kind: 'rejected', reason: reason.slice(0, 200), locked });
  }

  private settle(id: string, reply: Reply): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.timer.cancel();
    pending.resolve(reply);
  }

  private settleAll(reply: Reply): void {
    for (const id of [...this.pending.keys()]) this.settle(id, reply);
  }

  private onClosed(client: MqttClient): void {
    if (client !== this.client) return;
    client.removeAllListeners('message');
    client.end(true);
    this.client = null;
    this.connected = false;
    this.settleAll({ kind: 'offline' });
    if (this.stopped) return;
    this.handlers.warn('link', 'lost the connection to the printer; reconnecting');
    this.handlers.changed();
    this.reconnector.schedule();
  }
}
