// An embroidery machine with no open network protocol (Tajima, Ricoma, Barudan, Brother WLAN): the
// operator confirms each step on a small local page (or with a CLI post), so the machine still
// shows live in Fabrique. The service can ask for a design (`load_design`): the page then offers
// the file and waits for the operator. The link the adapter watches is its own page server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Availability, Command, CommandOf, MachineMeta } from '../../contract/index.js';
import { accepted, ok, refuse, type AdapterOutcome } from '../../runtime/adapter.js';
import type { Logger } from '../../runtime/logger.js';
import type { Scheduler } from '../../runtime/scheduler.js';
import { Reconnector } from '../native-kit/backoff.js';
import type { InterventionSpec } from '../native-kit/job-tracker.js';
import { TrackedAdapter } from '../native-kit/tracked-adapter.js';
import { LANGUAGES, type Language, type ManualEmbroideryOptions } from './manual-options.js';
import { PAGE_HEADERS, PinGuard, readFields, stepFrom, wantsHtml } from './operator-http.js';
import { renderPage } from './operator-page.js';
import {
  allowedSteps,
  applyStep,
  holdIntervention,
  IDLE,
  viewOf,
  type Operator,
  type StepInput,
} from './operator-steps.js';
import { loadState, saveState, type Waiting } from './operator-store.js';

const COMMANDS = [
  'load_design',
  'confirm_step',
  'cancel',
  'clear_confirm',
  'resync',
  'ping',
  'set_telemetry_rate',
] as const;

export class ManualEmbroideryAdapter extends TrackedAdapter {
  private operator: Operator = IDLE;
  private waiting: Waiting | undefined;
  private server: Server | null = null;
  private readonly reconnector: Reconnector;
  private readonly pins: PinGuard;

  constructor(
    machineId: string,
    scheduler: Scheduler,
    logger: Logger,
    private readonly options: ManualEmbroideryOptions,
  ) {
    super(machineId, scheduler, logger);
    this.reconnector = new Reconnector(scheduler, options.reconnect, () => void this.listen());
    this.pins = new PinGuard(options.pin, options.maxPinAttempts, () => scheduler.now());
  }

  meta(): MachineMeta {
    const { vendor, model, fileFormats } = this.options;
    return {
      kind: 'embroidery',
      vendor,
      model,
      adapter: 'manual-embroidery',
      capabilities: { commands: COMMANDS, fileFormats, remoteStart: false, operatorConfirmed: true },
    };
  }

  /** Where the operator page listens (the real port when `port: 0`). */
  address(): { host: string; port: number } | null {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address ? { host: this.options.host, port: address.port } : null;
  }

