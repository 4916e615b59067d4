// OctoPrint's push socket: SockJS's raw WebSocket endpoint (`/sockjs/websocket`), where each
// message is a plain JSON object `{"<type>": payload}`. Since 1.3.10 a socket receives nothing
// until it sends `{"auth": "name:session"}` from a passive login (docs/api/push.rst).
import WebSocket from 'ws';
import { parseObject } from '../native-kit/read.js';

export interface PushHandlers {
  message(type: string, payload: unknown): void;
  /** Called once per socket, whatever ended it. */
  closed(reason: string): void;
  /** A message that could not be used, and why (logged once by the adapter). */
  malformed(reason: string): void;
}

export function pushUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/sockjs/websocket`;
}

export class OctoPrintPush {
  private readonly socket: WebSocket;
  private ended = false;

  constructor(url: string, auth: string, apiKey: string, handlers: PushHandlers, timeoutMs: number) {
    const socket = new WebSocket(url, { headers: { 'X-Api-Key': apiKey }, handshakeTimeout: timeoutMs });
    this.socket = socket;
    const end = (reason: string) => {
      if (this.ended) return;
      this.ended = true;
      handlers.closed(reason);
    };
    socket.on('open', () => socket.send(JSON.stringify({ auth })));
    socket.on('message', (data: WebSocket.RawData) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : data;
      const text = bytes.toString('utf8');
      const message = parseObject(text);
      if (!message) return handlers.malformed('not a JSON object');
      try {
        for (const [type, payload] of Object.entries(message)) handlers.message(type, payload);
      } catch (error) {
        // A mapping bug must not escape into the socket's event loop and take the bridge down.
        handlers.malformed(`could not be handled: ${(error as Error).message}`);
      }
    });
    socket.on('error', (error) => end(error.message));
    socket.on('close', (code) => end(`socket closed (${code})`));
  }

  close(): void {
    this.ended = true;
    this.socket.removeAllListeners('message');
    this.socket.on('error', () => undefined);
    this.socket.terminate();
  }
}
