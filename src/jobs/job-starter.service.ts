import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
import type { FileFormat, JobDurations } from '@fabrique/firmware-bridge';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WriteLock } from '../database/write-lock.js';
import { MachineLiveService } from '../machines/machine-live.service.js';
import type { Machine } from '../machines/machine.entity.js';
import { MachinesService } from '../machines/machines.service.js';
import { siteCalendar } from '../reservations/booking-context.service.js';
import { blockIntervalsForMachine } from '../reservations/blocks.rules.js';
import { BlocksService } from '../reservations/blocks.service.js';
import { ReservationsService } from '../reservations/reservations.service.js';
import { openIntervals } from '../sites/opening-hours.rules.js';
import { SitesService } from '../sites/sites.service.js';
import { learnDurationRatio } from './dispatch.rules.js';
import { JobCommand } from './job-command.entity.js';
import { JobFilesService } from './job-files.service.js';
import { JOB_LOCK, moveJob, type JobChange } from './job-ledger.js';
import { queuedJob, schedulableMachine } from './job-machines.js';
import { startCommand } from './job-outbox.js';
import { MACHINE_TAKEN_STATES } from './job-state.rules.js';
import { Job } from './job.entity.js';
import { MachineDurationRatio } from './machine-duration.entity.js';
import {
  baseEstimateSeconds,
  planStarts,
  type QueuedJob,
  type SchedulableMachine,
  type WaitReason,
} from './scheduler.rules.js';

const REFUSAL_HOLD_MS = 30_000;
/** How long a signed download link stays valid after the start command was issued. */
const FILE_LINK_MS = 6 * 3_600_000;

/**
 * Starts queued jobs on free machines (the dispatcher calls it once per pass): which machines are
 * free, what bookings and blocks lie ahead of them, the plan of `scheduler.rules.ts`, and the move
 * to `dispatching` with its start command in the outbox. It keeps what fairness and staggering
 * need to remember, and each machine's learned duration ratio.
 */
@Injectable()
export class JobStarter {
  private readonly lastStartBySite = new Map<string, number>();
  private readonly lastServedByOwner = new Map<string, number>();
  private readonly ratios = new Map<string, MachineDurationRatio>();
  /** Sites whose queued jobs were last told that every machine is busy. */
  private readonly markedBusy = new Set<string>();
  /** Machines that refused a start and have not changed state since, with when they refused. */
  private readonly refused = new Map<string, number>();

  constructor(
    @InjectRepository(Job) private readonly jobs: Repository<Job>,
    @InjectRepository(MachineDurationRatio) private readonly ratioRows: Repository<MachineDurationRatio>,
    @Inject(JobFilesService) private readonly files: JobFilesService,
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(MachineLiveService) private readonly live: MachineLiveService,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(ReservationsService) private readonly reservations: ReservationsService,
    @Inject(BlocksService) private readonly blocks: BlocksService,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** What the database remembers: learned ratios, and when each maker was last served. */
  async load(): Promise<void> {
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
  }

  /**
   * A machine that refused a start gets no new one until its state changes (bed cleared, back
   * online) or a while has passed: otherwise the next pass would send the same job right back.
   */
  refusedBy(machineId: string, now: number): void {
    this.refused.set(machineId, now);
  }

  machineChanged(machineId: string): void {
    this.refused.delete(machineId);
  }

  /** A job joined the site's queue: its jobs are told again why they wait. */
  queueChanged(siteId: string): void {
    this.markedBusy.delete(siteId);
  }

  /** A job completed: its machine's ratio of actual to estimated duration learns from it. */
  async learnFrom(manager: EntityManager, job: Job, durations: JobDurations | null): Promise<void> {
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

  /**
   * Most passes follow a report that frees nothing: which sites have a free machine is decided
   * from live state first, and only those sites' queued jobs are loaded and planned.
   */
  async startQueued(): Promise<Array<JobChange | null>> {
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
