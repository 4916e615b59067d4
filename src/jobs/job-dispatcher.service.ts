import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, type EntityManager, type Repository } from 'typeorm';
import { merge, type Subscription } from 'rxjs';
import {
  uuidv7,
  type EventType,
  type JobDurations,
  type JobFinishedEvent,
  type MachineStateSnapshot,
  type FileFormat,
} from '@fabrique/firmware-bridge';
import { CommandResults, type ReceivedCommandResult } from '../bridge/command-results.js';
import { MqttService } from '../bridge/mqtt.service.js';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WriteLock } from '../database/write-lock.js';
import { MachineLiveEvents, type MachineLiveEvent } from '../machines/machine-live-events.js';
import { MachineLiveService } from '../machines/machine-live.service.js';
import type { Machine } from '../machines/machine.entity.js';
import { MachinesService } from '../machines/machines.service.js';
import { siteCalendar } from '../reservations/booking-context.service.js';
import { blockIntervalsForMachine } from '../reservations/blocks.rules.js';
import { BlocksService } from '../reservations/blocks.service.js';
import { ReservationsService } from '../reservations/reservations.service.js';
import { openIntervals } from '../sites/opening-hours.rules.js';
import { SitesService } from '../sites/sites.service.js';
import { learnDurationRatio, nextSendAt, unansweredStart, type DispatchPolicy } from './dispatch.rules.js';
import { JobCommand } from './job-command.entity.js';
import { JobEvents } from './job-events.js';
import { JobFilesService } from './job-files.service.js';
import { moveJob, recordNewJob, type JobChange, type JobMove } from './job-ledger.js';
import { queuedJob, schedulableMachine } from './job-machines.js';
import { controlCommand, dispatchPolicy, startCommand } from './job-outbox.js';
import {
  canMove,
  isTerminal,
  MACHINE_TAKEN_STATES,
  machineLostJob,
  ON_MACHINE_STATES,
  reportedByEvent,
  reportedBySnapshot,
  startAnswer,
} from './job-state.rules.js';
import { Job, type JobProgressView } from './job.entity.js';
import { MachineDurationRatio } from './machine-duration.entity.js';
import {
  baseEstimateSeconds,
  planStarts,
  type QueuedJob,
  type SchedulableMachine,
  type WaitReason,
} from './scheduler.rules.js';

/** Something a bridge said that may move a job, handled in arrival order. */
type Signal =
  | { kind: 'result'; received: ReceivedCommandResult }
  | { kind: 'event'; machineId: string; type: EventType; data: Record<string, unknown> }
  | { kind: 'snapshot'; machineId: string; snapshot: MachineStateSnapshot };

const TICK_MS = 1_000;
const EVENT_GRACE_MS = 5_000;
const REFUSAL_HOLD_MS = 30_000;
/** A machine's report must be this much newer than the job's last move before it can call the job lost. */
const LOST_AFTER_MS = 10_000;
/** How long a signed download link stays valid after the start command was issued. */
const FILE_LINK_MS = 6 * 3_600_000;
const JOB_LOCK = ['jobs'];
const JOB_EVENTS: readonly EventType[] = [
  'job.accepted',
  'transfer.progress',
  'transfer.completed',
  'transfer.failed',
  'job.started',
  'job.phase',
  'job.paused',
  'job.resumed',
  'job.finished',
];

/**
 * Moves jobs from the queue to the machines and follows them there. One pass at a time, so no two
 * decisions about the same machine race: it applies what bridges said (results, events, snapshots)
 * in arrival order, reconciles jobs with what machines report (after a restart, a lost broker or a
 * silent bridge), sends what the outbox holds, then starts queued jobs on free machines.
 */
