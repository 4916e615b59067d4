import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  And,
  In,
  LessThan,
  MoreThanOrEqual,
  type EntityManager,
  type FindOptionsWhere,
  type Repository,
} from 'typeorm';
import { uuidv7 } from '@fabrique/firmware-bridge';
import { canManageSite, userIdOf, type Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { NotFoundError, ValidationFailedError } from '../common/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WriteLock } from '../database/write-lock.js';
import { MachineLiveService } from '../machines/machine-live.service.js';
import { MachinesService } from '../machines/machines.service.js';
import { ReservationsService } from '../reservations/reservations.service.js';
import { SitesService } from '../sites/sites.service.js';
import { trainingStanding } from '../trainings/training-validity.rules.js';
import { TrainingsService } from '../trainings/trainings.service.js';
import { UsersService } from '../users/users.service.js';
import { controlCommand, type ControlCommand } from './job-outbox.js';
import { JobCommand } from './job-command.entity.js';
import { JobEvents } from './job-events.js';
import { JobFilesService } from './job-files.service.js';
import { JOB_LOCK, moveJob, recordNewJob, type JobChange } from './job-ledger.js';
import { queuedJob, schedulableMachine } from './job-machines.js';
import {
  isTerminal,
  MACHINE_TAKEN_STATES,
  ON_MACHINE_STATES,
  TERMINAL_STATES,
  UNDERWAY_STATES,
} from './job-state.rules.js';
import { JobTransition } from './job-transition.entity.js';
import { Job } from './job.entity.js';
import type { JobListQuery, QueueJobDto, ReorderJobDto, UploadJobDto } from './jobs.dto.js';
import { JobRefusedError, JobStateConflictError } from './jobs.errors.js';
import type { PrintMetadata } from './metadata/job-metadata.js';
import { matches, type JobNeeds } from './scheduler.rules.js';

export interface UploadedFile {
  path: string;
  originalname: string;
}

/** Jobs as makers and staff handle them: upload, queue, follow, cancel, pause, resume, reorder. */
@Injectable()
export class JobsService {
  constructor(
    @InjectRepository(Job) private readonly jobs: Repository<Job>,
    @InjectRepository(JobTransition) private readonly transitions: Repository<JobTransition>,
    @InjectRepository(JobCommand) private readonly commands: Repository<JobCommand>,
    @Inject(JobFilesService) private readonly files: JobFilesService,
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(MachineLiveService) private readonly live: MachineLiveService,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(TrainingsService) private readonly trainings: TrainingsService,
    @Inject(ReservationsService) private readonly reservations: ReservationsService,
    @Inject(JobEvents) private readonly events: JobEvents,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Takes a file in as a draft job: stored, parsed, and shown with its estimate before the maker
   * queues it. Staff may upload for a maker (a print request from someone who does not operate).
   */
  async upload(file: UploadedFile | undefined, body: UploadJobDto, principal: Principal): Promise<Job> {
    const uploader = userIdOf(principal);
    if (!file) throw new ValidationFailedError('Attach the file to print or embroider as "file".', { field: 'file' });
    const site = await this.sites.get(body.siteId);
    if (body.makerId && body.makerId !== uploader) {
      if (!canManageSite(principal, site.id)) {
        throw new JobRefusedError('NOT_ALLOWED', 'Only the staff of this site can upload a job for someone else.', {
          field: 'makerId',
        });
      }
      await this.users.get(body.makerId);
    }
    const stored = await this.files.store(file.path, file.originalname);
    const parsed = stored.metadata;
    if (parsed.kind === 'unsupported') throw new Error('unreachable: the store refuses unsupported files');
    const now = this.clock.now();
    const job = this.jobs.create({
      id: uuidv7(),
      siteId: site.id,
      ownerId: body.makerId ?? uploader,
      createdBy: uploader,
      source: 'upload',
      name: body.name ?? clipName(file.originalname),
      fileSha256: stored.sha256,
      format: stored.format,
      kind: parsed.kind === 'print' ? 'fdm_printer' : 'embroidery',
      metadata: parsed.meta,
      estimatedSeconds: parsed.kind === 'print' ? parsed.meta.estimatedSeconds : null,
      targetMachineId: null,
      reservationId: null,
      needs: parsed.kind === 'print' ? needsFromFile(parsed.meta) : {},
      staffPriority: false,
      position: now,
      state: 'draft',
      stateReason: 'uploaded; check the estimate, then queue it',
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
    });
    const change = await this.writeLock.run((manager) => recordNewJob(manager, job, `user:${uploader}`), JOB_LOCK);
    this.events.emit([change]);
    return job;
  }

  /** Puts a draft in the queue, for one machine, a booking of the maker's, or any matching machine. */
  async queue(id: string, body: QueueJobDto, principal: Principal): Promise<Job> {
    const job = await this.getOwnOrManaged(id, principal);
    const staff = canManageSite(principal, job.siteId);
    if (body.staffPriority && !staff) {
      throw new JobRefusedError('NOT_ALLOWED', 'Only the staff of this site can put a job ahead of others.', {
        field: 'staffPriority',
      });
    }
    if (job.state !== 'draft') throw new JobStateConflictError(`This job is already ${job.state}.`);
    // What the maker cannot fix alone comes first: no point choosing a machine they may not use.
    if (job.ownerId && !(staff && job.ownerId === userIdOf(principal))) await this.checkTraining(job);
    const needs: JobNeeds = body.needs ? { ...body.needs } : job.needs;
    const reservation = body.reservationId ? await this.ownReservation(body.reservationId, job, principal) : null;
    const targetMachineId = reservation?.machineId ?? body.machineId ?? null;
    if (body.machineId && reservation && body.machineId !== reservation.machineId) {
      throw new JobRefusedError('MACHINE_MISMATCH', 'The job runs on the booked machine; leave machineId out.', {
        field: 'machineId',
      });
    }
    await this.checkSomeMachineFits(
      { ...job, needs, targetMachineId },
      reservation,
      body.machineId ? 'machineId' : 'needs',
    );
    const now = this.clock.now();
    const change = await this.writeLock.run(async (manager) => {
      const fresh = await this.reload(manager, job.id);
      return moveJob(
        manager,
        fresh,
        {
          to: 'queued',
          reason: reservation ? 'queued for the maker’s booking' : 'queued',
          actor: `user:${userIdOf(principal)}`,
          patch: {
            needs,
            targetMachineId,
            reservationId: reservation?.id ?? null,
            staffPriority: body.staffPriority ?? false,
            queuedAt: now,
            position: now,
          },
        },
        now,
      );
    }, JOB_LOCK);
    if (!change) throw new JobStateConflictError('This job changed meanwhile; reload it.');
    this.events.emit([change]);
    return change.job;
  }

  /** The jobs a site's machines are taking or running, for the live board. */
  onMachines(siteId: string): Promise<Job[]> {
    return this.jobs.find({ where: { siteId, state: In([...MACHINE_TAKEN_STATES]) } });
  }

  /**
   * Who each job is for (owner id → name), only for jobs at sites the caller runs: staff hand
   * finished parts to their makers; a maker never learns another maker's name.
   */
  makerNames(jobs: readonly Job[], principal: Principal): Promise<Map<string, string>> {
    const owners = jobs.filter((job) => job.ownerId !== null && canManageSite(principal, job.siteId));
    return this.users.displayNames(owners.map((job) => job.ownerId!));
  }

  /** Any job by id, unchecked: for routes that authorise otherwise (bridges' signed links). */
  find(id: string): Promise<Job | null> {
    return this.jobs.findOneBy({ id });
  }

  /** A job its owner or the site's staff may see; 404 for anyone else. */
  async getOwnOrManaged(id: string, principal: Principal): Promise<Job> {
    const job = await this.jobs.findOneBy({ id });
    if (!job || !mayHandle(job, principal)) throw new NotFoundError('job', id);
    return job;
  }

  async history(id: string, principal: Principal): Promise<{ transitions: JobTransition[]; commands: JobCommand[] }> {
    await this.getOwnOrManaged(id, principal);
    const [transitions, commands] = await Promise.all([
      this.transitions.find({ where: { jobId: id }, order: { at: 'ASC', id: 'ASC' } }),
      this.commands.find({ where: { jobId: id }, order: { issuedAt: 'ASC' } }),
    ]);
    return { transitions, commands };
  }

  /**
   * Makers see their own jobs; staff see their sites' (all of them, or one machine's or one
   * maker's). Queued jobs come in queue order, the rest newest first.
   */
  async list(query: JobListQuery, principal: Principal): Promise<Job[]> {
    const me = userIdOf(principal);
    const where: FindOptionsWhere<Job> = {};
    if (query.siteId) where.siteId = query.siteId;
    if (query.machineId) where.machineId = query.machineId;
    if (query.state === 'active') where.state = In([...UNDERWAY_STATES]);
    else if (query.state === 'ended') where.state = In([...TERMINAL_STATES]);
    else if (query.state) where.state = query.state;
    const from = query.from ? MoreThanOrEqual(Date.parse(query.from)) : null;
    const to = query.to ? LessThan(Date.parse(query.to)) : null;
    if (from || to) where.createdAt = from && to ? And(from, to) : (from ?? to)!;
    const wantsOwn = query.makerId === 'me' || (!query.siteId && !query.machineId && !query.makerId);
    if (wantsOwn) where.ownerId = me;
    else if (query.makerId) where.ownerId = query.makerId;
    if (!wantsOwn) {
      const siteId = query.siteId ?? (query.machineId ? (await this.machines.get(query.machineId)).siteId : null);
      if (siteId ? !canManageSite(principal, siteId) : principal.kind !== 'user' || principal.role !== 'admin') {
        throw new JobRefusedError(
          'NOT_ALLOWED',
          'Only the staff of a site can list other people’s jobs; give siteId.',
          {
            field: 'siteId',
          },
        );
      }
    }
    const queueOrder = query.state === 'queued';
    return this.jobs.find({
      where,
      order: queueOrder ? { staffPriority: 'DESC', position: 'ASC', id: 'ASC' } : { createdAt: 'DESC', id: 'DESC' },
      take: query.limit ?? 100,
    });
  }

  /**
   * Cancels a job. Not yet sent: at once. On a machine: a `cancel` goes through the outbox and the
   * machine's own report ends the job. Being sent: the dispatcher cancels it once the machine answers.
   */
  async cancel(id: string, principal: Principal): Promise<Job> {
    return this.act(id, principal, async (manager, job, now, actor) => {
      if (isTerminal(job.state)) throw new JobStateConflictError(`This job has already ended (${job.state}).`);
      if (job.state === 'draft' || job.state === 'queued') {
        return moveJob(manager, job, { to: 'cancelled', reason: `cancelled by ${who(job, principal)}`, actor }, now);
      }
      if (job.cancelRequestedAt !== null) return null;
      await manager.getRepository(Job).update({ id: job.id }, { cancelRequestedAt: now });
      job.cancelRequestedAt = now;
      if (ON_MACHINE_STATES.includes(job.state)) await this.enqueueControl(manager, job, 'cancel', now);
      return null;
    });
  }

  async pause(id: string, principal: Principal): Promise<Job> {
    return this.act(id, principal, async (manager, job, now) => {
      if (job.state !== 'running')
        throw new JobStateConflictError(`Only a running job can be paused; this one is ${job.state}.`);
      await this.enqueueControl(manager, job, 'pause', now);
      return null;
    });
  }

  async resume(id: string, principal: Principal): Promise<Job> {
    return this.act(id, principal, async (manager, job, now) => {
      if (job.state !== 'paused' && job.state !== 'needs_attention') {
        throw new JobStateConflictError(`Only a paused job can be resumed; this one is ${job.state}.`);
      }
      await this.enqueueControl(manager, job, 'resume', now);
      return null;
    });
  }

  /**
   * Staff at the machine have done what it asked (threaded the next colour, placed the hoop, pressed
   * nothing yet): the machine may go on. Needed where a person starts or steps the job (`load_design`).
   */
  async confirmStep(id: string, interventionId: string, principal: Principal): Promise<Job> {
    const job = await this.getOwnOrManaged(id, principal);
    if (!canManageSite(principal, job.siteId)) throw new NotFoundError('job', id);
    return this.act(id, principal, async (manager, fresh, now) => {
      if (!ON_MACHINE_STATES.includes(fresh.state)) {
        throw new JobStateConflictError(`This job is not on a machine; it is ${fresh.state}.`);
      }
      await this.enqueueControl(manager, fresh, 'confirm_step', now, { interventionId });
      return null;
    });
  }

  /** Staff move a queued job before another (or last); fairness between makers still applies. */
  async reorder(id: string, body: ReorderJobDto, principal: Principal): Promise<Job> {
    const job = await this.getOwnOrManaged(id, principal);
    if (!canManageSite(principal, job.siteId)) throw new NotFoundError('job', id);
    if (job.state !== 'queued')
      throw new JobStateConflictError(`Only a queued job can be moved; this one is ${job.state}.`);
    return this.writeLock.run(async (manager) => {
      const repo = manager.getRepository(Job);
      let position: number;
      if (body.beforeJobId) {
        const before = await repo.findOneBy({ id: body.beforeJobId, siteId: job.siteId, state: 'queued' });
        if (!before) throw new NotFoundError('queued job', body.beforeJobId);
        position = before.position - 1;
      } else {
        const last = await repo.findOne({
          where: { siteId: job.siteId, state: 'queued' },
          order: { position: 'DESC' },
        });
        position = (last?.position ?? job.position) + 1;
      }
      await repo.update({ id, state: 'queued' }, { position });
      return this.reload(manager, id);
    }, JOB_LOCK);
  }

  private async act(
    id: string,
    principal: Principal,
    work: (manager: EntityManager, job: Job, now: number, actor: string) => Promise<JobChange | null>,
  ): Promise<Job> {
    await this.getOwnOrManaged(id, principal);
    const actor = `user:${userIdOf(principal)}`;
    const { job, change } = await this.writeLock.run(async (manager) => {
      const fresh = await this.reload(manager, id);
      return { job: fresh, change: await work(manager, fresh, this.clock.now(), actor) };
    }, JOB_LOCK);
    this.events.emit([change]);
    this.events.commandsQueued();
    return job;
  }

  private async enqueueControl(
    manager: EntityManager,
    job: Job,
    command: ControlCommand,
    now: number,
    params?: Record<string, string>,
  ): Promise<void> {
    if (!job.machineId) throw new JobStateConflictError('This job is on no machine.');
    await manager
      .getRepository(JobCommand)
      .insert(controlCommand(command, job, now, this.config.jobs.dispatch, params));
  }

  private async reload(manager: EntityManager, id: string): Promise<Job> {
    const job = await manager.getRepository(Job).findOneBy({ id });
    if (!job) throw new NotFoundError('job', id);
    return job;
  }

  private async ownReservation(reservationId: string, job: Job, principal: Principal) {
    const reservation = await this.reservations.get(reservationId, principal);
    if (reservation.makerId !== job.ownerId || reservation.siteId !== job.siteId) {
      throw new NotFoundError('reservation', reservationId);
    }
    if (reservation.status !== 'active' || reservation.end <= this.clock.now()) {
      throw new JobRefusedError('RESERVATION_OVER', 'This booking is over or cancelled; queue the job without it.', {
        field: 'reservationId',
      });
    }
    return { id: reservation.id, machineId: reservation.machineId, start: reservation.start, end: reservation.end };
  }

  /** Refuses at once a job no machine of the site could ever take, rather than let it wait forever. */
  private async checkSomeMachineFits(
    job: Job,
    reservation: { id: string; machineId: string; start: number; end: number } | null,
    field: string,
  ): Promise<void> {
    const atSite = await this.machines.listBySite(job.siteId);
    if (job.targetMachineId && !atSite.some((m) => m.id === job.targetMachineId)) {
      throw new NotFoundError('machine', job.targetMachineId);
    }
    const candidate = queuedJob(job, reservation);
    const usable = atSite.filter((m) => m.adminStatus !== 'retired');
    if (usable.some((m) => matches(candidate, schedulableMachine(m, this.live.get(m.id), 1, new Set())))) return;
    const what = job.kind === 'embroidery' ? 'embroidery machine' : '3D printer';
    throw new JobRefusedError(
      'NO_MATCHING_MACHINE',
      job.targetMachineId
        ? `Machine '${job.targetMachineId}' cannot take this job (kind, file format, material, nozzle or size).`
        : `No ${what} at this site matches this job (material, nozzle, size or file format).`,
      { field, details: { needs: job.needs } },
    );
  }

  /** The maker must hold the training now, as they would to book the machine (trainings' one rule). */
  private async checkTraining(job: Job): Promise<void> {
    const required = this.machines.requiredTraining(job.kind);
    if (!required || !job.ownerId) return;
    const standing = trainingStanding(await this.trainings.heldBy(job.ownerId), required, this.clock.now());
    if (standing.valid) return;
    throw new JobRefusedError(
      'TRAINING_REQUIRED',
      standing.expiresAt === null
        ? `This job needs the '${required}' training. Ask the fablab staff to train you.`
        : `Your '${required}' training has expired. Ask the fablab staff to renew it.`,
      {
        field: 'machineId',
        details:
          standing.expiresAt === null
            ? { rule: 'missing', training: required }
            : { rule: 'expired', training: required, expiresAt: new Date(standing.expiresAt).toISOString() },
      },
    );
  }
}

function mayHandle(job: Job, principal: Principal): boolean {
  if (canManageSite(principal, job.siteId)) return true;
  return principal.kind === 'user' && job.ownerId === principal.userId;
}

function who(job: Job, principal: Principal): string {
  return principal.kind === 'user' && principal.userId === job.ownerId ? 'its maker' : 'staff';
}

/** What a sliced file asks of the printer, when it says so without ambiguity. */
function needsFromFile(meta: PrintMetadata): JobNeeds {
  const needs: JobNeeds = {};
  if (meta.material && !meta.material.includes(',')) needs.material = meta.material;
  if (meta.nozzleMm !== null) needs.nozzleMm = meta.nozzleMm;
  return needs;
}

function clipName(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '');
  return base.length > 120 ? `${base.slice(0, 117)}...` : base || 'job';
}
