import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { hideWhatPartsHide, protectGroupSums } from './consistent-suppression.rules.js';
import { figures } from './stats.fixtures.js';
import type { StatCell, StatsTable } from './suppression.rules.js';

const shown = (value: number): StatCell => ({ value, suppressed: false });
const HIDDEN: StatCell = { value: null, suppressed: true };

/** Hours and their ratio to 100 open hours, per row. */
function hoursTable(rows: Record<string, StatCell>, total: StatCell | null = null): StatsTable {
  const cells = (hours: StatCell) => ({
    open_hours: shown(100),
    hours,
    ratio: hours.suppressed ? HIDDEN : shown((hours.value ?? 0) / 100),
  });
  return {
    rowTitle: 'machine',
    columns: [
      { key: 'open_hours', unit: 'hours' },
      { key: 'hours', unit: 'hours' },
      { key: 'ratio', unit: 'ratio', of: 'hours', per: 'open_hours' },
    ],
    rows: Object.entries(rows).map(([label, hours]) => ({ label, cells: cells(hours) })),
    total: total && { label: 'total', cells: cells(total) },
  };
}

describe('hideWhatPartsHide', () => {
  it('hides in two months what one of them hides, ratios and the total included', () => {
    const both = hoursTable({ laser: shown(9), printer: shown(40) }, shown(49));
    const november = hoursTable({ laser: shown(6), printer: shown(30) }, shown(36));
    const december = hoursTable({ laser: HIDDEN, printer: HIDDEN }, HIDDEN);
    expect(figures(hideWhatPartsHide(both, [november, december]))).toEqual({
      laser: { open_hours: 100, hours: 'suppressed', ratio: 'suppressed' },
      printer: { open_hours: 100, hours: 'suppressed', ratio: 'suppressed' },
      total: { open_hours: 100, hours: 'suppressed', ratio: 'suppressed' },
    });
    expect(hideWhatPartsHide(both, [november])).toEqual(both);
  });

  it('leaves rows no part has alone: a zero singles out no one', () => {
    const answer = hoursTable({ laser: shown(0), printer: shown(40) });
    expect(hideWhatPartsHide(answer, [hoursTable({ printer: shown(40) })])).toEqual(answer);
  });
});

describe('protectGroupSums', () => {
  const kindOf: Record<string, string> = {
    p1: 'printer',
    p2: 'printer',
    p3: 'printer',
    e1: 'embroidery',
    e2: 'embroidery',
  };
  const membersOf = (kind: string) => Object.keys(kindOf).filter((m) => kindOf[m] === kind);

  it('hides every machine of a hidden kind, and a lone hidden machine’s smallest sibling', () => {
    const machines = hoursTable({ p1: HIDDEN, p2: shown(20), p3: shown(12), e1: shown(5), e2: shown(7) });
    const kinds = hoursTable({ printer: shown(40), embroidery: HIDDEN });
    expect(figures(protectGroupSums(machines, [{ table: kinds, membersOf }]))).toMatchObject({
      p1: { hours: 'suppressed' },
      p2: { hours: 20 },
      p3: { hours: 'suppressed' },
      e1: { hours: 'suppressed' },
      e2: { hours: 'suppressed' },
    });
  });

  it('leaves no shown kind with exactly one hidden machine, and hides all of a hidden kind', () => {
    const table = fc.record(
      Object.fromEntries(Object.keys(kindOf).map((m) => [m, fc.option(fc.integer({ min: 0, max: 9 }))])),
    );
    fc.assert(
      fc.property(table, fc.boolean(), fc.boolean(), (values, printerHidden, embroideryHidden) => {
        const cell = (v: number | null) => (v === null ? HIDDEN : shown(v));
        const machines = hoursTable(Object.fromEntries(Object.entries(values).map(([m, v]) => [m, cell(v)])));
        const kinds = hoursTable({
          printer: printerHidden ? HIDDEN : shown(1),
          embroidery: embroideryHidden ? HIDDEN : shown(1),
        });
        const out = protectGroupSums(machines, [{ table: kinds, membersOf }]);
        const hidden = (m: string) => out.rows.find((r) => r.label === m)!.cells.hours.suppressed;
        for (const [kind, kindHidden] of [
          ['printer', printerHidden],
          ['embroidery', embroideryHidden],
        ] as const) {
          const nonZero = membersOf(kind).filter((m) => values[m] !== 0);
          const hiddenCount = nonZero.filter(hidden).length;
          if (kindHidden) expect(hiddenCount).toBe(nonZero.length);
          else expect(hiddenCount === 1 && nonZero.length > 1).toBe(false);
        }
      }),
    );
  });
});
