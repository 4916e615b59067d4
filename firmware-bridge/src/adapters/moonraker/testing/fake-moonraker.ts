// A fake Moonraker + Klipper for the adapter tests: `POST /server/files/upload` (422 when the
// `checksum` field does not match the bytes) and WebSocket JSON-RPC at `/websocket` with
// `printer.info`, `printer.objects.list/subscribe`, `printer.print.*` and `notify_status_update`
// deltas. Klipper's `print_stats.state` is kept after a job, like the real one.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { isRecord, mergeDeep, num, parseObject, rec, str, type JsonObject } from '../../native-kit/read.js';
import { parseMultipart, readBody } from '../../native-kit/testing.js';

export class FakeMoonraker {
  /** Klipper's printer objects, as `printer.objects.query` would return them. */
  objects: JsonObject = {
    webhooks: { state: 'ready', state_message: 'Printer is ready' },
    print_stats: {
      state: 'standby',
      filename: '',
      print_duration: 0,
      total_duration: 0,
      filament_used: 0,
      message: '',
      info: {},
    },
    display_status: { progress: 0, message: null },
    virtual_sdcard: { progress: 0, is_active: false, file_path: null },
    extruder: { temperature: 24.5, target: 0 },
    heater_bed: { temperature: 23.1, target: 0 },
    pause_resume: { is_paused: false },
    'filament_switch_sensor runout': { filament_detected: true, enabled: true },
  };
  readonly uploads: { path: string; bytes: Buffer }[] = [];
  readonly calls: { method: string; params: JsonObject }[] = [];
  /** Flips a byte of every upload, so Moonraker's checksum check fails (422). */
  corruptUploads = false;
  klippyConnected = true;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private port = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeMoonraker> {
    const server = createServer((req, res) => void fake.route(req, res));
    const fake = new FakeMoonraker(server);
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('upgrade', (req, socket, head) => {
      if (req.url !== '/websocket') return socket.destroy();
      fake.wss.handleUpgrade(req, socket, head, (ws) => fake.onSocket(ws));
    });
    await fake.listen();
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Klipper changed: merge and push the delta, like `notify_status_update`. */
  update(delta: JsonObject): void {
    this.objects = mergeDeep(this.objects, delta);
    this.notify('notify_status_update', [delta, 1234.5]);
  }

  notify(method: string, params: unknown[] = []): void {
    const text = JSON.stringify({ jsonrpc: '2.0', method, params });
    for (const ws of this.clients) ws.send(text);
  }

  pushRaw(text: string): void {
    for (const ws of this.clients) ws.send(text);
  }

  /** The host goes away (Moonraker restarted, network lost): every connection drops. */
  async stop(): Promise<void> {
    for (const ws of this.clients) ws.terminate();
    this.clients.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async restart(): Promise<void> {
    await this.listen(this.port);
  }

  private async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const send = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (req.method !== 'POST' || req.url !== '/server/files/upload') return send(404, { error: 'Not Found' });
    const form = parseMultipart(body, req.headers['content-type']);
    const file = form.get('file');
    if (!file?.filename) return send(400, { error: { code: 400, message: 'No file' } });
    const bytes = this.corruptUploads ? Buffer.concat([file.data, Buffer.from('!')]) : file.data;
    const checksum = form.get('checksum')?.data.toString();
    if (checksum && createHash('sha256').update(bytes).digest('hex') !== checksum) {
      return send(422, { error: { code: 422, message: 'File checksum mismatch' } });
    }
    const path = `${form.get('path')?.data.toString() ?? ''}/${file.filename}`.replace(/^\//, '');
    this.uploads.push({ path, bytes });
    send(201, { item: { path, root: 'gcodes' }, print_started: false, action: 'create_file' });
  }

  private onSocket(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('message', (data: WebSocket.RawData) => {
      const request = parseObject(data.toString());
      const id = num(request?.id);
      const method = str(request?.method);
      if (!request || id === undefined || method === undefined) return;
      const params = rec(request.params);
      this.calls.push({ method, params });
      const answer = this.answer(method, params);
      const reply = 'error' in answer ? { error: answer.error } : { result: answer.result };
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, ...reply }));
    });
  }

  private answer(
    method: string,
    params: JsonObject,
  ): { result: unknown } | { error: { code: number; message: string } } {
    const stats = rec(this.objects.print_stats);
    const fail = (message: string) => ({ error: { code: 400, message } });
    if (!this.klippyConnected) return { error: { code: 503, message: 'Klippy Disconnected' } };
    switch (method) {
      case 'printer.info':
        return { result: { state: str(rec(this.objects.webhooks).state), state_message: 'ready', hostname: 'fake' } };
      case 'printer.objects.list':
        return { result: { objects: Object.keys(this.objects) } };
      case 'printer.objects.subscribe': {
        const wanted = Object.keys(rec(params.objects));
        const status = Object.fromEntries(
          wanted.filter((n) => isRecord(this.objects[n])).map((n) => [n, this.objects[n]]),
        );
        return { result: { eventtime: 1000.1, status } };
      }
      case 'printer.print.start': {
        const filename = str(params.filename) ?? '';
        if (!this.uploads.some((u) => u.path === filename)) return fail(`File not found: ${filename}`);
        if (['printing', 'paused'].includes(str(stats.state) ?? '')) return fail('Printer is busy');
        this.update({ print_stats: { state: 'printing', filename, print_duration: 0, filament_used: 0, message: '' } });
        return { result: 'ok' };
      }
      case 'printer.print.pause':
        if (stats.state !== 'printing') return fail('Print is not active');
        this.update({ print_stats: { state: 'paused' }, pause_resume: { is_paused: true } });
        return { result: 'ok' };
      case 'printer.print.resume':
        if (stats.state !== 'paused') return fail('Print is not paused');
        this.update({ print_stats: { state: 'printing' }, pause_resume: { is_paused: false } });
        return { result: 'ok' };
      case 'printer.print.cancel':
        if (!['printing', 'paused'].includes(str(stats.state) ?? '')) return fail('Print is not active');
        this.update({ print_stats: { state: 'cancelled' }, pause_resume: { is_paused: false } });
        return { result: 'ok' };
      default:
        return { error: { code: -32601, message: `Method not found: ${method}` } };
    }
  }
}
