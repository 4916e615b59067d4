// A fake OctoPrint for the adapter tests: the REST endpoints the adapter calls and the push socket
// at `/sockjs/websocket` (auth message first, then `history`, `current` and `event` messages), on
// 127.0.0.1 and a free port. It behaves like OctoPrint where the adapter depends on it: 409 for a
// job command in the wrong state, PrintCancelled then PrintFailed{reason: cancelled} on a cancel.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { parseObject, str } from '../../native-kit/read.js';
import { parseMultipart, readBody } from '../../native-kit/testing.js';

export const API_KEY = 'test-api-key';
const SESSION = 'fabrique:s3ss10n';

const FLAGS: Record<string, string[]> = {
  Operational: ['operational', 'ready'],
  Printing: ['operational', 'printing'],
  Pausing: ['operational', 'pausing', 'paused'],
  Paused: ['operational', 'paused'],
  Cancelling: ['operational', 'cancelling'],
  Error: ['error', 'closedOrError'],
  Offline: ['closedOrError'],
};

export class FakeOctoPrint {
  text = 'Operational';
  file: { name: string; path: string } | null = null;
  progress: {
    completion: number | null;
    printTime: number | null;
    printTimeLeft: number | null;
    filepos: number | null;
  } = { completion: null, printTime: null, printTimeLeft: null, filepos: null };
  readonly uploads: { name: string; bytes: Buffer }[] = [];
  readonly jobCommands: Record<string, unknown>[] = [];
  /** Delay before a cancel ends (OctoPrint shows `Cancelling` meanwhile). */
  cancelMs = 30;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private port = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeOctoPrint> {
    const server = createServer((req, res) => void fake.route(req, res));
    const fake = new FakeOctoPrint(server);
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('upgrade', (req, socket, head) => {
      if (req.url !== '/sockjs/websocket') return socket.destroy();
      fake.wss.handleUpgrade(req, socket, head, (ws) => fake.onSocket(ws));
    });
    await fake.listen();
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Changes the state string and pushes a `current` message (with optional serial log lines). */
  set(text: string, logs: string[] = []): void {
    this.text = text;
    this.pushCurrent(logs);
  }

  pushCurrent(logs: string[] = []): void {
    this.broadcast({ current: { ...this.status(), logs } });
  }

  pushEvent(type: string, payload: Record<string, unknown> = {}): void {
    this.broadcast({ event: { type, payload: { name: this.file?.name, path: this.file?.path, ...payload } } });
  }

  /** Sends raw text to every push client (malformed-message tests). */
  pushRaw(text: string): void {
    for (const ws of this.clients) ws.send(text);
  }

  finishPrint(): void {
    this.progress = { ...this.progress, completion: 100, printTimeLeft: 0 };
    this.pushEvent('PrintDone', { time: this.progress.printTime ?? 0 });
    this.set('Operational');
  }

  /** The whole server goes away (OctoPrint restarted, Wi-Fi lost): every connection drops. */
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

  private status() {
    const flags = Object.fromEntries((FLAGS[this.text] ?? []).map((f) => [f, true]));
    return {
      state: { text: this.text, flags },
      job: { file: this.file ? { ...this.file, origin: 'local' } : { name: null, path: null } },
      progress: this.progress,
      temps: [{ time: 1, tool0: { actual: 210.2, target: 210 }, bed: { actual: 59.8, target: 60 } }],
    };
  }

  private broadcast(message: unknown): void {
    const text = JSON.stringify(message);
    for (const ws of this.clients) ws.send(text);
  }

  private onSocket(ws: WebSocket): void {
    ws.send(JSON.stringify({ connected: { version: '1.11.2', apikey: 'ui', branch: 'main' } }));
    ws.on('message', (data: WebSocket.RawData) => {
      const message = parseObject(data.toString());
      if (str(message?.auth) !== SESSION) return;
      this.clients.add(ws);
      ws.send(JSON.stringify({ history: { ...this.status(), logs: [] } }));
    });
    ws.on('close', () => this.clients.delete(ws));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? '' : JSON.stringify(body));
    };
    if (req.headers['x-api-key'] !== API_KEY) return send(403, { error: 'Forbidden' });
    const body = await readBody(req);
    const route = `${req.method} ${req.url}`;
    if (route === 'POST /api/login') return send(200, { name: 'fabrique', session: 's3ss10n', active: true });
    if (route === 'GET /api/printer') {
      if (this.text === 'Offline') return send(409, { error: 'Printer is not operational' });
      const { state, temps } = this.status();
      return send(200, { state, temperature: { tool0: temps[0].tool0, bed: temps[0].bed } });
    }
    if (route === 'GET /api/job') {
      const { job, progress } = this.status();
      return send(200, { job, progress, state: this.text });
    }
    if (route === 'POST /api/files/local') {
      const file = parseMultipart(body, req.headers['content-type']).get('file');
      if (!file?.filename) return send(400, { error: 'No file included' });
      this.uploads.push({ name: file.filename, bytes: file.data });
      this.file = { name: file.filename, path: file.filename };
      return send(201, { done: true, files: { local: { name: file.filename, path: file.filename, origin: 'local' } } });
    }
    if (route === 'POST /api/job') return this.jobCommand(parseObject(body.toString()) ?? {}, send);
    send(404, { error: 'Not found' });
  }

  private jobCommand(command: Record<string, unknown>, send: (status: number, body?: unknown) => void): void {
    this.jobCommands.push(command);
    const refuse = () => send(409, { error: `Printer is ${this.text}` });
    switch (`${str(command.command)}/${str(command.action) ?? ''}`) {
      case 'start/':
        if (this.text !== 'Operational' || !this.file) return refuse();
        this.progress = { completion: 0, printTime: 0, printTimeLeft: 600, filepos: 0 };
        send(204);
        this.pushEvent('PrintStarted');
        return this.set('Printing');
      case 'pause/pause':
        if (this.text !== 'Printing') return refuse();
        send(204);
        this.set('Pausing');
        this.pushEvent('PrintPaused');
        return this.set('Paused');
      case 'pause/resume':
        if (this.text !== 'Paused') return refuse();
        send(204);
        this.pushEvent('PrintResumed');
        return this.set('Printing');
      case 'cancel/':
        if (!['Printing', 'Paused', 'Pausing'].includes(this.text)) return refuse();
        send(204);
        this.pushEvent('PrintCancelling');
        this.set('Cancelling');
        setTimeout(() => {
          // OctoPrint's order: PrintCancelled, then PrintFailed with reason "cancelled".
          this.pushEvent('PrintCancelled', { time: 12.5 });
          this.pushEvent('PrintFailed', { time: 12.5, reason: 'cancelled' });
          this.set('Operational');
        }, this.cancelMs);
        return;
      default:
        return send(400, { error: 'Unknown command' });
    }
  }
}
