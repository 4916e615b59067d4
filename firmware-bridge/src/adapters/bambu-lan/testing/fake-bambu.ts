// A fake Bambu printer for the adapter tests: an MQTT broker over TLS (Aedes behind a node:tls
// server with a throw-away self-signed certificate named after the serial) that checks `bblp` +
// access code, answers requests on `device/{serial}/request` by `sequence_id`, and pushes status
// on `device/{serial}/report`, either as deltas (P1) or full reports (X1).
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { Aedes, type AuthenticateError } from 'aedes';
import { mergeDeep, parseObject, rec, str, type JsonObject } from '../../native-kit/read.js';
import { selfSignedCertificate } from '../../native-kit/testing.js';

export const SERIAL = '01P00A391800123';
export const ACCESS_CODE = '12345678';

export class FakeBambu {
  /** The printer's full `print` status. */
  state: JsonObject = {
    gcode_state: 'IDLE',
    stg_cur: 255,
    print_error: 0,
    mc_percent: 0,
    mc_remaining_time: 0,
    layer_num: 0,
    total_layer_num: 0,
    subtask_name: '',
    nozzle_temper: 26.0,
    nozzle_target_temper: 0,
    bed_temper: 24.5,
    bed_target_temper: 0,
    hms: [],
    ams: { ams: [{ id: '0', tray: [{ id: '0', tray_type: 'PLA', tray_color: 'FF6A13FF', remain: 80 }] }] },
  };
  /** P1 printers push only what changed; X1 printers push everything. */
  mode: 'delta' | 'full' = 'delta';
  /** Developer mode off on recent firmware: every control command is refused. */
  lockControl = false;
  readonly requests: JsonObject[] = [];
  readonly certPath: string;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private sequence = 0;

  private constructor(
    private readonly aedes: Aedes,
    private readonly server: Server,
    certPath: string,
    private readonly cleanup: () => void,
  ) {
    this.certPath = certPath;
  }

  static async start(): Promise<FakeBambu> {
    const tls = selfSignedCertificate(SERIAL);
    const aedes = await Aedes.createBroker({
      authenticate: (_client, username, password, done) => {
        if (username === 'bblp' && password?.toString() === ACCESS_CODE) return done(null, true);
        const error = Object.assign(new Error('bad access code'), { returnCode: 4 }) as AuthenticateError;
        done(error, false);
      },
    });
    const server = createServer({ key: tls.key, cert: tls.cert }, aedes.handle);
    const fake = new FakeBambu(aedes, server, tls.certPath, tls.cleanup);
    server.on('secureConnection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    aedes.subscribe(
      `device/${SERIAL}/request`,
      (packet, callback) => {
        fake.onRequest(packet.payload.toString());
        callback();
      },
      () => undefined,
    );
    await fake.listen();
    return fake;
  }

  get mqttPort(): number {
    return this.port;
  }

  /** The printer's status changed: merge it and push (only the change, in delta mode). */
  report(delta: JsonObject): void {
    this.state = mergeDeep(this.state, delta);
    this.send({
      print: {
        ...(this.mode === 'full' ? this.state : delta),
        command: 'push_status',
        msg: 1,
        sequence_id: String(++this.sequence),
      },
    });
  }

  sendRaw(payload: string): void {
    this.aedes.publish(
      {
        cmd: 'publish',
        topic: `device/${SERIAL}/report`,
        payload: Buffer.from(payload),
        qos: 0,
        retain: false,
        dup: false,
      },
      () => undefined,
    );
  }

  /** The printer drops off the network (power cut, Wi-Fi lost). */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async restart(): Promise<void> {
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    this.cleanup();
  }

  private async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private send(message: JsonObject): void {
    this.sendRaw(JSON.stringify(message));
  }

  private reply(command: string, sequenceId: string | undefined, outcome: 'ok' | 'refused' | 'locked'): void {
    const body =
      outcome === 'ok'
        ? { result: 'success' }
        : outcome === 'locked'
          ? { result: 'failed', reason: 'mqtt message verify failed', err_code: 84033543 }
          : { result: 'failed', reason: `cannot ${command} now` };
    this.send({ print: { command, sequence_id: sequenceId, ...body } });
  }

  private onRequest(text: string): void {
    const request = parseObject(text);
    if (!request) return;
    this.requests.push(request);
    if (request.pushing !== undefined) {
      return this.send({
        print: { ...this.state, command: 'push_status', msg: 0, sequence_id: String(++this.sequence) },
      });
    }
    const print = rec(request.print);
    const command = str(print.command) ?? '';
    const sequenceId = str(print.sequence_id);
    if (this.lockControl) return this.reply(command, sequenceId, 'locked');
    const state = str(this.state.gcode_state);
    switch (command) {
      case 'project_file':
        this.reply(command, sequenceId, 'ok');
        return this.report({
          gcode_state: 'PREPARE',
          stg_cur: 2,
          subtask_name: str(print.subtask_name),
          print_error: 0,
          mc_percent: 0,
        });
      case 'pause':
        if (state !== 'RUNNING') return this.reply(command, sequenceId, 'refused');
        this.reply(command, sequenceId, 'ok');
        return this.report({ gcode_state: 'PAUSE', stg_cur: 16 });
      case 'resume':
        this.reply(command, sequenceId, 'ok');
        return this.report({ gcode_state: 'RUNNING', stg_cur: 0, print_error: 0 });
      case 'stop':
        this.reply(command, sequenceId, 'ok');
        return this.report({ gcode_state: 'FAILED', stg_cur: 255, print_error: 0x0300400c });
      default:
        return this.reply(command, sequenceId, 'refused');
    }
  }
}
