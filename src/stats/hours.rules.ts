import { MACHINE_KINDS } from '../config/app-config.js';
import {
  bookedHours,
  machinesInScope,
  type DeclaredCategories,
  type MachineRecord,
  type MakerRecord,
  type ReservationRecord,
  type StatsHistory,
  type StatsQuery,
} from './stats.rules.js';
import {
  DEFAULT_THRESHOLD,
  suppressSmallCounts,
  Tally,
  TOTAL,
  type MeasuredRow,
  type StatsTable,
} from './suppression.rules.js';

/** `kind` of machine; programme / cohort `tag`; or one of the self-declared categories. */
export type HoursGrouping = 'kind' | 'tag' | 'age_band' | 'status' | 'gender';

/** The row for makers who declared nothing, declared without consent, or left this field out. */
export const NOT_DECLARED = 'not declared';

/** The row for answers in a person's own words that too few makers gave to be a row of their own. */
export const OTHER_ANSWER = 'other';

const DECLARED_FIELD = { age_band: 'ageBand', status: 'status', gender: 'gender' } as const;

/**
 * Booked hours, and the distinct makers behind them, per group. A reservation counts for the
 * union of its own tags and its maker's, once per tag; tags overlap, so that table has no total.
 */
export function hoursBy(history: StatsHistory, query: StatsQuery, by: HoursGrouping): StatsTable {
  const machines = machinesInScope(history, query);
  const makers = new Map(history.makers.map((m) => [m.makerKey, m]));
  const common = commonAnswers(history.makers, query.labelThreshold ?? query.threshold ?? DEFAULT_THRESHOLD);
  const hours = new Tally();
  for (const res of history.reservations) {
    const machine = machines.get(res.machineId);
    const held = machine ? bookedHours(res, query.period) : 0;
    if (!machine || held === 0) continue;
    hours.add(labelsOf(res, machine, makers.get(res.makerKey), by, common), held, res.makerKey);
  }
  const row = (label: string, key: string | typeof TOTAL): MeasuredRow => ({
    label,
    cells: { hours: hours.sum(key), makers: hours.people(key) },
  });
  return suppressSmallCounts(
    {
      rowTitle: by,
      columns: [
        { key: 'hours', unit: 'hours' },
        { key: 'makers', unit: 'count' },
      ],
      rows: ordered(hours.labels(), by).map((label) => row(label, label)),
      total: by === 'tag' ? null : row('total', TOTAL),
    },
    query.threshold,
  );
}

function labelsOf(
  res: ReservationRecord,
  machine: MachineRecord,
  maker: MakerRecord | undefined,
  by: HoursGrouping,
  common: ReadonlySet<string>,
): string[] {
  if (by === 'kind') return [machine.kind];
  if (by === 'tag') return [...res.tags, ...(maker?.tags ?? [])];
  const label = declaredLabel(maker?.declared ?? null, by);
  return [by === 'gender' && label !== NOT_DECLARED && !common.has(label) ? OTHER_ANSWER : label];
}

/**
 * Answers in people's own words (gender) that at least `threshold` makers of the network gave,
 * whenever and wherever: only these are row labels, the same in every report; the rest count as
 * "other". A row titled with one person's own words would single them out however its figures
 * are suppressed.
 */
export function commonAnswers(makers: readonly MakerRecord[], threshold: number): Set<string> {
  const givenBy = new Map<string, number>();
  for (const maker of makers) {
    const label = declaredLabel(maker.declared, 'gender');
    if (label !== NOT_DECLARED) givenBy.set(label, (givenBy.get(label) ?? 0) + 1);
  }
  return new Set([...givenBy].filter(([, count]) => count >= threshold).map(([label]) => label));
}

/**
 * The row a maker counts in for one category: their words only when they consented. Free text
 * is trimmed, its spaces collapsed and its case folded, so "Femme", " femme" and "FEMME" are one.
 */
export function declaredLabel(declared: DeclaredCategories | null, field: keyof typeof DECLARED_FIELD): string {
  const value = declared?.consent ? declared[DECLARED_FIELD[field]] : undefined;
  const normalised = value?.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
  return normalised ? normalised : NOT_DECLARED;
}

function ordered(labels: string[], by: HoursGrouping): string[] {
  if (by === 'kind') return MACHINE_KINDS.filter((k) => labels.includes(k));
  const sorted = [...labels].sort();
  if (by === 'tag') return sorted;
  const last = [OTHER_ANSWER, NOT_DECLARED];
  return [...sorted.filter((l) => !last.includes(l)), ...last.filter((l) => labels.includes(l))];
}
