// Test helpers for the real-machine adapters (no test-framework imports): a recorder that also
// checks every update with the contract's own encoder, a file server for `start_job` URLs, and
// throw-away TLS certificates (made at test time with openssl, never stored in the repository).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createBridgeEncoder,
  type Command,
  type EventDataMap,
  type EventType,
  type FileFormat,
} from '../../contract/index.js';
import type { AdapterUpdate, MachineAdapter } from '../../runtime/adapter.js';
import { buildTestCommand } from '../simulator-kit/testing.js';

export { buildTestCommand };

export async function waitFor(done: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Records what an adapter reports; anything the contract would refuse lands in `invalid`. */
export class CheckedRecorder {
  readonly updates: AdapterUpdate[] = [];
  readonly invalid: string[] = [];
  private readonly encoder = createBridgeEncoder({ bridgeId: 'test-bridge', session: 1, version: 'test' });
  private readonly unsubscribe: () => void;

  constructor(private readonly adapter: MachineAdapter) {
    this.unsubscribe = adapter.subscribe((update) => {
      this.updates.push(update);
      this.check(update);
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  /** State transitions as `state` (consecutive duplicates removed), from update index `from`. */
  states(from = 0): string[] {
    const out: string[] = [];
    for (const update of this.updates.slice(from)) {
      if (update.kind === 'state' && out.at(-1) !== update.snapshot.state) out.push(update.snapshot.state);
    }
    return out;
  }

  availabilities(from = 0): string[] {
    const out: string[] = [];
    for (const update of this.updates.slice(from)) {
      if (update.kind === 'availability' && out.at(-1) !== update.availability.state)
        out.push(update.availability.state);
    }
    return out;
  }

  events<T extends EventType>(type: T, from = 0): EventDataMap[T][] {
    const out: EventDataMap[T][] = [];
    for (const u of this.updates.slice(from)) {
      if (u.kind === 'event' && u.event.type === type) out.push(u.event.data as EventDataMap[T]);
    }
    return out;
  }

  eventTypes(from = 0): string[] {
    return this.updates.slice(from).flatMap((u) => (u.kind === 'event' ? [u.event.type] : []));
  }

  get mark(): number {
    return this.updates.length;
  }

  async until(done: () => boolean, what: string, ms = 3000): Promise<void> {
    await waitFor(done, ms, `${what} (states: ${this.states().join(' → ')}; events: ${this.eventTypes().join(', ')})`);
  }

  /** Waits for the adapter's current state. */
  async state(state: string, ms = 3000): Promise<void> {
    await this.until(() => this.adapter.snapshot().state === state, `state ${state}`, ms);
  }

  async availability(state: string, ms = 3000): Promise<void> {
    await this.until(() => this.adapter.availability().state === state, `availability ${state}`, ms);
  }

  private check(update: AdapterUpdate): void {
    const id = this.adapter.machineId;
    try {
      if (update.kind === 'state') this.encoder.state(id, update.snapshot);
      else if (update.kind === 'telemetry') this.encoder.telemetry(id, update.sample);
      else if (update.kind === 'availability') this.encoder.availability(id, update.availability);
      else this.encoder.event(id, update.event.type, update.event.data);
    } catch (error) {
      this.invalid.push(`${update.kind}: ${(error as Error).message}`);
    }
  }
}

export interface ServedFile {
  url: string;
  sha256: string;
  bytes: number;
  content: Buffer;
}

/** Serves files at `/files/<name>` for `start_job` URLs, the way the service's file store does. */
export class FileServer {
  private readonly files = new Map<string, Buffer>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FileServer> {
    const server = createServer((req, res) => {
      const content = self.files.get(req.url ?? '');
      if (!content) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length }).end(content);
    });
    const self = new FileServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  add(name: string, content: Buffer | string): ServedFile {
    const bytes = Buffer.from(content);
    this.files.set(`/files/${name}`, bytes);
    const { port } = this.server.address() as AddressInfo;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { url: `http://127.0.0.1:${port}/files/${name}`, sha256, bytes: bytes.length, content: bytes };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function startJobFor(jobId: string, file: ServedFile, format: FileFormat, name: string): Command {
  const { url, sha256, bytes } = file;
  return buildTestCommand('start_job', { url, sha256, bytes, format, name }, { jobId });
}

export const command = (name: 'pause' | 'resume' | 'cancel' | 'clear_confirm' | 'ping'): Command =>
  buildTestCommand(name, {});

/** A self-signed certificate whose CN (and SAN) is `commonName`, the way Bambu printers name theirs. */
export function selfSignedCertificate(commonName: string): {
  key: Buffer;
  cert: Buffer;
  certPath: string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'fabrique-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1']
      .concat(['-subj', `/CN=${commonName}`])
      .concat(['-addext', `subjectAltName=DNS:${commonName}`, '-keyout', keyPath, '-out', certPath]),
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyPath),
    cert: readFileSync(certPath),
    certPath,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface FormPart {
  filename?: string;
  data: Buffer;
}

/** Just enough multipart/form-data for fake servers: field name → part. */
export function parseMultipart(body: Buffer, contentType: string | undefined): Map<string, FormPart> {
  const parts = new Map<string, FormPart>();
  const match = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  if (!match) return parts;
  const delimiter = Buffer.from(`--${match[1] ?? match[2]}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      const name = /name="([^"]*)"/.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/.exec(headers)?.[1];
      if (name !== undefined)
        parts.set(name, { ...(filename !== undefined && { filename }), data: part.subarray(split + 4) });
    }
    start = next;
  }
  return parts;
}
