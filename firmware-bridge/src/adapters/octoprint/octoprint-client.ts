// OctoPrint's REST API, the calls this adapter needs and nothing else. Every call carries the API
// key in `X-Api-Key` and a timeout; a network failure rejects, an HTTP status is the caller's to
// judge (409 is how OctoPrint says "not now", e.g. pausing when nothing prints).
import { parseObject, str, type JsonObject } from '../native-kit/read.js';

export interface HttpAnswer {
  status: number;
  body: JsonObject | undefined;
  text: string;
}

export type JobCommand =
  { command: 'start' } | { command: 'cancel' } | { command: 'pause'; action: 'pause' | 'resume' };

export class OctoPrintClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs: number,
  ) {}

  /** Passive login with the API key: the `name:session` pair that authenticates the push socket. */
  async socketAuth(): Promise<string | undefined> {
    const answer = await this.request('POST', '/api/login', JSON.stringify({ passive: true }));
    const name = str(answer.body?.name);
    const session = str(answer.body?.session);
    return answer.status === 200 && name && session ? `${name}:${session}` : undefined;
  }

  printer(): Promise<HttpAnswer> {
    return this.request('GET', '/api/printer');
  }

  job(): Promise<HttpAnswer> {
    return this.request('GET', '/api/job');
  }

  /** Uploads to local storage and selects the file (without printing: `start` does that). */
  upload(fileName: string, bytes: Buffer, signal?: AbortSignal): Promise<HttpAnswer> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), fileName);
    form.append('select', 'true');
    form.append('print', 'false');
    return this.request('POST', '/api/files/local', form, signal, Math.max(this.timeoutMs, 600_000));
  }

  jobCommand(command: JobCommand, signal?: AbortSignal): Promise<HttpAnswer> {
    return this.request('POST', '/api/job', JSON.stringify(command), signal);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body?: string | FormData,
    signal?: AbortSignal,
    timeoutMs = this.timeoutMs,
  ): Promise<HttpAnswer> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { 'X-Api-Key': this.apiKey, Accept: 'application/json' };
    if (typeof body === 'string') headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await response.text();
    return { status: response.status, body: parseObject(text), text: text.slice(0, 300) };
  }
}

/** OctoPrint's error text for a refused call: `{"error": "…"}` or the plain body. */
export function refusalText(answer: HttpAnswer): string {
  return str(answer.body?.error) ?? (answer.text.trim() || `HTTP ${answer.status}`);
}
