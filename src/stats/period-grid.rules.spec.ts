import { describe, expect, it } from '@jest/globals';
import { snapToGrid } from './period-grid.rules.js';

describe('snapToGrid', () => {
  it('answers 9–11 December and 9–10 December alike: for the whole month', () => {
    for (const [from, to] of [
      ['2026-12-09', '2026-12-12'],
      ['2026-12-09', '2026-12-11'],
      ['2026-12-01', '2027-01-01'],
    ]) {
      expect(snapToGrid(from, to, 'month')).toEqual({
        period: { from: '2026-12-01', to: '2027-01-01' },
        cells: [{ from: '2026-12-01', to: '2027-01-01' }],
      });
    }
  });

  it('covers every month a period touches, each as a cell of its own', () => {
    expect(snapToGrid('2026-11-30', '2027-01-02', 'month')).toEqual({
      period: { from: '2026-11-01', to: '2027-02-01' },
      cells: [
        { from: '2026-11-01', to: '2026-12-01' },
        { from: '2026-12-01', to: '2027-01-01' },
        { from: '2027-01-01', to: '2027-02-01' },
      ],
    });
  });

  it('snaps to weeks from Monday, across a year’s end', () => {
    // Wednesday 9 December to Thursday 31 December 2026 (the day after: Friday 1 January).
    const { period, cells } = snapToGrid('2026-12-09', '2027-01-01', 'week');
    expect(period).toEqual({ from: '2026-12-07', to: '2027-01-04' });
    expect(cells.map((c) => c.from)).toEqual(['2026-12-07', '2026-12-14', '2026-12-21', '2026-12-28']);
    expect(snapToGrid('2026-03-23', '2026-03-30', 'week').cells).toEqual([{ from: '2026-03-23', to: '2026-03-30' }]);
  });
});
