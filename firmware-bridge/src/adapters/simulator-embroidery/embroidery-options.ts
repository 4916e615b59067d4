// The embroidery simulator's options, with CONTRACT.md's "Simulator defaults" (sources in README.md).
import { hashSeed } from '../simulator-kit/random.js';
import { OptionReader } from '../simulator-kit/options.js';
import { loadScenario, type Scenario } from '../simulator-kit/scenario.js';
import type { SimTimings } from '../simulator-kit/simulated-machine.js';

export const EMBROIDERY_FAULT_KINDS = [
  'thread_break',
  'bobbin_runout',
  'rehoop',
  'user_cancel',
  'transfer_failed',
] as const;
export type EmbroideryFaultKind = (typeof EMBROIDERY_FAULT_KINDS)[number];

export interface EmbroideryOptions {
  seed: number;
  warp: number;
  vendor: string;
  model: string;
  /** 1 = single-needle home machine (colour changes wait for the operator); more = commercial. */
  needles: number;
  /** Stitches per minute: 400 single-needle (150 ms per stitch), 700–1000 commercial. */
  spm: number;
  /**
   * Share of the nominal speed a job averages (jumps, trims, slow satin columns). Single needle:
   * 100, because Respira's 150 ms per stitch is already measured. Commercial: 72, so 7,500
   * stitches at 800 spm take ≈ 13 min as the trade press reports, not the nominal 9.4.
   */
  effectiveSpeedPct: number;
  /** Trim + move at the start of each colour block. */
  colorBlockOverheadS: number;
  /** False when a person must press start at the machine (`load_design` + `confirm_step`). */
  remoteStart: boolean;
  positioningS: number;
  /** Tracing the design outline before sewing; 0 to skip. */
  traceS: number;
  /** Bobbin capacity in stitches (CONTRACT.md: ≈ 50–90k) and what is left on the loaded one. */
  bobbin: { capacity: number; remaining: number };
  faults: { threadBreaksPer10k: number; rehoopRate: number; userCancelRate: number; transferFailureRate: number };
  /** How long the simulated person at the machine takes; null = wait for a command. */
  operator: { threadBreakS: number | null; rehoopS: number | null; colorChangeS: number | null };
  timings: SimTimings;
  /** Fixed design profile (tests, benches) instead of the design's stated counts or its size. */
  job: { stitches?: number; colorBlocks?: number };
  scenario: Scenario<EmbroideryFaultKind> | null;
}

const RATE = { min: 0, max: 1 };
const SECONDS = { min: 0, max: 86_400 };

export function parseEmbroideryOptions(raw: unknown, machineId: string, configDir: string): EmbroideryOptions {
  const r = OptionReader.of(raw);
  const needles = r.number('needles', { min: 1, max: 20, integer: true }, 1);
  const b = r.nested('bobbin');
  const capacity = b.number('capacity', { min: 1000, max: 500_000, integer: true }, 70_000);
  const bobbin = { capacity, remaining: b.number('remaining', { min: 0, max: capacity, integer: true }, capacity) };
  b.done();
  const f = r.nested('faults');
  const faults = {
    threadBreaksPer10k: f.number('threadBreaksPer10k', { min: 0, max: 100 }, 1),
    rehoopRate: f.number('rehoopRate', RATE, 0),
    userCancelRate: f.number('userCancelRate', RATE, 0.01),
    transferFailureRate: f.number('transferFailureRate', RATE, 0.01),
  };
  f.done();
  const o = r.nested('operator');
  const operator = {
    threadBreakS: o.nullableNumber('threadBreakS', SECONDS, 60),
    rehoopS: o.nullableNumber('rehoopS', SECONDS, 90),
    colorChangeS: o.nullableNumber('colorChangeS', SECONDS, null),
  };
  o.done();
  const j = r.nested('job');
  const job = {
    stitches: j.optionalNumber('stitches', { min: 1, max: 10_000_000, integer: true }),
    colorBlocks: j.optionalNumber('colorBlocks', { min: 1, max: 1000, integer: true }),
  };
  j.done();
  const scenarioPath = r.optionalString('scenario');
  const options: EmbroideryOptions = {
    seed: r.number('seed', { min: 0, max: 2 ** 32 - 1, integer: true }, hashSeed(machineId)),
    warp: r.number('warp', { min: 0.001, max: 100_000 }, 1),
    vendor: r.string('vendor', 'Fabrique'),
    model: r.string(
      'model',
      needles === 1 ? 'Simulated single-needle embroidery' : `Simulated ${needles}-needle embroidery`,
    ),
    needles,
    spm: r.number('spm', { min: 50, max: 2000 }, needles === 1 ? 400 : 800),
    effectiveSpeedPct: r.number('effectiveSpeedPct', { min: 1, max: 100 }, needles === 1 ? 100 : 72),
    colorBlockOverheadS: r.number('colorBlockOverheadS', SECONDS, 3),
    remoteStart: r.boolean('remoteStart', needles > 1),
    positioningS: r.number('positioningS', SECONDS, 8),
    traceS: r.number('traceS', SECONDS, 25),
    bobbin,
    faults,
    operator,
    timings: {
      // BLE / USB-serial links are slow; a PP1 design of 20 kB takes seconds, not milliseconds.
      transferBytesPerS: r.number('transferBytesPerS', { min: 1, max: 1e10 }, 20_000),
      pausingS: r.number('pausingS', { min: 0, max: 600 }, 2),
      stoppingS: r.number('stoppingS', { min: 0, max: 600 }, 3),
      sampleS: r.number('sampleS', { min: 0.1, max: 3600 }, 1),
    },
    job,
    scenario: scenarioPath === undefined ? null : loadScenario(scenarioPath, configDir, EMBROIDERY_FAULT_KINDS),
  };
  r.done();
  return options;
}
