import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
import { merge, type Subscription } from 'rxjs';
import type { EventType, LastJobOutcome } from '@fabrique/firmware-bridge';
import { CommandResults, type ReceivedCommandResult } from '../bridge/command-results.js';
import { MqttService } from '../bridge/mqtt.service.js';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WriteLock } from '../database/write-lock.js';
import { MachineLiveEvents, type MachineLiveEvent } from '../machines/machine-live-events.js';
import { MachineLiveService } from '../machines/machine-live.service.js';
import { nextSendAt, unansweredStart, type DispatchPolicy } from './dispatch.rules.js';
import { JobCommand } from './job-command.entity.js';
import { carriesResults } from './job-ending.rules.js';
import { JobEvents } from './job-events.js';
import { JOB_LOCK, moveJob, type JobChange, type JobMove } from './job-ledger.js';
import { dispatchPolicy } from './job-outbox.js';
import { JobReports, type Signal } from './job-reports.service.js';
import { canMove, isTerminal, MACHINE_TAKEN_STATES, machineLostJob, reportedBySnapshot } from './job-state.rules.js';
import { JobStarter } from './job-starter.service.js';
import { Job } from './job.entity.js';

const TICK_MS = 1_000;
const EVENT_GRACE_MS = 5_000;
/** A machine's report must be this much newer than the job's last move before it can call the job lost. */
const LOST_AFTER_MS = 10_000;
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
export class JobDispatcher implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly policy: DispatchPolicy;
  private inbox: Signal[] = [];
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private bootstrapped = false;
  private timer?: NodeJS.Timeout;
  private subscription?: Subscription;
  /** Reconciling with machines' reports runs on the tick and when a machine reports, not on every signal. */
  private reconcileDue = true;

  constructor(
    @InjectRepository(Job) private readonly jobs: Repository<Job>,
    @InjectRepository(JobCommand) private readonly commands: Repository<JobCommand>,
    @Inject(JobReports) private readonly reports: JobReports,
    @Inject(JobStarter) private readonly starter: JobStarter,
    @Inject(JobEvents) private readonly events: JobEvents,
    @Inject(MachineLiveService) private readonly live: MachineLiveService,
    @Inject(MachineLiveEvents) private readonly liveEvents: MachineLiveEvents,
    @Inject(CommandResults) private readonly results: CommandResults,
    @Inject(MqttService) private readonly mqtt: MqttService,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.policy = dispatchPolicy(config.jobs.dispatch);
  }

  /**
   * Listens before any module's bootstrap: ingestion hands over what the broker queued while the
   * service was down (a `job.finished`, a command result) as soon as its own bootstrap is done,
   * and those wait in the inbox until the first pass.
   */
  onModuleInit(): void {
    this.subscription = merge(
      this.results.results$,
      this.liveEvents.events$,
      this.events.changes$,
      this.events.outbox$,
    ).subscribe((item) => this.observe(item));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.live.ready();
    await this.starter.load();
    this.bootstrapped = true;
    this.timer = setInterval(() => {
      this.reconcileDue = true;
      this.kick();
    }, TICK_MS);
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
    if (this.stopped || !this.bootstrapped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = null));
  }

  private observe(item: ReceivedCommandResult | MachineLiveEvent | JobChange | void): void {
    if (item === undefined) return this.kick();
    if ('result' in item) {
      this.inbox.push({ kind: 'result', received: item });
    } else if ('job' in item) {
      if (item.job.state !== 'queued') return;
      this.starter.queueChanged(item.job.siteId);
    } else if (item.type === 'machine.event') {
      if (!JOB_EVENTS.includes(item.event.type)) return;
      const data = (item.event.data ?? {}) as Record<string, unknown>;
      this.inbox.push({ kind: 'event', machineId: item.machineId, type: item.event.type, data });
    } else if (item.type === 'machine.state_changed') {
      this.starter.machineChanged(item.machineId);
      this.reconcileDue = true;
      if (item.snapshot) this.inbox.push({ kind: 'snapshot', machineId: item.machineId, snapshot: item.snapshot });
    } else if (item.type === 'machine.availability_changed') {
      this.reconcileDue = true;
    } else {
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
        for (const signal of signals) changes.push(...(await this.reports.apply(manager, signal)));
      }, JOB_LOCK);
    }
    if (this.reconcileDue) {
      this.reconcileDue = false;
      changes.push(...(await this.reconcile()));
    }
    this.events.emit(changes);
    await this.sendDue();
    const started = await this.starter.startQueued();
    this.events.emit(started);
    if (started.length > 0) await this.sendDue();
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
    const moves: Array<{ job: Job; move: JobMove; command?: JobCommand; ending?: LastJobOutcome }> = [];
    const now = this.clock.now();
    for (const job of active) {
      const live = job.machineId ? this.live.get(job.machineId) : null;
      const snapshot = live?.snapshot ?? null;
      const actor = `machine:${job.machineId}`;
      const ref = job.source === 'machine' ? job.machineJobRef : job.id;
      const fresh = snapshot !== null && live!.snapshotAt !== null && live!.snapshotAt > job.stateSince;
      const said = snapshot && fresh ? reportedBySnapshot(snapshot, ref) : null;
      // An ending without the job's results is taken from a snapshot only once the `job.finished`
      // event (durations, material) has had time to arrive: a snapshot can overtake it on the wire.
      const settled =
        said !== null &&
        (!isTerminal(said.to) ||
          (said.ending !== undefined && carriesResults(said.ending)) ||
          now - live!.snapshotAt! >= EVENT_GRACE_MS);
      if (said && settled && said.to !== job.state && canMove(job.state, said.to)) {
        moves.push({ job, move: { to: said.to, reason: said.reason, actor }, ending: said.ending });
        continue;
      }
      // The machine has, or had, this job: its start was taken even if the answer never came
      // (the service was down, the command expired). Never a reason to send it to another machine.
      if (said) continue;
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
      for (const { job, move, command, ending } of moves) {
        if (command) {
          await manager
            .getRepository(JobCommand)
            .update({ commandId: command.commandId, status: 'pending' }, { status: 'dead' });
          if (move.to === 'queued') {
            changes.push(await this.reports.startFailed(manager, job, true, move.reason, move.actor, now));
            continue;
          }
          if (job.cancelRequestedAt !== null) move.to = 'cancelled';
        }
        if (isTerminal(move.to)) await this.dropPending(manager, job.id);
        if (ending) {
          changes.push(...(await this.reports.finish(manager, job, ending, move, now)));
          continue;
        }
        changes.push(
          ...(command
            ? [await moveJob(manager, job, move, now)]
            : await this.reports.reportedMove(manager, job, move, now)),
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
}