  async start(): Promise<void> {
    this.restore();
    await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.reconnector.stop();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  override async execute(command: Command): Promise<AdapterOutcome> {
    const outcome = await super.execute(command);
    this.save();
    return outcome;
  }

  protected async run(command: Command): Promise<AdapterOutcome> {
    switch (command.command) {
      case 'load_design':
        return this.loadDesign(command);
      case 'confirm_step':
        return this.confirmStep(command.params.interventionId);
      case 'cancel':
        return this.cancel();
      default:
        return refuse('UNSUPPORTED', `${command.command}: the operator does that at the machine`);
    }
  }

  // ---- the operator's steps -------------------------------------------------------------------------

  private step(input: StepInput): { ok: true } | { ok: false; reason: string } {
    const awaitingClear = this.tracker.gated && !this.tracker.current;
    const result = applyStep(this.operator, input, awaitingClear, this.waiting?.name);
    if (!result.ok) return result;
    if (result.effect === 'finish' || result.effect === 'abort') {
      const stitch = result.next.stitch;
      this.tracker.finish(result.effect === 'finish' ? 'completed' : 'cancelled', {
        nativeCode: result.effect === 'finish' ? 'OPERATOR_FINISHED' : 'OPERATOR_ABANDONED',
        progress: viewOf(result.next).progress,
        materialUsed: stitch ? [{ amount: stitch, unit: 'stitches' }] : [],
      });
      this.operator = { ...IDLE, holds: result.next.holds };
    } else this.operator = result.next;
    if (result.effect === 'clear') this.tracker.clear('at_machine');
    if (input.step === 'load') this.waiting = undefined;
    this.observe();
    this.save();
    return { ok: true };
  }

  private waitingIntervention(): InterventionSpec | undefined {
    if (!this.waiting) return undefined;
    return {
      id: `load-${this.waiting.jobId}`.slice(0, 64),
      kind: 'hoop_or_plate',
      severity: 'info',
      blocking: true,
      resumable: true,
      nativeCode: 'LOAD_DESIGN',
      message: `Load "${this.waiting.name}" on the machine, hoop the fabric, then confirm on the operator page`,
      actions: ['confirm_step', 'cancel', 'attend_at_machine'],
    };
  }

  private availabilityNow(): Availability {
    if (this.server) return { state: 'online' };
    return { state: 'offline', reason: `the operator page cannot listen on ${this.options.host}:${this.options.port}` };
  }

  private observe(): void {
    this.tracker.observe(viewOf(this.operator, this.waitingIntervention()), this.availabilityNow());
  }

  // ---- commands from the service ---------------------------------------------------------------------

  private loadDesign(command: CommandOf<'load_design'>): AdapterOutcome {
    const refusal = this.startRefusal(command.params.format, this.options.fileFormats);
    if (refusal) return refusal;
    if (command.jobId === undefined) return refuse('PRECONDITION_FAILED', 'load_design needs a jobId');
    const name = command.params.name ?? command.jobId;
    this.tracker.accept(command.jobId, command.commandId, name, undefined, ['preparing', 'WAIT_OPERATOR']);
    this.waiting = { jobId: command.jobId, name, url: command.params.url };
    this.observe();
    return accepted();
  }

  private confirmStep(interventionId: string): AdapterOutcome {
    const step = interventionId === this.waitingIntervention()?.id ? 'load' : undefined;
    const resume = interventionId === holdIntervention(this.operator)?.id ? 'resume' : undefined;
    const wanted = step ?? resume;
    if (!wanted) return refuse('PRECONDITION_FAILED', `no intervention ${interventionId} is waiting for confirm_step`);
    const result = this.step({ step: wanted });
    return result.ok ? ok() : refuse('PRECONDITION_FAILED', result.reason);
  }

  private cancel(): AdapterOutcome {
    const job = this.tracker.current;
    if (!job) return refuse('PRECONDITION_FAILED', `no job to cancel while ${this.tracker.state()}`);
    if (job.startedAt !== null) {
      return refuse(
        'PRECONDITION_FAILED',
        'the design is on the machine: stop it there and press "Abandon" on the operator page',
      );
    }
    this.tracker.finish('cancelled', { message: 'cancelled before the operator loaded the design' });
    this.waiting = undefined;
    this.observe();
    return ok();
  }

  // ---- the page server -------------------------------------------------------------------------------

  private listen(): Promise<void> {
    if (this.stopped || this.server) return Promise.resolve();
    const attempt = new Promise<void>((resolve) => {
      const server = createServer((req, res) => void this.handle(req, res));
      server.once('error', (error: NodeJS.ErrnoException) => {
        this.warnOnce(`listen:${error.code}`, 'the operator page cannot listen; retrying', {
          error: error.code ?? error.message,
        });
        this.observe();
        this.reconnector.schedule();
        resolve();
      });
      server.listen(this.options.port, this.options.host, () => {
        this.server = server;
        this.reconnector.succeeded();
        this.observe();
        resolve();
      });
    });
    return attempt.catch((error: Error) => {
      this.warnOnce('listen', 'the operator page cannot listen; retrying', { error: error.message });
      this.reconnector.schedule();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://operator.local');
      const asked = url.searchParams.get('lang');
      const language: Language = LANGUAGES.find((l) => l === asked) ?? this.options.language;
      if (req.method === 'GET' && url.pathname === '/')
        return this.page(res, language, url.searchParams.get('msg') ?? undefined);
      if (req.method === 'GET' && url.pathname === '/state') {
        return this.json(res, 200, { snapshot: this.snapshot(), steps: this.steps(), operator: this.operator });
      }
      if (req.method === 'POST' && url.pathname === '/step') return await this.post(req, res, language);
      this.json(res, 404, { ok: false, message: 'not found' });
    } catch (error) {
      this.warnOnce('http', 'the operator page failed a request', { error: (error as Error).message });
      if (!res.headersSent) this.json(res, 500, { ok: false, message: 'internal error' });
    }
  }

  private async post(req: IncomingMessage, res: ServerResponse, language: Language): Promise<void> {
    const fields = await readFields(req);
    if (fields === 'too_large') return this.json(res, 413, { ok: false, message: 'request too large' });
    if (fields === null) return this.json(res, 400, { ok: false, message: 'unreadable request' });
    const pin = this.pins.check(req.socket.remoteAddress ?? 'unknown', fields.pin);
    const answer = (status: number, message?: string) => {
      if (!wantsHtml(req)) return this.json(res, status, { ok: status === 200, state: this.tracker.state(), message });
      const query = new URLSearchParams({ lang: language, ...(message && { msg: message }) });
      res.writeHead(303, { ...PAGE_HEADERS, location: `/?${query.toString()}` }).end();
    };
    if (pin === 'locked')
      return answer(429, 'too many wrong PINs: wait a minute / trop d’essais : attendez une minute');
    if (pin === 'wrong') return answer(401, 'wrong PIN / code PIN incorrect');
    const input = stepFrom(fields);
    if (typeof input === 'string') return answer(400, input);
    const result = this.step(input);
    return result.ok ? answer(200) : answer(409, result.reason);
  }

  private steps() {
    return allowedSteps(this.operator, this.tracker.gated && !this.tracker.current);
  }

  private page(res: ServerResponse, language: Language, message?: string): void {
    const waiting = this.waiting ? { name: this.waiting.name, url: this.waiting.url } : undefined;
    const html = renderPage({
      machineId: this.machineId,
      language,
      snapshot: this.snapshot(),
      operator: this.operator,
      steps: this.steps(),
      ...(waiting && { waiting }),
      ...(message && { message }),
    });
    res.writeHead(200, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' }).end(html);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { ...PAGE_HEADERS, 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  // ---- persistence -----------------------------------------------------------------------------------

  private restore(): void {
    const path = this.options.stateFile;
    if (!path) return;
    const saved = loadState(path);
    if (typeof saved === 'string')
      return this.warnOnce('state-file', 'ignoring the saved operator state', { reason: saved });
    if (!saved) return;
    this.operator = saved.operator;
    this.waiting = saved.waiting;
    this.tracker.restore(saved.tracker, viewOf(this.operator, this.waitingIntervention()));
  }

  private save(): void {
    const path = this.options.stateFile;
    if (!path) return;
    try {
      const waiting = this.waiting ? { waiting: this.waiting } : {};
      saveState(path, { version: 1, operator: this.operator, ...waiting, tracker: this.tracker.memory() });
    } catch (error) {
      this.warnOnce('save', 'could not save the operator state', { error: (error as Error).message });
    }
  }
}
