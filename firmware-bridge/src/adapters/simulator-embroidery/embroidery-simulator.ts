// A simulated embroidery machine: sews colour blocks at its speed, stops for the operator at each
// colour change on a single needle, breaks threads, empties bobbins, asks for re-hooping, and
// waits in awaiting_clear (the hoop is still on) after every job. Numbers: README.md.
import type {
  CommandName,
  Intervention,
  JobProgress,
  MachineMeta,
  MaterialSlot,
  MaterialUsage,
  StitchProgress,
  Telemetry,
} from '../../contract/index.js';
import type { Scheduler } from '../../runtime/scheduler.js';
import { JobSimulator, type FinalProgress, type SimJob } from '../simulator-kit/job-simulator.js';
import { createRandom, hashSeed, type Random } from '../simulator-kit/random.js';
import { planFaults } from '../simulator-kit/scenario.js';
import { Design, drawBlocks, stitchesFromFile, type ThreadColor } from './design.js';
import {
  bobbinEmpty,
  colorChange,
  rehoop,
  START_AT_MACHINE,
  startAtMachine,
  threadBreak,
} from './embroidery-interventions.js';
import type { EmbroideryFaultKind, EmbroideryOptions } from './embroidery-options.js';
import { ThreadStock } from './thread-stock.js';

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Thread breaks as a Poisson process over stitches (CONTRACT.md: 0.5–3 per 10k stitches). */
function threadBreaks(rng: Random, per10k: number, total: number): [EmbroideryFaultKind, number][] {
  const out: [EmbroideryFaultKind, number][] = [];
  const gap = () => rng.exponential(10_000 / per10k);
  for (let s = per10k > 0 ? gap() : Infinity; s < total && out.length < 1000; s += gap()) {
    out.push(['thread_break', s / total]);
  }
  return out;
}

export class EmbroiderySimulator extends JobSimulator {
  private design: Design | null = null;
  private rng: Random = createRandom(0);
  private readonly stock: ThreadStock;
  private pendingColor: ThreadColor | null = null;

  constructor(
    machineId: string,
    scheduler: Scheduler,
    private readonly options: EmbroideryOptions,
  ) {
    super(machineId, scheduler, options.timings);
    this.stock = new ThreadStock(options.needles, options.seed, options.bobbin);
  }

  meta(): MachineMeta {
    const { needles, remoteStart, spm, warp } = this.options;
    const start: CommandName[] = remoteStart ? ['start_job'] : [];
    const rest: CommandName[] = ['pause', 'resume', 'cancel', 'clear_confirm', 'resync', 'ping', 'set_telemetry_rate'];
    return {
      kind: 'embroidery',
      vendor: this.options.vendor,
      model: this.options.model,
      adapter: 'simulator-embroidery',
      firmware: 'simulator-1',
      capabilities: {
        commands: [...start, 'load_design', 'confirm_step', ...rest],
        fileFormats: ['dst', 'pes', 'exp', 'jef', 'vp3'],
        remoteStart,
        needles,
        stitchesPerMinute: spm,
        simulated: true,
        warp,
      },
    };
  }

  protected planJob(job: SimJob): { transferFailAtPct: number | null } {
    const { options } = this;
    const rng = createRandom(hashSeed(options.seed, this.machineId, job.number));
    this.rng = rng;
    // A configured profile first, then the design's own counts (as the service read them), then a guess.
    const stated = job.file.estimate ?? {};
    const total = options.job.stitches ?? stated.stitches ?? stitchesFromFile(job.file.format, job.file.bytes);
    const blocks = drawBlocks(
      rng,
      total,
      Math.min(total, options.job.colorBlocks ?? stated.colorBlocks ?? rng.int(3, 8)),
      this.stock.needleColors,
    );
    const msPerStitch = 60_000 / ((options.spm * options.effectiveSpeedPct) / 100);
    const design = new Design(blocks, msPerStitch, options.colorBlockOverheadS * 1000);
    this.design = design;
    if (options.needles === 1) {
      for (let i = 1; i < blocks.length; i++) this.work.at(design.blockStart(i), () => this.colorChange(i));
    }
    const { faults, scenario } = options;
    const planned = planFaults(rng, scenario, job.number, [
      ['rehoop', faults.rehoopRate, 0.3, 0.7],
      ['user_cancel', faults.userCancelRate, 0.05, 0.95],
      ['transfer_failed', faults.transferFailureRate, 0.1, 0.9],
    ]);
    if (scenario === null || scenario.randomFaults)
      planned.push(...threadBreaks(rng, faults.threadBreaksPer10k, total));
    let transferFailAtPct: number | null = null;
    for (const [kind, frac] of planned) {
      const stitch = Math.round(frac * design.total);
      if (kind === 'transfer_failed') transferFailAtPct = Math.min(transferFailAtPct ?? 100, frac * 100);
      else if (kind === 'bobbin_runout') this.stock.limitBobbin(stitch);
      else this.work.at(design.workAtStitch(stitch), () => this.fault(kind));
    }
    this.work.at(design.workMs, () => this.finish('completed', { nativeCode: 'DONE', message: 'Design finished' }));
    this.scheduleBobbinRunout();
    return { transferFailAtPct };
  }

  private colorChange(block: number): void {
    const design = this.design;
    if (!design) return;
    this.pendingColor = design.blocks[block].color;
    const spec = colorChange(block + 1, design.blocks.length, this.pendingColor.name);
    this.pauseFor(spec, 'program', 'COLOR_CHANGE_WAIT');
    this.operatorFixes(spec.id, this.options.operator.colorChangeS);
  }