@Injectable()
export class JobDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly policy: DispatchPolicy;
  private inbox: Signal[] = [];
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private subscription?: Subscription;
  private readonly lastStartBySite = new Map<string, number>();
  private readonly lastServedByOwner = new Map<string, number>();
  private readonly ratios = new Map<string, MachineDurationRatio>();
  /** Sites whose queued jobs were last told that every machine is busy. */
  private readonly markedBusy = new Set<string>();
  /** Machines that refused a start and have not changed state since, with when they refused. */
  private readonly refused = new Map<string, number>();

  constructor(
    @InjectRepository(Job) private readonly jobs: Repository<Job>,
    @InjectRepository(JobCommand) private readonly commands: Repository<JobCommand>,
    @InjectRepository(MachineDurationRatio) private readonly ratioRows: Repository<MachineDurationRatio>,
    @Inject(JobFilesService) private readonly files: JobFilesService,
    @Inject(JobEvents) private readonly events: JobEvents,
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(MachineLiveService) private readonly live: MachineLiveService,
    @Inject(MachineLiveEvents) private readonly liveEvents: MachineLiveEvents,
    @Inject(CommandResults) private readonly results: CommandResults,
    @Inject(MqttService) private readonly mqtt: MqttService,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(ReservationsService) private readonly reservations: ReservationsService,
    @Inject(BlocksService) private readonly blocks: BlocksService,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.policy = dispatchPolicy(config.jobs.dispatch);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.live.ready();
    for (const row of await this.ratioRows.find()) this.ratios.set(row.machineId, row);
    for (const row of await this.jobs
      .createQueryBuilder('job')
      .select('job.owner_id', 'owner')
      .addSelect('MAX(job.first_dispatched_at)', 'last')
      .where('job.owner_id IS NOT NULL AND job.first_dispatched_at IS NOT NULL')
      .groupBy('job.owner_id')
      .getRawMany<{ owner: string; last: string | number }>()) {
      this.lastServedByOwner.set(row.owner, Number(row.last));
    }
    this.subscription = merge(
      this.results.results$,
      this.liveEvents.events$,
      this.events.changes$,
      this.events.outbox$,
    ).subscribe((item) => this.observe(item));
    this.timer = setInterval(() => this.kick(), TICK_MS);
    this.timer.unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe();
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a pass now, or right after the current one. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = null));
  }

  /** Resolves once every signal received so far has been handled (tests, benchmarks, shutdown). */
  async settle(): Promise<void> {
    while (this.running || this.inbox.length > 0) {
      if (!this.running) this.kick();
      await this.running;
    }
  }

  private observe(item: ReceivedCommandResult | MachineLiveEvent | JobChange | void): void {
    if (item === undefined) return this.kick();
    if ('result' in item) {
      this.inbox.push({ kind: 'result', received: item });
    } else if ('job' in item) {
      if (item.job.state !== 'queued') return;
      this.markedBusy.delete(item.job.siteId);
    } else if (item.type === 'machine.event') {
      if (!JOB_EVENTS.includes(item.event.type)) return;
      const data = (item.event.data ?? {}) as Record<string, unknown>;
      this.inbox.push({ kind: 'event', machineId: item.machineId, type: item.event.type, data });
    } else if (item.type === 'machine.state_changed') {
      this.refused.delete(item.machineId);
      if (item.snapshot) this.inbox.push({ kind: 'snapshot', machineId: item.machineId, snapshot: item.snapshot });
    } else if (item.type !== 'machine.availability_changed') {
      return;
    }
    this.kick();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.pass();
      } catch (error) {
        this.logger.error(`Job dispatch pass failed: ${(error as Error).message}`, (error as Error).stack);
      }
    } while (this.again && !this.stopped);
  }

  private async pass(): Promise<void> {
    const signals = this.inbox;
    this.inbox = [];
    const changes: Array<JobChange | null> = [];
    if (signals.length > 0) {
      await this.writeLock.run(async (manager) => {
        for (const signal of signals) changes.push(...(await this.apply(manager, signal)));
      }, JOB_LOCK);
    }
    changes.push(...(await this.reconcile()));
    this.events.emit(changes);
    await this.sendDue();
    const started = await this.schedule();
    this.events.emit(started);
    if (started.length > 0) await this.sendDue();
  }

  // ---- what bridges said ------------------------------------------------------------------------

  private async apply(manager: EntityManager, signal: Signal): Promise<Array<JobChange | null>> {
    const now = this.clock.now();
    switch (signal.kind) {
      case 'result':
        return this.applyResult(manager, signal.received, now);
      case 'event':
        return this.applyEvent(manager, signal, now);
      case 'snapshot':
        return this.adoptFromSnapshot(manager, signal.machineId, signal.snapshot, now);
    }
  }

  private async applyResult(
    manager: EntityManager,
    { machineId, result }: ReceivedCommandResult,
    now: number,
  ): Promise<Array<JobChange | null>> {
    const commands = manager.getRepository(JobCommand);
    const command = await commands.findOneBy({ commandId: result.commandId, machineId });
    // A second answer to the same command (a re-send answered `duplicate`) changes nothing.
    if (!command || command.status !== 'pending') return [];
    await commands.update({ commandId: command.commandId }, { status: 'answered', result, answeredAt: now });
    const job = await manager.getRepository(Job).findOneBy({ id: command.jobId });
    if (!job) return [];
    const actor = `machine:${machineId}`;
    if (command.command !== 'start_job' && command.command !== 'load_design') {
      if (result.status === 'error') {
        this.logger.warn(`${command.command} of job ${job.id} refused by ${machineId}: ${result.error?.message}`);
      }
      return [];
    }
    if (job.state !== 'dispatching' || job.machineId !== machineId) return [];
    const answer = startAnswer(result);
    if (answer.kind === 'accepted') {
      const accepted = await moveJob(manager, job, { to: 'accepted', reason: answer.reason, actor }, now);
      return [accepted, ...(await this.cancelIfRequested(manager, job, now))];
    }
    if (answer.kind === 'retry') {
      // A machine that refused gets no new start until its state changes (bed cleared, back
      // online) or a while has passed: otherwise the next pass would send the same job right back.
      this.refused.set(machineId, now);
      if (answer.avoidMachine) job.avoidMachineIds = [...job.avoidMachineIds, machineId];
    }
    return [await this.startFailed(manager, job, answer.kind === 'retry', answer.reason, actor, now)];
  }

  /** The start did not happen: back to the queue (another try, maybe elsewhere), or failed for good. */
  private async startFailed(
    manager: EntityManager,
    job: Job,
    retry: boolean,
    reason: string,
    actor: string,
    now: number,
  ): Promise<JobChange | null> {
    if (job.cancelRequestedAt !== null) {
      return moveJob(manager, job, { to: 'cancelled', reason: 'cancelled before the machine started it', actor }, now);
    }
    if (retry && job.attempts < this.policy.attempts) {
      return moveJob(
        manager,
        job,
        {
          to: 'queued',
          reason: `not started: ${reason}`,
          actor,
          patch: { machineId: null, avoidMachineIds: job.avoidMachineIds },
        },
        now,
      );
    }
    const failure = retry ? `dispatch_timeout: ${reason}` : reason;
    return moveJob(manager, job, { to: 'failed', reason: failure, actor }, now);
  }

  private async applyEvent(
    manager: EntityManager,
    signal: Extract<Signal, { kind: 'event' }>,
    now: number,
  ): Promise<Array<JobChange | null>> {
    const { machineId, type, data } = signal;
    const reported = reportedByEvent(type, data);
    const ref = typeof data.jobId === 'string' ? data.jobId : null;
    let job = await this.jobOnMachine(manager, machineId, ref);
    if (!job && type === 'job.started') return [await this.adopt(manager, machineId, ref, now)];
    if (!job) return [];
    const actor = `machine:${machineId}`;
    if (type === 'transfer.progress') {
      const total = Number(data.bytesTotal);
      const transferPct = total > 0 ? Math.round((Number(data.bytesDone) / total) * 100) : null;
      job.progress = { pct: null, elapsedS: null, remainingS: null, transferPct };
      await manager.getRepository(Job).update({ id: job.id }, { progress: job.progress });
    }
    if (!reported) return [];
    const patch: Partial<Job> = {};
    if (type === 'job.finished') Object.assign(patch, finishedPatch(data as unknown as JobFinishedEvent));
    if (type === 'job.finished' && job.state === reported.to) {
      // The snapshot told us first (reconcile); the event brings what only it carries.
      const details = job.state === 'completed' ? patch : { ...patch, failureReason: reported.reason };
      await manager.getRepository(Job).update({ id: job.id }, details);
      if (job.state === 'completed') await this.learn(manager, Object.assign(job, details), patch.durations ?? null);
      return [];
    }
    const changes = await this.reportedMove(
      manager,
      job,
      { to: reported.to, reason: reported.reason, actor, patch },
      now,
    );
    job = changes.at(-1)?.job ?? job;
    if (type === 'job.finished' && reported.to === 'completed') await this.learn(manager, job, patch.durations ?? null);
    if (ON_MACHINE_STATES.includes(job.state)) changes.push(...(await this.cancelIfRequested(manager, job, now)));
    return changes;
  }

  /**
   * A move the machine reported. A report can overtake the answer to `start_job` (the bridge
   * publishes its `receiving` state before its stored answer): the job is then recorded as
   * accepted first, and the start command counts as answered.
   */
  private async reportedMove(
    manager: EntityManager,
    job: Job,
    move: JobMove,
    now: number,
  ): Promise<Array<JobChange | null>> {
    const changes: Array<JobChange | null> = [];
    if (job.state === 'dispatching' && move.to !== 'accepted' && move.to !== 'queued') {
      const reason = `the machine has the job (${move.reason})`;
      changes.push(await moveJob(manager, job, { to: 'accepted', reason, actor: move.actor }, now));
    }
    if (job.state !== 'dispatching') {
      await manager
        .getRepository(JobCommand)
        .update(
          { jobId: job.id, status: 'pending', command: In(['start_job', 'load_design']) },
          { status: 'answered', answeredAt: now },
        );
    }
    if (move.to !== job.state) changes.push(await moveJob(manager, job, move, now));
    return changes;
  }

  /** The job this machine is talking about: ours by id, or the adopted one it runs under its own name. */
  private async jobOnMachine(manager: EntityManager, machineId: string, ref: string | null): Promise<Job | null> {
    const repo = manager.getRepository(Job);
    if (ref !== null) {
      const ours = await repo.findOneBy({ id: ref, machineId });
      if (ours) return ours;
    }
    return repo.findOneBy({
      machineId,
      source: 'machine',
      machineJobRef: ref ?? IsNull(),
      state: In([...MACHINE_TAKEN_STATES]),
    });
  }

  /** A job started at the machine itself becomes a job record rather than being ignored. */
  private async adopt(
    manager: EntityManager,
    machineId: string,
    ref: string | null,
    now: number,
  ): Promise<JobChange | null> {
    const repo = manager.getRepository(Job);
    if (await repo.existsBy({ machineId, state: In([...MACHINE_TAKEN_STATES]) })) return null;
    if (ref !== null && (await repo.existsBy({ id: ref }))) return null;
    const machine = await this.machines.get(machineId);
    const name = this.live.get(machineId)?.snapshot?.job?.name;
    const job = repo.create({
      ...emptyJob(now),
      id: uuidv7(),
      siteId: machine.siteId,
      source: 'machine',
      name: name ?? `Started at ${machine.name}`,
      kind: machine.kind,
      state: 'running',
      stateReason: 'started at the machine; adopted',
      machineId,
      machineJobRef: ref,
      startedAt: now,
    });
    return recordNewJob(manager, job, `machine:${machineId}`);
  }

  private async adoptFromSnapshot(
    manager: EntityManager,
    machineId: string,
    snapshot: MachineStateSnapshot,
    now: number,
  ): Promise<Array<JobChange | null>> {
    const running = snapshot.job && ['preparing', 'running', 'pausing', 'paused'].includes(snapshot.state);
    if (!running) return [];
    const ref = snapshot.job!.jobId;
    if (await this.jobOnMachine(manager, machineId, ref)) return [];
    return [await this.adopt(manager, machineId, ref, now)];
  }

  private async cancelIfRequested(manager: EntityManager, job: Job, now: number): Promise<Array<JobChange | null>> {
    if (job.cancelRequestedAt === null || !ON_MACHINE_STATES.includes(job.state)) return [];
    const pending = await manager
      .getRepository(JobCommand)
      .existsBy({ jobId: job.id, command: 'cancel', status: 'pending' });
    if (!pending)
      await manager.getRepository(JobCommand).insert(controlCommand('cancel', job, now, this.config.jobs.dispatch));
    return [];
  }

  private async learn(manager: EntityManager, job: Job, durations: JobDurations | null): Promise<void> {
    if (!job.machineId || !durations) return;
    const machine = await this.machines.get(job.machineId).catch(() => null);
    if (!machine) return;
    const estimate = baseEstimateSeconds(queuedJob(job, null), machine.capabilities);
    const previous = this.ratios.get(machine.id) ?? { machineId: machine.id, ratio: 1, samples: 0 };
    const actual = durations.totalS - (durations.pausedS ?? 0);
    const learned = learnDurationRatio(previous, estimate, actual);
    if (learned === previous) return;
    const row = Object.assign(new MachineDurationRatio(), { machineId: machine.id, ...learned });
    await manager.getRepository(MachineDurationRatio).save(row);
    this.ratios.set(machine.id, row);
  }

  // ---- reconciling with what machines report -----------------------------------------------------

  /**
   * Jobs the service holds as being sent or on a machine, checked against the machine's latest
   * snapshot: the answer that never came, the job that finished while we were down, the job the
   * machine no longer has. This is what makes a restart or a lost broker harmless.
   */
  private async reconcile(): Promise<Array<JobChange | null>> {
    const active = await this.jobs.findBy({ state: In([...MACHINE_TAKEN_STATES]) });
    if (active.length === 0) return [];
    const pendingStarts = new Map(
      (await this.commands.findBy({ status: 'pending', command: In(['start_job', 'load_design']) })).map((c) => [
        c.jobId,
        c,
      ]),
    );
    const moves: Array<{ job: Job; move: JobMove; command?: JobCommand }> = [];
    const now = this.clock.now();
    for (const job of active) {
      const live = job.machineId ? this.live.get(job.machineId) : null;
      const snapshot = live?.snapshot ?? null;
      const actor = `machine:${job.machineId}`;
      const ref = job.source === 'machine' ? job.machineJobRef : job.id;
      const fresh = snapshot !== null && live!.snapshotAt !== null && live!.snapshotAt > job.stateSince;
      const said = snapshot && fresh ? reportedBySnapshot(snapshot, ref) : null;
      // An ending is taken from a snapshot only once the `job.finished` event (durations, material,
      // the machine's reason) has had time to arrive: a snapshot can overtake it on the wire.
      const settled = said !== null && (!isTerminal(said.to) || now - live!.snapshotAt! >= EVENT_GRACE_MS);
      if (said && settled && said.to !== job.state && canMove(job.state, said.to)) {
        moves.push({ job, move: { to: said.to, reason: said.reason, actor } });
        continue;
      }
      if (job.state === 'dispatching') {
        const command = pendingStarts.get(job.id);
        if (!command) continue;
        const verdict = unansweredStart({
          now,
          command,
          attempt: job.attempts,
          firstIssuedAt: job.firstDispatchedAt ?? command.issuedAt,
          machineReportedAt: live?.snapshotAt ?? null,
          policy: this.policy,
        });
        if (verdict.kind === 'retry' || verdict.kind === 'fail') {
          moves.push({
            job,
            command,
            move: { to: verdict.kind === 'fail' ? 'failed' : 'queued', reason: verdict.reason, actor: 'scheduler' },
          });
        }
        continue;
      }
      const lostNow =
        snapshot !== null &&
        fresh &&
        live!.bridge?.online === true &&
        live!.snapshotAt! > job.stateSince + LOST_AFTER_MS &&
        machineLostJob(snapshot, ref);
      if (lostNow) {
        moves.push({
          job,
          move: { to: 'lost', reason: `lost: ${job.machineId} reports ${snapshot.state} without this job`, actor },
        });
      }
    }
    if (moves.length === 0) return [];
    return this.writeLock.run(async (manager) => {
      const changes: Array<JobChange | null> = [];
      for (const { job, move, command } of moves) {
        if (command) {
          await manager
            .getRepository(JobCommand)
            .update({ commandId: command.commandId, status: 'pending' }, { status: 'dead' });
          if (move.to === 'queued') {
            changes.push(await this.startFailed(manager, job, true, move.reason, move.actor, now));
            continue;
          }
          if (job.cancelRequestedAt !== null) move.to = 'cancelled';
        }
        if (isTerminal(move.to)) await this.dropPending(manager, job.id);
        changes.push(
          ...(command ? [await moveJob(manager, job, move, now)] : await this.reportedMove(manager, job, move, now)),
        );
      }
      return changes;
    }, JOB_LOCK);
  }

  private async dropPending(manager: EntityManager, jobId: string): Promise<void> {
    await manager.getRepository(JobCommand).update({ jobId, status: 'pending' }, { status: 'dead' });
  }

  // ---- the outbox -------------------------------------------------------------------------------

  /** Sends every command whose time has come; the same `commandId` each time, until it is answered. */
  private async sendDue(): Promise<void> {
    if (!this.mqtt.connected) return;
    const now = this.clock.now();
    const pending = await this.commands.findBy({ status: 'pending' });
    const expired: string[] = [];
    for (const command of pending) {
      if (now >= command.expiresAt) {
        // Start commands are judged by reconcile (the machine may have taken it); others just lapse.
        if (command.command !== 'start_job' && command.command !== 'load_design') expired.push(command.commandId);
        continue;
      }
      if (now < nextSendAt(command, this.policy)) continue;
      const bridge = this.live.get(command.machineId)?.bridge;
      if (!bridge?.online) continue;
      command.sends += 1;
      command.lastSentAt = now;
      await this.commands.update({ commandId: command.commandId }, { sends: command.sends, lastSentAt: now });
      this.mqtt.sendCommand(bridge.id, command.machineId, command.payload).catch((error: Error) => {
        this.logger.warn(`Sending ${command.command} for job ${command.jobId} failed: ${error.message}`);
      });
    }
    if (expired.length > 0)
      await this.commands.update({ commandId: In(expired), status: 'pending' }, { status: 'dead' });
  }

  // ---- starting queued jobs -----------------------------------------------------------------------

  /**
   * Most passes follow a report that frees nothing: which sites have a free machine is decided
   * from live state first, and only those sites' queued jobs are loaded and planned.
   */
  private async schedule(): Promise<Array<JobChange | null>> {
    const queuedSites = await this.jobs
      .createQueryBuilder('job')
      .select('DISTINCT job.site_id', 'siteId')
      .where('job.state = :state', { state: 'queued' })
      .getRawMany<{ siteId: string }>();
    if (queuedSites.length === 0) return [];
    const now = this.clock.now();
    const taken = new Set(
      (await this.jobs.find({ select: { machineId: true }, where: { state: In([...MACHINE_TAKEN_STATES]) } })).map(
        (job) => job.machineId!,
      ),
    );
    for (const [machineId, at] of this.refused) if (now - at < REFUSAL_HOLD_MS) taken.add(machineId);
    const machinesBySite = new Map<string, SchedulableMachine[]>();
    const byId = new Map<string, Machine>();
    const busySites: string[] = [];
    for (const { siteId } of queuedSites) {
      const atSite = await this.machines.listBySite(siteId);
      const here = atSite.map((m) =>
        schedulableMachine(m, this.live.get(m.id), this.ratios.get(m.id)?.ratio ?? 1, taken),
      );
      if (!here.some((m) => m.free)) {
        busySites.push(siteId);
        continue;
      }
      this.markedBusy.delete(siteId);
      for (const m of atSite) byId.set(m.id, m);
      machinesBySite.set(siteId, here);
    }
    await this.noteBusy(busySites);
    if (machinesBySite.size === 0) return [];
    const queued = await this.jobs.findBy({ state: 'queued', siteId: In([...machinesBySite.keys()]) });
    const horizon = now + this.horizonMs(queued);
    const staffed = new Map<string, Array<{ start: number; end: number }>>();
    for (const [siteId, here] of machinesBySite) await this.addBusyTimes(siteId, here, now, horizon, staffed);
    const machines = [...machinesBySite.values()].flat();
    const reservations = await this.reservationsOf(queued);
    const plan = planStarts({
      now,
      jobs: queued.map((job) => queuedJob(job, reservations.get(job.id) ?? null)),
      machines,
      staffed,
      lastStartBySite: this.lastStartBySite,
      lastServedByOwner: this.lastServedByOwner,
      policy: {
        marginMs: this.config.jobs.marginMinutes * 60_000,
        unknownEstimateMs: this.config.jobs.unknownEstimateMinutes * 60_000,
        staggerMs: this.config.jobs.staggerSeconds * 1000,
      },
    });
    const started = plan.starts.length === 0 ? [] : await this.dispatch(plan.starts, queued, byId, now);
    await this.noteWaiting(queued, plan.waiting);
    return started;
  }

  private async dispatch(
    starts: ReturnType<typeof planStarts>['starts'],
    queued: Job[],
    byId: Map<string, Machine>,
    now: number,
  ): Promise<Array<JobChange | null>> {
    const files = new Map<string, { bytes: number; format: string }>();
    for (const start of starts) {
      const sha = queued.find((job) => job.id === start.jobId)?.fileSha256;
      if (sha && !files.has(sha)) files.set(sha, await this.files.get(sha));
    }
    const changes = await this.writeLock.run(async (manager) => {
      const out: Array<JobChange | null> = [];
      for (const start of starts) {
        const job = await manager.getRepository(Job).findOneBy({ id: start.jobId, state: 'queued' });
        if (!job?.fileSha256) continue;
        const file = files.get(job.fileSha256)!;
        const machine = byId.get(start.machineId)!;
        const remoteStart = this.live.get(machine.id)?.meta?.capabilities.remoteStart !== false;
        const attempt = job.attempts + 1;
        const url = this.files.signedUrl({
          sha256: job.fileSha256,
          jobId: job.id,
          machineId: machine.id,
          expiresAt: now + FILE_LINK_MS,
        });
        const format = file.format as FileFormat;
        const reference = { url, sha256: job.fileSha256, bytes: file.bytes, format, name: job.name };
        const command = startCommand(job, machine.id, reference, remoteStart, attempt, now, this.config.jobs.dispatch);
        const minutes = Math.round(start.expectedMs / 60_000);
        const change = await moveJob(
          manager,
          job,
          {
            to: 'dispatching',
            reason: `sent to ${machine.name} (attempt ${attempt}, about ${minutes} min)`,
            actor: 'scheduler',
            patch: {
              machineId: machine.id,
              attempts: attempt,
              firstDispatchedAt: job.firstDispatchedAt ?? now,
              waitingFor: null,
            },
          },
          now,
        );
        if (!change) continue;
        await manager.getRepository(JobCommand).insert(command);
        out.push(change);
      }
      return out;
    }, JOB_LOCK);
    for (const change of changes) {
      if (!change) continue;
      this.lastStartBySite.set(change.job.siteId, now);
      if (change.job.ownerId) this.lastServedByOwner.set(change.job.ownerId, now);
    }
    return changes;
  }

  /** Reservations and blocks of a site's machines up to the horizon, and its staffed hours. */
  private async addBusyTimes(
    siteId: string,
    machines: SchedulableMachine[],
    now: number,
    horizon: number,
    staffed: Map<string, Array<{ start: number; end: number }>>,
  ): Promise<void> {
    const range = { start: now, end: horizon };
    const site = await this.sites.get(siteId);
    const [reservations, rules] = await Promise.all([
      this.reservations.listForSite(siteId, range),
      this.blocks.rulesForSite(siteId),
    ]);
    for (const machine of machines) {
      machine.busy = [
        ...reservations
          .filter((r) => r.machineId === machine.id && r.status === 'active')
          .map((r) => ({ start: r.start, end: r.end, reservationId: r.id })),
        ...blockIntervalsForMachine(rules, machine.id, site.timeZone, range.start, range.end).map((b) => ({
          ...b,
          reservationId: null,
        })),
      ];
    }
    staffed.set(siteId, openIntervals(siteCalendar(site), range.start, range.end));
  }

  private async reservationsOf(queued: Job[]): Promise<Map<string, QueuedJob['reservation']>> {
    const found = new Map<string, QueuedJob['reservation']>();
    for (const job of queued) {
      if (!job.reservationId) continue;
      const reservation = await this.reservations.activeById(job.reservationId);
      // A booking cancelled or released meanwhile: the job keeps its machine, not the time window.
      found.set(
        job.id,
        reservation
          ? { id: reservation.id, machineId: reservation.machineId, start: reservation.start, end: reservation.end }
          : null,
      );
    }
    return found;
  }

  /** Far enough to see whether the longest queued job fits before the next booking. */
  private horizonMs(queued: Job[]): number {
    const unknown = this.config.jobs.unknownEstimateMinutes * 60_000;
    const longest = Math.max(...queued.map((job) => (job.estimatedSeconds ?? 0) * 1000), unknown);
    // Ratios are bounded at 4 (dispatch.rules); embroidery estimates are well under a day.
    return Math.min(longest * 4 + this.config.jobs.marginMinutes * 60_000, 14 * 86_400_000);
  }

  /** Every machine of these sites is taken: their queued jobs wait for one (said once per busy spell). */
  private async noteBusy(siteIds: string[]): Promise<void> {
    const fresh = siteIds.filter((siteId) => !this.markedBusy.has(siteId));
    if (fresh.length === 0) return;
    await this.writeLock.run(
      (manager) =>
        manager
          .getRepository(Job)
          .update({ state: 'queued', siteId: In(fresh) }, { waitingFor: 'machines_busy' satisfies WaitReason }),
      JOB_LOCK,
    );
    for (const siteId of fresh) this.markedBusy.add(siteId);
  }

  private async noteWaiting(queued: Job[], waiting: Map<string, WaitReason>): Promise<void> {
    const changed = queued.filter((job) => waiting.has(job.id) && job.waitingFor !== waiting.get(job.id));
    if (changed.length === 0) return;
    await this.writeLock.run(async (manager) => {
      for (const job of changed) {
        await manager.getRepository(Job).update({ id: job.id, state: 'queued' }, { waitingFor: waiting.get(job.id)! });
      }
    }, JOB_LOCK);
  }
}

