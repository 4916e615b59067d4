import { Inject, Injectable, Logger } from '@nestjs/common';
import { In, IsNull, type EntityManager } from 'typeorm';
import {
  uuidv7,
  type EventType,
  type JobFinishedEvent,
  type LastJobOutcome,
  type MachineStateSnapshot,
} from '@fabrique/firmware-bridge';
import type { ReceivedCommandResult } from '../bridge/command-results.js';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { MachineLiveService } from '../machines/machine-live.service.js';
import { MachinesService } from '../machines/machines.service.js';
import type { DispatchPolicy } from './dispatch.rules.js';
import { JobCommand } from './job-command.entity.js';
import { endingPatch } from './job-ending.rules.js';
import { moveJob, recordNewJob, type JobChange, type JobMove } from './job-ledger.js';
import { controlCommand, dispatchPolicy } from './job-outbox.js';
import { MACHINE_TAKEN_STATES, ON_MACHINE_STATES, reportedByEvent, startAnswer } from './job-state.rules.js';
import { JobStarter } from './job-starter.service.js';
import { Job } from './job.entity.js';

/** Something a bridge said that may move a job, handled in arrival order. */
export type Signal =
  | { kind: 'result'; received: ReceivedCommandResult }
  | { kind: 'event'; machineId: string; type: EventType; data: Record<string, unknown> }
  | { kind: 'snapshot'; machineId: string; snapshot: MachineStateSnapshot };

/**
 * What a bridge's answers and events mean for jobs, applied inside the dispatcher's transaction:
 * a start accepted or refused, a job's progress and ending, a job started at the machine adopted.
 */
@Injectable()
export class JobReports {
  private readonly logger = new Logger('Jobs');
  private readonly policy: DispatchPolicy;

  constructor(
    @Inject(JobStarter) private readonly starter: JobStarter,
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(MachineLiveService) private readonly live: MachineLiveService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.policy = dispatchPolicy(config.jobs.dispatch);
  }

  async apply(manager: EntityManager, signal: Signal): Promise<Array<JobChange | null>> {
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
      this.starter.refusedBy(machineId, now);
      if (answer.avoidMachine) job.avoidMachineIds = [...job.avoidMachineIds, machineId];
    }
    return [await this.startFailed(manager, job, answer.kind === 'retry', answer.reason, actor, now)];
  }

  /** The start did not happen: back to the queue (another try, maybe elsewhere), or failed for good. */
  async startFailed(
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
    if (type === 'job.finished') {
      const move = { to: reported.to, reason: reported.reason, actor };
      return this.finish(manager, job, data as unknown as JobFinishedEvent, move, now);
    }
    const changes = await this.reportedMove(manager, job, { to: reported.to, reason: reported.reason, actor }, now);
    job = changes.at(-1)?.job ?? job;
    if (ON_MACHINE_STATES.includes(job.state)) changes.push(...(await this.cancelIfRequested(manager, job, now)));
    return changes;
  }

  /**
   * The machine's account of how a job ended, from its `job.finished` or from a state repeating
   * it: the job ends with the machine's end time and, when the account carries them, its results.
   */
  async finish(
    manager: EntityManager,
    job: Job,
    ending: LastJobOutcome,
    move: Omit<JobMove, 'patch'>,
    now: number,
  ): Promise<Array<JobChange | null>> {
    const patch = endingPatch(ending, job, now);
    if (job.state === move.to) {
      // Ended already: by a state without the results (this account brings them), or by this
      // same account heard twice (a redelivery), which must not be learned from twice.
      if (job.durations !== null) return [];
      const details = job.state === 'completed' ? patch : { ...patch, failureReason: move.reason };
      await manager.getRepository(Job).update({ id: job.id }, details);
      if (job.state === 'completed')
        await this.starter.learnFrom(manager, Object.assign(job, details), patch.durations ?? null);
      return [];
    }
    const changes = await this.reportedMove(manager, job, { ...move, patch }, now);
    if (move.to === 'completed')
      await this.starter.learnFrom(manager, changes.at(-1)?.job ?? job, patch.durations ?? null);
    return changes;
  }

  /**
   * A move the machine reported. A report can overtake the answer to `start_job` (the bridge
   * publishes its `receiving` state before its stored answer): the job is then recorded as
   * accepted first, and the start command counts as answered.
   */
  async reportedMove(manager: EntityManager, job: Job, move: JobMove, now: number): Promise<Array<JobChange | null>> {
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
