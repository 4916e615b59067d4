import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { figures } from './stats.fixtures.js';
import { DEFAULT_THRESHOLD, suppressSmallCounts, type Measure, type MeasuredTable } from './suppression.rules.js';

/** A figure and the makers it came from: `from(4, 'm1', 'm2')` is 4 from two makers. */
const from = (value: number, ...makers: string[]): Measure => ({ value, makers: new Set(makers) });
/** `n` distinct makers, prefixed so that rows can share or not share them. */
const people = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

const oneColumn = (rows: Array<[string, Measure]>, total: Measure | null = null): MeasuredTable => ({
  rowTitle: 'status',
  columns: [{ key: 'makers', unit: 'count' }],
  rows: rows.map(([label, makers]) => ({ label, cells: { makers } })),
  total: total && { label: 'total', cells: { makers: total } },
});

describe('suppressSmallCounts', () => {
  it('hides a cell from 4 makers and shows one from 5, at the default threshold of 5', () => {
    expect(DEFAULT_THRESHOLD).toBe(5);
    const table = oneColumn([
      ['four', from(4, ...people(4, 'a'))],
      ['five', from(5, ...people(5, 'b'))],
      ['six', from(6, ...people(6, 'c'))],
      ['seven', from(7, ...people(7, 'd'))],
    ]);
    // 'four' alone is under 5; 'five' is the next smallest, hidden so that 4 cannot be had as
    // total − 5 − 6 − 7.
    expect(figures(suppressSmallCounts(table))).toEqual({
      four: { makers: 'suppressed' },
      five: { makers: 'suppressed' },
      six: { makers: 6 },
      seven: { makers: 7 },
    });
    expect(suppressSmallCounts(table).rows[0].cells.makers).toEqual({ value: null, suppressed: true });
  });

  it('shows 5 when nothing else needs protecting', () => {
    const table = oneColumn([
      ['five', from(5, ...people(5, 'a'))],
      ['zero', from(0)],
    ]);
    expect(figures(suppressSmallCounts(table))).toEqual({ five: { makers: 5 }, zero: { makers: 0 } });
  });

  it('shows zeros: they single no one out, and hiding one protects nothing', () => {
    // 'two' is under 5; the only other non-zero cell is 'forty', so it is hidden, not a zero.
    const table = oneColumn(
      [
        ['two', from(2, 'a', 'b')],
        ['none', from(0)],
        ['forty', from(40, ...people(40))],
      ],
      from(42, 'a', 'b', ...people(40)),
    );
    expect(figures(suppressSmallCounts(table))).toEqual({
      two: { makers: 'suppressed' },
      none: { makers: 0 },
      forty: { makers: 'suppressed' },
      total: { makers: 42 },
    });
  });

  it('adds no complement when two cells are already hidden', () => {
    const table = oneColumn([
      ['one', from(1, 'a')],
      ['three', from(3, 'b', 'c', 'd')],
      ['eight', from(8, ...people(8))],
    ]);
    expect(figures(suppressSmallCounts(table)).eight).toEqual({ makers: 8 });
  });

  it('chooses the complement in each column by that column’s own figures', () => {
    const makersOf = people(6);
    const table: MeasuredTable = {
      rowTitle: 'kind',
      columns: [
        { key: 'hours', unit: 'hours' },
        { key: 'makers', unit: 'count' },
      ],
      rows: [
        { label: 'tiny', cells: { hours: from(30, 'x'), makers: from(1, 'x') } },
        // Few hours from many makers, and many hours from fewer (but enough) makers.
        { label: 'short', cells: { hours: from(6, ...makersOf), makers: from(6, ...makersOf) } },
        { label: 'long', cells: { hours: from(90, ...people(5, 'l')), makers: from(5, ...people(5, 'l')) } },
      ],
      total: null,
    };
    expect(figures(suppressSmallCounts(table))).toEqual({
      tiny: { hours: 'suppressed', makers: 'suppressed' },
      short: { hours: 'suppressed', makers: 6 }, // 6 h is the smallest hours figure left
      long: { hours: 90, makers: 'suppressed' }, // 5 is the smallest makers figure left
    });
  });

  it('hides the total when it comes from too few makers', () => {
    const table = oneColumn([['three', from(3, 'a', 'b', 'c')]], from(3, 'a', 'b', 'c'));
    expect(figures(suppressSmallCounts(table)).total).toEqual({ makers: 'suppressed' });
  });

  it('never hides a figure about no one, and hides a ratio built on a hidden figure', () => {
    const table: MeasuredTable = {
      rowTitle: 'machine',
      columns: [
        { key: 'open_hours', unit: 'hours' },
        { key: 'booked_hours', unit: 'hours' },
        { key: 'booked_ratio', unit: 'ratio', of: 'booked_hours', per: 'open_hours' },
      ],
      rows: [
        { label: 'laser', cells: { open_hours: { value: 40, makers: null }, booked_hours: from(10, 'a') } },
        { label: 'closed', cells: { open_hours: { value: 0, makers: null }, booked_hours: from(0) } },
      ],
      total: null,
    };
    expect(suppressSmallCounts(table).rows.map((row) => row.cells)).toEqual([
      {
        open_hours: { value: 40, suppressed: false },
        booked_hours: { value: null, suppressed: true },
        booked_ratio: { value: null, suppressed: true },
      },
      // Nothing to show is not the same as hidden.
      {
        open_hours: { value: 0, suppressed: false },
        booked_hours: { value: 0, suppressed: false },
        booked_ratio: { value: null, suppressed: false },
      },
    ]);
  });

  it('takes any whole threshold of at least 1', () => {
    const table = oneColumn([
      ['two', from(2, 'a', 'b')],
      ['three', from(3, 'c', 'd', 'e')],
    ]);
    expect(figures(suppressSmallCounts(table, 3))).toEqual({
      two: { makers: 'suppressed' },
      three: { makers: 'suppressed' },
    });
    expect(figures(suppressSmallCounts(table, 2))).toEqual({ two: { makers: 2 }, three: { makers: 3 } });
    expect(() => suppressSmallCounts(table, 0)).toThrow(RangeError);
    expect(() => suppressSmallCounts(table, 2.5)).toThrow(RangeError);
  });

  it('never shows a figure from too few makers, nor leaves one hidden cell alone among others', () => {
    const cell = fc
      .tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 50 }))
      .map(([makers, extra]) => from(makers === 0 ? 0 : makers + extra, ...people(makers, `p${extra}-`)));
    fc.assert(
      fc.property(
        fc.array(cell, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 8 }),
        (cells, threshold) => {
          const out = suppressSmallCounts(oneColumn(cells.map((c, i) => [`row${i}`, c])), threshold).rows.map(
            (row) => row.cells.makers,
          );
          out.forEach((shown, i) => {
            const size = cells[i].makers!.size;
            if (size > 0 && size < threshold) expect(shown.suppressed).toBe(true);
            if (!shown.suppressed) expect(shown.value).toBe(cells[i].value);
          });
          const hidden = out.filter((c) => c.suppressed).length;
          const othersNonZero = cells.filter((c, i) => !out[i].suppressed && c.value > 0).length;
          expect(hidden !== 1 || othersNonZero === 0).toBe(true);
        },
      ),
    );
  });
});

describe('suppressSmallCounts, when a hidden cell has no complement', () => {
  it('hides the total instead: it would be that cell again', () => {
    const table = oneColumn(
      [
        ['one', from(3, 'a')],
        ['none', from(0)],
      ],
      from(3, 'a', ...people(5)),
    );
    expect(figures(suppressSmallCounts(table))).toEqual({
      one: { makers: 'suppressed' },
      none: { makers: 0 },
      total: { makers: 'suppressed' },
    });
  });
});