function finishedPatch(data: JobFinishedEvent): Partial<Job> {
  const progress: JobProgressView = { pct: null, elapsedS: data.durations?.totalS ?? null, remainingS: 0 };
  if (data.layer) progress.layer = data.layer;
  if (data.stitch) progress.stitch = { current: data.stitch.current, total: data.stitch.total };
  return {
    durations: data.durations ?? null,
    materialUsed: Array.isArray(data.materialUsed) ? data.materialUsed : [],
    progress,
  };
}

function emptyJob(now: number): Omit<Job, 'id' | 'siteId' | 'source' | 'name' | 'kind' | 'state' | 'stateReason'> {
  return {
    ownerId: null,
    createdBy: null,
    fileSha256: null,
    format: null,
    metadata: null,
    estimatedSeconds: null,
    targetMachineId: null,
    reservationId: null,
    needs: {},
    staffPriority: false,
    position: now,
    stateSince: now,
    waitingFor: null,
    machineId: null,
    machineJobRef: null,
    attempts: 0,
    avoidMachineIds: [],
    progress: null,
    cancelRequestedAt: null,
    createdAt: now,
    queuedAt: null,
    firstDispatchedAt: null,
    startedAt: null,
    endedAt: null,
    failureReason: null,
    durations: null,
    materialUsed: null,
  };
}
