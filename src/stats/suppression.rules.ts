/**
 * Small-count suppression: no published figure may come from so few people that someone who
 * knows the fablab could tell who they are ("the one retired maker used the laser 40 hours").
 *
 * A cell is suppressed when it comes from at least one and fewer than `threshold` makers, whether
 * it counts them or is derived from them (their hours, their jobs, a ratio of those). Zero is
 * shown: it singles out no one. Our tables are one-dimensional breakdowns (a row per machine,
 * kind, tag, category…; columns are different measures), so the totals a suppressed cell could be
 * recovered from are column totals; when exactly one cell of a column is suppressed, the next
 * smallest non-zero cell of that column is suppressed too, and when there is none, the total's.
 * This is done whether or not the table shows a total, because the total is often printed
 * elsewhere (distinct makers, site hours). What one table hides, the tables it can be set against
 * hide too (`consistent-suppression.rules.ts`).
 * Ratios are computed after suppression, and are suppressed when their numerator or denominator
 * is, so that ratio × open hours cannot give a hidden figure back.
 */

export const DEFAULT_THRESHOLD = 5;

/** A figure before suppression and the makers it comes from; `makers` null: it is about no one. */
export interface Measure {
  value: number;
  makers: ReadonlySet<string> | null;
}

export type ColumnSpec =
  { key: string; unit: 'hours' | 'count' } | { key: string; unit: 'ratio'; of: string; per: string };

export interface MeasuredRow {
  label: string;
  /** One measure per non-ratio column. */
  cells: Record<string, Measure>;
}

export interface MeasuredTable {
  rowTitle: string;
  columns: ColumnSpec[];
  rows: MeasuredRow[];
  total: MeasuredRow | null;
}

/** `value` null and not suppressed: there is nothing to show (a ratio over zero open hours). */
export interface StatCell {
  value: number | null;
  suppressed: boolean;
}

export interface StatsColumn {
  key: string;
  unit: 'hours' | 'count' | 'ratio';
  /** A ratio's numerator and denominator columns. */
  of?: string;
  per?: string;
}

export interface StatsRow {
  label: string;
  cells: Record<string, StatCell>;
}

export interface StatsTable {
  rowTitle: string;
  columns: StatsColumn[];
  rows: StatsRow[];
  total: StatsRow | null;
}

export function suppressSmallCounts(table: MeasuredTable, threshold = DEFAULT_THRESHOLD): StatsTable {
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new RangeError(`The suppression threshold must be a whole number of people, at least 1 (got ${threshold})`);
  }
  const tooFew = (m: Measure): boolean => m.makers !== null && m.makers.size > 0 && m.makers.size < threshold;
  const hiddenRows = new Map<string, Set<number>>();
  /** Columns where one cell is hidden and no other can be: the total would give it away. */
  const lonely = new Set<string>();
  for (const column of table.columns) {
    if (column.unit === 'ratio') continue;
    const hidden = hiddenInColumn(table.rows, column.key, tooFew);
    hiddenRows.set(column.key, hidden);
    if (hidden.size === 1) lonely.add(column.key);
  }
  const shown = (row: MeasuredRow, hidden: (key: string) => boolean): StatsRow => {
    const cells: Record<string, StatCell> = {};
    for (const column of table.columns) {
      if (column.unit !== 'ratio') {
        cells[column.key] = hidden(column.key)
          ? { value: null, suppressed: true }
          : { value: row.cells[column.key].value, suppressed: false };
      }
    }
    for (const column of table.columns) {
      if (column.unit === 'ratio') cells[column.key] = ratio(cells[column.of], cells[column.per]);
    }
    return { label: row.label, cells };
  };
  const total = table.total;
  return {
    rowTitle: table.rowTitle,
    columns: table.columns.map((column) => ({ ...column })),
    rows: table.rows.map((row, index) => shown(row, (key) => hiddenRows.get(key)?.has(index) ?? false)),
    total: total && shown(total, (key) => tooFew(total.cells[key]) || lonely.has(key)),
  };
}

/** Rows whose cell is suppressed in this column: too few makers, plus the complement if needed. */
function hiddenInColumn(rows: MeasuredRow[], key: string, tooFew: (m: Measure) => boolean): Set<number> {
  const hidden = new Set(rows.flatMap((row, index) => (tooFew(row.cells[key]) ? [index] : [])));
  if (hidden.size !== 1) return hidden;
  let complement: number | null = null;
  for (const [index, row] of rows.entries()) {
    const cell = row.cells[key];
    if (hidden.has(index) || cell.makers === null || !(cell.value > 0)) continue;
    if (complement === null || cell.value < rows[complement].cells[key].value) complement = index;
  }
  if (complement !== null) hidden.add(complement);
  return hidden;
}

export function ratio(of: StatCell, per: StatCell): StatCell {
  if (of.suppressed || per.suppressed) return { value: null, suppressed: true };
  if (of.value === null || per.value === null || per.value === 0) return { value: null, suppressed: false };
  return { value: of.value / per.value, suppressed: false };
}

/** The key of a tally's total, which no label can collide with. */
export const TOTAL: unique symbol = Symbol('total');

/**
 * Sums a figure per label, and once over all labels, remembering which makers it came from; an
 * item with several labels (a reservation with two tags) counts once in the total.
 */
export class Tally {
  private readonly byLabel = new Map<string | typeof TOTAL, { value: number; makers: Set<string> }>();

  add(labels: readonly string[], value: number, makerKey: string | null): void {
    const keys: Array<string | typeof TOTAL> = [...new Set(labels), TOTAL];
    for (const label of keys) {
      let entry = this.byLabel.get(label);
      if (!entry) this.byLabel.set(label, (entry = { value: 0, makers: new Set() }));
      entry.value += value;
      if (makerKey !== null) entry.makers.add(makerKey);
    }
  }

  labels(): string[] {
    return [...this.byLabel.keys()].filter((label): label is string => label !== TOTAL);
  }

  /** The summed figure (0 from no one when nothing was added). */
  sum(label: string | typeof TOTAL): Measure {
    const entry = this.byLabel.get(label);
    return entry ? { value: entry.value, makers: entry.makers } : { value: 0, makers: new Set() };
  }

  /** How many distinct makers, as a figure that counts people. */
  people(label: string | typeof TOTAL): Measure {
    const makers = this.byLabel.get(label)?.makers ?? new Set<string>();
    return { value: makers.size, makers };
  }
}
