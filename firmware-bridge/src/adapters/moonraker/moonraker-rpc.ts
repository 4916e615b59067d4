// Moonraker's WebSocket JSON-RPC 2.0 (`ws://host/websocket`): requests answered by `id`,
// notifications (`notify_status_update`, `notify_klippy_ready`, …) pushed without one. Every call
// has a timeout on the adapter's scheduler; a closed socket rejects everything still pending.
import WebSocket from 'ws';
import type { Scheduler, TimerHandle } from '../../runtime/scheduler.js';
import { isRecord, list, num, parseObject, rec, str } from '../native-kit/read.js';

export class RpcError extends Error {
  override readonly name = 'RpcError';

  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RpcHandlers {
  open(): void;
  notification(method: string, params: unknown[]): void;
  /** Called once per socket, whatever ended it. */
  closed(reason: string): void;
  /** A message that could not be used, and why. */
  malformed(reason: string): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

export function websocketUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/websocket`;
}

export class MoonrakerRpc {
  private readonly socket: WebSocket;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private ended = false;

  constructor(
    url: string,
    apiKey: string | undefined,
    private readonly timeoutMs: number,
    private readonly scheduler: Scheduler,
    private readonly handlers: RpcHandlers,
  ) {
    const headers = apiKey === undefined ? undefined : { 'X-Api-Key': apiKey };
    this.socket = new WebSocket(url, { headers, handshakeTimeout: timeoutMs });
    this.socket.on('open', () => handlers.open());
    this.socket.on('message', (data: WebSocket.RawData) => this.onMessage(data));
    this.socket.on('error', (error) => this.end(error.message));
    this.socket.on('close', (code) => this.end(`socket closed (${code})`));
  }

  call(method: string, params?: Record<string, unknown>): Promise<unknown> {
    if (this.ended) return Promise.reject(new Error('not connected'));
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = this.scheduler.after(this.timeoutMs, () => {
        this.pending.delete(id);
        reject(new RpcError(-32000, `${method} timed out`));
      });
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ jsonrpc: '2.0', method, ...(params && { params }), id }));
    });
  }

  close(): void {
    this.socket.removeAllListeners('message');
    this.socket.on('error', () => undefined);
    this.socket.terminate();
    this.end('closed by the adapter', false);
  }

  private onMessage(data: WebSocket.RawData): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : data;
    const message = parseObject(bytes.toString('utf8'));
    if (!message) return this.handlers.malformed('not a JSON object');
    const id = num(message.id);
    if (id !== undefined && this.pending.has(id)) {
      const pending = this.pending.get(id)!;
      this.pending.delete(id);
      pending.timer.cancel();
      if (isRecord(message.error)) {
        const error = rec(message.error);
        return pending.reject(new RpcError(num(error.code) ?? -1, str(error.message) ?? 'error'));
      }
      return pending.resolve(message.result);
    }
    const method = str(message.method);
    if (method === undefined) return this.handlers.malformed('neither a reply nor a notification');
    try {
      this.handlers.notification(method, list(message.params));
    } catch (error) {
      // A mapping bug must not escape into the socket's event loop and take the bridge down.
      this.handlers.malformed(`${method} could not be handled: ${(error as Error).message}`);
    }
  }

  private end(reason: string, notify = true): void {
    if (this.ended) return;
    this.ended = true;
    for (const pending of this.pending.values()) {
      pending.timer.cancel();
      pending.reject(new Error(`connection lost: ${reason}`));
    }
    this.pending.clear();
    if (notify) this.handlers.closed(reason);
  }
}
