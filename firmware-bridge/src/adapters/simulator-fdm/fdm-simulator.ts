// A simulated FDM printer: heats, levels, purges, prints by time, runs out of filament when the
// spool is short, and waits in awaiting_clear after every job until staff confirm the bed is
// clear. Numbers and their sources: README.md beside this file.
import type {
  Intervention,
  JobProgress,
  MachineMeta,
  MaterialSlot,
  MaterialUsage,
  Telemetry,
  Temperatures,
} from '../../contract/index.js';
import type { Scheduler } from '../../runtime/scheduler.js';
import { createRandom, hashSeed, type Random } from '../simulator-kit/random.js';
import { planFaults } from '../simulator-kit/scenario.js';
import { JobSimulator, type FinalProgress, type SimJob } from '../simulator-kit/job-simulator.js';
import type { FdmFaultKind, FdmOptions } from './fdm-options.js';
import { Heater } from './heater.js';

interface FdmPlan {
  prepareS: number;
  slicerEstimateS: number;
  runS: number;
  filamentG: number;
  layers: number;
}

/** Bytes of file per second of print, by format (assumption: binary and zipped files are denser). */
const BYTES_PER_PRINT_SECOND = { gcode: 1200, bgcode: 400, '3mf': 250 } as const;
const round1 = (x: number) => Math.round(x * 10) / 10;

export class FdmSimulator extends JobSimulator {
  private readonly nozzle: Heater;
  private readonly bed: Heater;
  private plan: FdmPlan | null = null;
  /** Spool grams at the last (re)load, and grams of the current job used by then. */
  private spoolBase: number;
  private usedAtBase = 0;
  /** Counts spool loads, so a runout timer armed for an earlier spool does nothing. */
  private spoolLoads = 0;

  constructor(
    machineId: string,
    scheduler: Scheduler,
    private readonly options: FdmOptions,
  ) {
    super(machineId, scheduler, options.timings);
    this.nozzle = new Heater(options.nozzle, options.ambientC, scheduler);
    this.bed = new Heater(options.bed, options.ambientC, scheduler);
    this.spoolBase = options.spool.remainingGrams;
  }

  meta(): MachineMeta {
    return {
      kind: 'fdm_printer',
      vendor: this.options.vendor,
      model: this.options.model,
      adapter: 'simulator-fdm',
      firmware: 'simulator-1',
      capabilities: {
        commands: ['start_job', 'pause', 'resume', 'cancel', 'clear_confirm', 'resync', 'ping', 'set_telemetry_rate'],
        fileFormats: ['gcode', 'bgcode', '3mf'],
        remoteStart: true,
        materialSlots: 1,
        simulated: true,
        warp: this.options.warp,
      },
    };
  }

  protected planJob(job: SimJob): { transferFailAtPct: number | null } {
    const rng = createRandom(hashSeed(this.options.seed, this.machineId, job.number));
    // A configured profile (tests, benches) first, then what the file states (the estimate the
    // upload showed the maker), then a guess from the file's size.
    const stated = job.file.estimate ?? {};
    const fixed = this.options.job;
    const perSecond = BYTES_PER_PRINT_SECOND[job.file.format as keyof typeof BYTES_PER_PRINT_SECOND] ?? 1200;
    const slicerEstimateS =
      fixed.slicerEstimateS ?? stated.durationS ?? Math.max(600, (job.file.bytes / perSecond) * rng.uniform(0.8, 1.2));
    const plan: FdmPlan = {
      prepareS: rng.uniform(this.options.preparingS.min, this.options.preparingS.max),
      slicerEstimateS,
      runS: slicerEstimateS * this.options.estimateRatio * rng.uniform(0.98, 1.02),
      filamentG: fixed.filamentG ?? stated.filamentG ?? (slicerEstimateS / 3600) * rng.uniform(10, 18),
      layers: fixed.layers ?? stated.layers ?? Math.max(10, Math.round(slicerEstimateS / rng.uniform(25, 45))),
    };
    this.plan = plan;
    this.usedAtBase = 0;
    return this.planFaults(job, plan, rng);
  }

  /** Random faults at the configured rates, then the scenario's scripted ones for this job. */
  private planFaults(job: SimJob, plan: FdmPlan, rng: Random): { transferFailAtPct: number | null } {
    const { faults, scenario } = this.options;
    const firstLayer = 1 / plan.layers; // the first-layer inspection runs during layer 1
    const planned = planFaults(rng, scenario, job.number, [
      ['first_layer_failure', faults.firstLayerFailureRate, 0.5 * firstLayer, firstLayer],
      ['clog', faults.clogRate, 0.1, 0.9],
      ['user_cancel', faults.userCancelRate, 0.05, 0.95],
      ['transfer_failed', faults.transferFailureRate, 0.1, 0.9],
    ]);
    let transferFailAtPct: number | null = null;
    for (const [kind, frac] of planned) {
      if (kind === 'transfer_failed') transferFailAtPct = Math.min(transferFailAtPct ?? 100, frac * 100);
      // A scripted runout: the spool holds exactly what the job needs up to that point.
      else if (kind === 'filament_runout') this.spoolBase = Math.min(this.spoolBase, plan.filamentG * frac);
      else this.work.at(frac * plan.runS * 1000, () => this.fault(kind));
    }
    this.work.at(plan.runS * 1000, () => this.finish('completed', { nativeCode: 'FINISH', message: 'Print finished' }));
    this.scheduleRunout();
    return { transferFailAtPct };
  }

