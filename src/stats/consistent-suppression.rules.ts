import { ratio, type StatCell, type StatsRow, type StatsTable } from './suppression.rules.js';

/**
 * Suppression that holds across queries, not one answer at a time (issue 15). Figures add up: a
 * month is the sum of its weeks, the network the sum of its sites, a kind the sum of its
 * machines. So a table set against another cut of the same figures gives back whatever one shows
 * that the other hides: the hours of 9–11 December minus those of 9–10 December were one maker's.
 *
 * `hideWhatPartsHide`: an answer hides every cell that one of its parts (the same table over
 * each grid period, for each site, at the fablab's threshold) hides. Every figure it shows is
 * then a sum of figures its parts show, and its hidden ones add up to what the parts' totals
 * already give away, never to one of them.
 *
 * `protectGroupSums`: a table by machine hides every machine of a kind (or site) the table by
 * kind hides, and a machine hidden alone among the machines of a kind that is shown takes its
 * smallest sibling with it; otherwise the kind's figure minus its shown machines is that one.
 *
 * Ratios are worked out again from what is left shown.
 */
export function hideWhatPartsHide(answer: StatsTable, parts: readonly StatsTable[]): StatsTable {
  const hidden = new Map<string, Set<string>>();
  const hiddenInTotal = new Set<string>();
  for (const part of parts) {
    for (const row of part.rows) {
      for (const [key, cell] of Object.entries(row.cells)) if (cell.suppressed) setOf(hidden, key).add(row.label);
    }
    for (const [key, cell] of Object.entries(part.total?.cells ?? {})) if (cell.suppressed) hiddenInTotal.add(key);
  }
  return hideCells(
    answer,
    (label, key) => hidden.get(key)?.has(label) ?? false,
    (key) => hiddenInTotal.has(key),
  );
}

/** Groups of the answer's rows (kinds or sites of machines), with the table by group. */
export interface RowGroups {
  table: StatsTable;
  membersOf: (group: string) => readonly string[];
}

export function protectGroupSums(answer: StatsTable, groupings: readonly RowGroups[]): StatsTable {
  const hidden = new Map<string, Set<string>>();
  for (const row of answer.rows) {
    for (const [key, cell] of Object.entries(row.cells)) if (cell.suppressed) setOf(hidden, key).add(row.label);
  }
  const valueOf = new Map(answer.rows.map((row) => [row.label, row]));
  const figure = (label: string, key: string) => valueOf.get(label)?.cells[key]?.value ?? 0;
  for (const column of answer.columns) {
    if (column.unit === 'ratio') continue;
    const inColumn = setOf(hidden, column.key);
    // Hiding a sibling for one group can leave another with one hidden: repeat until none does.
    for (let changed = true; changed;) {
      changed = false;
      for (const { table, membersOf } of groupings) {
        for (const group of table.rows) {
          // A hidden cell is never zero: only figures from someone are hidden.
          const members = membersOf(group.label).filter((m) => inColumn.has(m) || figure(m, column.key) > 0);
          const groupHidden = group.cells[column.key]?.suppressed ?? false;
          const shown = members.filter((m) => !inColumn.has(m));
          const loneHidden = members.length - shown.length === 1;
          const toHide = groupHidden ? shown : loneHidden ? smallest(shown, (m) => figure(m, column.key)) : [];
          for (const member of toHide) inColumn.add(member);
          changed ||= toHide.length > 0;
        }
      }
    }
  }
  return hideCells(
    answer,
    (label, key) => hidden.get(key)?.has(label) ?? false,
    () => false,
  );
}

/** The label with the smallest figure, as a list of none or one. */
function smallest(labels: string[], value: (label: string) => number): string[] {
  return [...labels].sort((a, b) => value(a) - value(b)).slice(0, 1);
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function hideCells(
  answer: StatsTable,
  hiddenRow: (label: string, key: string) => boolean,
  hiddenTotal: (key: string) => boolean,
): StatsTable {
  const apply = (row: StatsRow, isHidden: (key: string) => boolean): StatsRow => {
    const cells: Record<string, StatCell> = { ...row.cells };
    for (const column of answer.columns) {
      if (column.unit !== 'ratio' && isHidden(column.key)) cells[column.key] = { value: null, suppressed: true };
    }
    for (const column of answer.columns) {
      if (column.unit === 'ratio' && column.of && column.per && !cells[column.key].suppressed) {
        const recomputed = ratio(cells[column.of], cells[column.per]);
        if (recomputed.suppressed) cells[column.key] = recomputed;
      }
    }
    return { label: row.label, cells };
  };
  return {
    ...answer,
    rows: answer.rows.map((row) => apply(row, (key) => hiddenRow(row.label, key))),
    total: answer.total && apply(answer.total, hiddenTotal),
  };
}
