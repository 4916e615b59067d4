// Scenario files: a list of timed faults to inject, so a demo ("the spool runs out at 40 % of
// the second print") replays the same way every time. YAML, like the bridge config.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { AdapterOptionsError } from '../../runtime/adapter.js';
import { OptionReader } from './options.js';
import { maybeAt, type Random } from './random.js';

export interface ScenarioFault<K extends string = string> {
  /** 1-based job number since the bridge started; null = every job. */
  job: number | null;
  /** Where in the job's running phase (0–100 % of the work); transfer faults: % of the bytes. */
  atPct: number;
  kind: K;
}

export interface Scenario<K extends string = string> {
  name: string;
  /** Keep the configured random fault rates alongside the scripted faults (off by default). */
  randomFaults: boolean;
  faults: ScenarioFault<K>[];
}

export function parseScenario<K extends string>(raw: unknown, kinds: readonly K[], where: string): Scenario<K> {
  const reader = OptionReader.of(raw, where);
  const name = reader.string('name', 'unnamed scenario');
  const randomFaults = reader.boolean('randomFaults', false);
  const faults = reader.list('faults').map((item, i) => {
    if (typeof item === 'object' && item !== null && (item as Record<string, unknown>).kind === undefined) {
      throw new AdapterOptionsError(`${where}.faults[${i}].kind`, `is required (one of ${kinds.join(', ')})`);
    }
    const f = OptionReader.of(item, `${where}.faults[${i}]`);
    const fault: ScenarioFault<K> = {
      job: f.optionalNumber('job', { min: 1, max: 1_000_000, integer: true }) ?? null,
      atPct: f.number('atPct', { min: 0, max: 100 }, 50),
      kind: f.oneOf('kind', kinds, kinds[0]),
    };
    f.done();
    return fault;
  });
  reader.done();
  return { name, randomFaults, faults };
}

/** Reads a scenario file; `path` is relative to the bridge config's directory. */
export function loadScenario<K extends string>(path: string, configDir: string, kinds: readonly K[]): Scenario<K> {
  const file = isAbsolute(path) ? path : resolve(configDir, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AdapterOptionsError('scenario', `cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new AdapterOptionsError('scenario', `${file} is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  return parseScenario(raw, kinds, 'scenario');
}

/** The scripted faults that apply to job number `job`. */
export function faultsForJob<K extends string>(scenario: Scenario<K> | null, job: number): ScenarioFault<K>[] {
  return scenario?.faults.filter((f) => f.job === null || f.job === job) ?? [];
}

/** A random fault: kind, probability per job, and the range of the job (0–1) where it strikes. */
export type FaultDraw<K extends string> = [kind: K, probability: number, min: number, max: number];

/**
 * The faults of job number `job`: the random draws (unless a scenario turned them off), then the
 * scenario's scripted ones, each as `[kind, fraction of the job]`.
 */
export function planFaults<K extends string>(
  rng: Random,
  scenario: Scenario<K> | null,
  job: number,
  draws: readonly FaultDraw<K>[],
): [K, number][] {
  const random = scenario === null || scenario.randomFaults;
  const out: [K, number][] = [];
  for (const [kind, probability, min, max] of draws) {
    const at = maybeAt(rng, random ? probability : 0, min, max);
    if (at !== null) out.push([kind, at]);
  }
  for (const f of faultsForJob(scenario, job)) out.push([f.kind, f.atPct / 100]);
  return out;
}