  private fault(kind: Exclude<FdmFaultKind, 'transfer_failed' | 'filament_runout'>): void {
    const n = this.job?.number ?? 0;
    const common = { blocking: true, actions: ['resume' as const, 'cancel' as const, 'attend_at_machine' as const] };
    if (kind === 'user_cancel') return this.stopJob();
    if (kind === 'clog') {
      const spec = { ...common, id: `clog-${n}`, kind: 'thread_or_feed_fault' as const, severity: 'error' as const };
      const message = 'Nozzle clogged: no extrusion detected';
      return this.pauseFor({ ...spec, resumable: true, nativeCode: 'NOZZLE_CLOG', message }, 'error', 'CLOG');
    }
    this.pauseFor(
      {
        ...common,
        id: `first-layer-${n}`,
        kind: 'quality_defect',
        severity: 'error',
        resumable: false,
        nativeCode: 'FIRST_LAYER_DEFECT',
        message: 'First layer inspection failed: the print did not stick',
        actions: ['cancel', 'attend_at_machine'],
      },
      'error',
      'FIRST_LAYER_INSPECTION',
    );
  }

  /** If the spool cannot finish the job, the runout sensor trips when it is empty. */
  private scheduleRunout(): void {
    const plan = this.plan;
    if (!plan || plan.filamentG <= 0) return;
    const left = this.spoolLeft();
    if (left >= plan.filamentG - this.usedG()) return;
    const spool = this.spoolLoads;
    this.work.at(((this.usedG() + left) / plan.filamentG) * plan.runS * 1000, () => {
      if (spool !== this.spoolLoads) return;
      this.pauseFor(
        {
          id: `runout-${this.job?.number ?? 0}-${Math.round(this.usedG())}`,
          kind: 'material_runout',
          severity: 'warning',
          blocking: true,
          resumable: true,
          nativeCode: 'FILAMENT_RUNOUT',
          message: `Filament ran out (${this.options.spool.material}): load a new spool and resume`,
          actions: ['resume', 'cancel', 'attend_at_machine'],
        },
        'intervention',
        'FILAMENT_RUNOUT',
      );
    });
  }

  protected onTransferred(): void {
    const plan = this.plan;
    if (!plan) return;
    this.beginJob(Math.round(plan.slicerEstimateS));
    this.nozzle.heat();
    this.bed.heat();
    this.phase('preparing', 'heating');
    const heatingS = Math.max(this.nozzle.secondsToTarget(), this.bed.secondsToTarget());
    // Levelling and the purge line fill the rest of the drawn preparation time.
    const prepareS = Math.max(plan.prepareS, heatingS + 60);
    const levelledAt = heatingS + 0.65 * (prepareS - heatingS);
    this.later(heatingS, () => this.phase('preparing', 'levelling'));
    this.later(levelledAt, () => this.phase('preparing', 'purging'));
    this.later(prepareS, () => this.beginRunning(this.runningSubstate()));
  }

  protected runningSubstate(): string {
    return 'printing';
  }

  protected onResolved(intervention: Intervention): void {
    if (intervention.kind !== 'material_runout') return;
    this.spoolBase = this.options.spool.grams;
    this.usedAtBase = this.usedG();
    this.spoolLoads++;
    this.event({ type: 'materials.changed', data: { materials: this.materials() } });
    this.scheduleRunout();
  }

  protected override onJobEnded(): void {
    this.spoolBase = this.spoolLeft();
    this.usedAtBase = 0;
    this.nozzle.off();
    this.bed.off();
  }

  private fraction(): number {
    return this.plan ? Math.min(1, this.work.elapsedMs() / (this.plan.runS * 1000)) : 0;
  }

  private usedG(): number {
    return this.plan ? this.plan.filamentG * this.fraction() : 0;
  }

  private spoolLeft(): number {
    return Math.max(0, this.spoolBase - (this.usedG() - this.usedAtBase));
  }

  private layer(): { current: number; total: number } {
    const total = this.plan?.layers ?? 0;
    return { current: Math.min(total, Math.ceil(this.fraction() * total)), total };
  }

  protected jobProgress(job: SimJob): JobProgress {
    const estimate = this.plan?.slicerEstimateS ?? 0;
    return {
      jobId: job.jobId,
      ...(job.name !== undefined && { name: job.name }),
      progressPct: round1(this.fraction() * 100),
      elapsedS: Math.round((this.now() - (job.startedAt ?? job.acceptedAt)) / 1000),
      // What a printer reports: the slicer's estimate scaled by progress (it never learns the ratio).
      remainingS: this.state === 'receiving' ? null : Math.round(estimate * (1 - this.fraction())),
      layer: this.layer(),
    };
  }

  protected finalProgress(): FinalProgress {
    return { layer: this.layer() };
  }

  protected materialUsed(): MaterialUsage[] {
    return [{ slot: '0', material: this.options.spool.material, amount: round1(this.usedG()), unit: 'g' }];
  }

  protected temps(): Temperatures {
    return { nozzle: this.nozzle.reading(), bed: this.bed.reading() };
  }

  protected materials(): MaterialSlot[] {
    const { material, color, grams } = this.options.spool;
    const remainingPct = round1(Math.min(100, (this.spoolLeft() / grams) * 100));
    return [{ slot: '0', kind: 'filament', material, color, remainingPct, loaded: this.spoolLeft() > 0 }];
  }

  protected sample(): Telemetry {
    const printing = this.state === 'running';
    const sample: Telemetry = { temps: this.temps(), speedPct: 100, fanPct: printing ? 100 : 0 };
    if (this.job) {
      const { progressPct, elapsedS, remainingS, layer } = this.jobProgress(this.job);
      Object.assign(sample, { progressPct, elapsedS, remainingS, layer });
    }
    return sample;
  }
}