  private fault(kind: Exclude<EmbroideryFaultKind, 'transfer_failed' | 'bobbin_runout'>): void {
    const tag = `${this.job?.number ?? 0}-${this.sewn()}`;
    if (kind === 'user_cancel') return this.stopJob();
    if (kind === 'thread_break') {
      const needle = this.design?.blocks[this.design.blockAt(this.work.elapsedMs())].needle ?? 1;
      this.pauseFor(threadBreak(`thread-break-${tag}`, needle), 'error', 'THREAD_BREAK');
      return this.operatorFixes(`thread-break-${tag}`, this.options.operator.threadBreakS);
    }
    this.pauseFor(rehoop(`rehoop-${tag}`), 'program', 'REHOOP');
    this.operatorFixes(`rehoop-${tag}`, this.options.operator.rehoopS);
  }

  /** The simulated person at the machine deals with it after about `seconds` (±25 %). */
  private operatorFixes(id: string, seconds: number | null): void {
    if (seconds === null || !this.hasIntervention(id)) return;
    this.later(seconds * this.rng.uniform(0.75, 1.25), () => {
      if (!this.hasIntervention(id)) return; // staff answered first
      this.dismiss(id, true);
      if (!this.interventions.some((i) => i.blocking)) this.continueJob();
    });
  }

  private scheduleBobbinRunout(): void {
    const design = this.design;
    const left = this.stock.bobbinLeft(this.sewn());
    if (!design || left >= design.total - this.sewn()) return;
    const loads = this.stock.bobbinLoads;
    this.work.at(design.workAtStitch(this.sewn() + left), () => {
      if (loads !== this.stock.bobbinLoads) return;
      this.pauseFor(bobbinEmpty(`bobbin-${this.job?.number ?? 0}-${this.sewn()}`), 'intervention', 'BOBBIN_EMPTY');
    });
  }

  protected onTransferred(job: SimJob): void {
    if (job.via === 'start_job') return this.prepare();
    this.raise(startAtMachine(job.number));
    this.phase('preparing', 'WAIT_START');
  }

  protected override onConfirmed(intervention: Intervention): void {
    if (intervention.nativeCode === START_AT_MACHINE && this.state === 'preparing') this.prepare();
  }

  private prepare(): void {
    const design = this.design;
    if (!design) return;
    this.beginJob(Math.round(design.workMs / 1000));
    if (this.options.needles === 1 && this.stock.thread(1, design.blocks[0].color)) {
      this.event({ type: 'materials.changed', data: { materials: this.materials() } });
    }
    const { positioningS, traceS } = this.options;
    this.phase('preparing', 'positioning');
    if (traceS > 0) this.later(positioningS, () => this.phase('preparing', 'trace'));
    this.later(positioningS + traceS, () => this.beginRunning(this.runningSubstate()));
  }

  protected runningSubstate(): string {
    return 'sewing';
  }

  protected onResolved(intervention: Intervention): void {
    if (intervention.kind === 'material_change' && this.pendingColor) {
      this.stock.thread(1, this.pendingColor);
      this.pendingColor = null;
    } else if (intervention.kind === 'material_runout') {
      this.stock.newBobbin(this.sewn());
      this.scheduleBobbinRunout();
    } else return;
    this.event({ type: 'materials.changed', data: { materials: this.materials() } });
  }

  protected override onJobEnded(): void {
    this.stock.endJob(this.design?.stitchesByNeedle(this.sewn()) ?? new Map(), this.sewn());
  }

  private sewn(): number {
    return this.design ? this.design.stitchesAt(this.work.elapsedMs()) : 0;
  }

  private stitch(): StitchProgress {
    const design = this.design;
    if (!design) return { current: 0, total: 0, colorBlock: 0, colorBlocks: 0 };
    const colorBlock = design.blockAt(this.work.elapsedMs()) + 1;
    return { current: this.sewn(), total: design.total, colorBlock, colorBlocks: design.blocks.length };
  }

  protected jobProgress(job: SimJob): JobProgress {
    const design = this.design;
    const stitch = this.stitch();
    const remainingMs = design ? design.workMs - this.work.elapsedMs() : 0;
    return {
      jobId: job.jobId,
      ...(job.name !== undefined && { name: job.name }),
      progressPct: round1(stitch.total ? (stitch.current / stitch.total) * 100 : 0),
      elapsedS: Math.round((this.now() - (job.startedAt ?? job.acceptedAt)) / 1000),
      remainingS: this.state === 'receiving' || !design ? null : Math.round(remainingMs / 1000),
      stitch,
    };
  }

  protected finalProgress(): FinalProgress {
    return { stitch: this.stitch() };
  }

  protected materialUsed(): MaterialUsage[] {
    const used: MaterialUsage[] = [];
    for (const [needle, amount] of this.design?.stitchesByNeedle(this.sewn()) ?? []) {
      used.push({ slot: `needle${needle}`, material: 'polyester 40wt', amount, unit: 'stitches' });
    }
    used.push({ slot: 'bobbin', material: 'bobbin thread', amount: this.sewn(), unit: 'stitches' });
    return used;
  }

  protected temps(): undefined {
    return undefined;
  }

  protected materials(): MaterialSlot[] {
    const current = this.job ? this.design?.stitchesByNeedle(this.sewn()) : undefined;
    return this.stock.materials(this.sewn(), current);
  }

  protected sample(): Telemetry {
    const sewing = this.state === 'running' && (this.design?.sewingAt(this.work.elapsedMs()) ?? false);
    const sample: Telemetry = { stitchesPerMinute: sewing ? this.options.spm : 0, speedPct: 100 };
    if (this.job) {
      const { progressPct, elapsedS, remainingS, stitch } = this.jobProgress(this.job);
      Object.assign(sample, { progressPct, elapsedS, remainingS, stitch });
    }
    return sample;
  }
}
