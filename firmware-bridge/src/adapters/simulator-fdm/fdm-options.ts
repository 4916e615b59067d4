// The FDM simulator's options, with the defaults CONTRACT.md's "Simulator defaults" table gives
// (sources in README.md). Everything is overridable per machine in the bridge config.
import { COLOR_PATTERN } from '../../contract/index.js';
import { AdapterOptionsError } from '../../runtime/adapter.js';
import { hashSeed } from '../simulator-kit/random.js';
import { OptionReader } from '../simulator-kit/options.js';
import { loadScenario, type Scenario } from '../simulator-kit/scenario.js';
import type { SimTimings } from '../simulator-kit/simulated-machine.js';
import type { HeaterSpec } from './heater.js';

export const FDM_FAULT_KINDS = [
  'first_layer_failure',
  'filament_runout',
  'clog',
  'user_cancel',
  'transfer_failed',
] as const;
export type FdmFaultKind = (typeof FDM_FAULT_KINDS)[number];

export interface FdmOptions {
  seed: number;
  warp: number;
  vendor: string;
  model: string;
  timings: SimTimings;
  /** Heating + levelling + purge, drawn uniformly per job (CONTRACT.md: 5.7–7.9 min). */
  preparingS: { min: number; max: number };
  /** Actual print time ÷ slicer estimate for this machine (PrusaSlicer tuned: up to 4 % short). */
  estimateRatio: number;
  ambientC: number;
  nozzle: HeaterSpec;
  bed: HeaterSpec;
  spool: { material: string; color: string; grams: number; remainingGrams: number };
  /** Probability per job. */
  faults: { firstLayerFailureRate: number; clogRate: number; userCancelRate: number; transferFailureRate: number };
  /** Fixed job profile (tests, benches) instead of the file's stated estimate or its size. */
  job: { slicerEstimateS?: number; filamentG?: number; layers?: number };
  scenario: Scenario<FdmFaultKind> | null;
}

const RATE = { min: 0, max: 1 };

function heater(r: OptionReader, key: string, fallback: HeaterSpec, tau: { min: number; max: number }): HeaterSpec {
  const spec = {
    targetC: r.number('targetC', { min: 0, max: 500 }, fallback.targetC),
    tauS: r.number('tauS', tau, fallback.tauS),
    maxC: r.number('maxC', { min: 1, max: 600 }, fallback.maxC),
  };
  r.done();
  // The heater model drives toward maxC and stops at the target: a target at or above it is never reached.
  if (spec.targetC >= spec.maxC)
    throw new AdapterOptionsError(`${key}.targetC`, `must be below ${key}.maxC (${spec.maxC})`);
  return spec;
}

export function parseFdmOptions(raw: unknown, machineId: string, configDir: string): FdmOptions {
  const r = OptionReader.of(raw);
  const prep = r.nested('preparingS');
  const preparingS = {
    min: prep.number('min', { min: 0, max: 7200 }, 342),
    max: prep.number('max', { min: 0, max: 7200 }, 474),
  };
  prep.done();
  if (preparingS.min > preparingS.max)
    throw new AdapterOptionsError('preparingS.min', 'must not exceed preparingS.max');
  const spoolReader = r.nested('spool');
  const grams = spoolReader.number('grams', { min: 1, max: 10_000 }, 1000);
  const spool = {
    material: spoolReader.string('material', 'PLA'),
    color: spoolReader.string('color', '#F28C28', COLOR_PATTERN),
    grams,
    remainingGrams: spoolReader.number('remainingGrams', { min: 0, max: grams }, grams),
  };
  spoolReader.done();
  const f = r.nested('faults');
  const faults = {
    firstLayerFailureRate: f.number('firstLayerFailureRate', RATE, 0.05),
    clogRate: f.number('clogRate', RATE, 0.02),
    userCancelRate: f.number('userCancelRate', RATE, 0.03),
    transferFailureRate: f.number('transferFailureRate', RATE, 0.01),
  };
  f.done();
  const j = r.nested('job');
  const job = {
    slicerEstimateS: j.optionalNumber('slicerEstimateS', { min: 1, max: 30 * 86_400 }),
    filamentG: j.optionalNumber('filamentG', { min: 0, max: 10_000 }),
    layers: j.optionalNumber('layers', { min: 1, max: 100_000, integer: true }),
  };
  j.done();
  const scenarioPath = r.optionalString('scenario');
  const options: FdmOptions = {
    seed: r.number('seed', { min: 0, max: 2 ** 32 - 1, integer: true }, hashSeed(machineId)),
    warp: r.number('warp', { min: 0.001, max: 100_000 }, 1),
    vendor: r.string('vendor', 'Fabrique'),
    model: r.string('model', 'Simulated FDM printer'),
    timings: {
      transferBytesPerS: r.number('transferBytesPerS', { min: 1, max: 1e10 }, 1_000_000),
      pausingS: r.number('pausingS', { min: 0, max: 600 }, 10),
      stoppingS: r.number('stoppingS', { min: 0, max: 600 }, 8),
      sampleS: r.number('sampleS', { min: 0.1, max: 3600 }, 2),
    },
    preparingS,
    estimateRatio: r.number('estimateRatio', { min: 0.2, max: 5 }, 1.02),
    ambientC: r.number('ambientC', { min: -20, max: 60 }, 22),
    nozzle: heater(r.nested('nozzle'), 'nozzle', { targetC: 215, tauS: 30, maxC: 300 }, { min: 1, max: 600 }),
    bed: heater(r.nested('bed'), 'bed', { targetC: 60, tauS: 180, maxC: 110 }, { min: 1, max: 3600 }),
    spool,
    faults,
    job,
    scenario: scenarioPath === undefined ? null : loadScenario(scenarioPath, configDir, FDM_FAULT_KINDS),
  };
  r.done();
  return options;
}
