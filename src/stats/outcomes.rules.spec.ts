import { describe, expect, it } from '@jest/globals';
import { failureReasons, jobsByOutcome, noShows, UNSPECIFIED_REASON } from './outcomes.rules.js';
import { figures, history, MARCH_WEEK, r } from './stats.fixtures.js';

const everything = { period: MARCH_WEEK, threshold: 1 };

describe('jobs by outcome', () => {
  it('counts the jobs that finished in the period', () => {
    // Finished in the week: completed A (bv-prusa-1), D (DST night), E (embroidery) and the job
    // started at the machine; failed B, C, F twice; cancelled E; lost A (started the Sunday
    // before, lost Monday 01:00). D's job ending Monday 30 at 00:30 belongs to the next week.
    expect(figures(jobsByOutcome(history, everything))).toEqual({
      completed: { jobs: 4 },
      failed: { jobs: 4 },
      cancelled: { jobs: 1 },
      lost: { jobs: 1 },
      total: { jobs: 10 },
    });
  });

  it('keeps to one site', () => {
    // Dakar: E's embroidery job completed, F's two failures, E's cancellation.
    expect(figures(jobsByOutcome(history, { ...everything, siteId: 'dakar' }))).toEqual({
      completed: { jobs: 1 },
      failed: { jobs: 2 },
      cancelled: { jobs: 1 },
      lost: { jobs: 0 },
      total: { jobs: 4 },
    });
  });

  it('hides outcomes of fewer than 5 makers, shows zero and the total of 6 makers (threshold 5)', () => {
    // completed: A, D, E (+ nobody's); failed: B, C, F; cancelled: E; lost: A. Total: A–F.
    expect(figures(jobsByOutcome(history, { period: MARCH_WEEK }))).toEqual({
      completed: { jobs: 'suppressed' },
      failed: { jobs: 'suppressed' },
      cancelled: { jobs: 'suppressed' },
      lost: { jobs: 'suppressed' },
      total: { jobs: 10 },
    });
  });
});

describe('failure reasons', () => {
  it('counts failed jobs by reason, most frequent first, trimming what the machine sent', () => {
    expect(failureReasons(history, everything).rows.map((row) => [row.label, row.cells.jobs.value])).toEqual([
      ['material_runout', 2], // F twice, once sent as " material_runout "
      ['thermal_fault', 1], // B
      [UNSPECIFIED_REASON, 1], // C's laser job, no reason given
    ]);
  });
});

describe('no-show rate', () => {
  it('divides no-shows by the reservations due in the period, per site', () => {
    expect(figures(noShows(history, everything))).toEqual({
      // Due: A Tue, B Tue, C Wed, A Sun, B's no-show Thu = 5; C's cancelled one is not due.
      belleville: { due: 5, no_shows: 1, no_show_rate: 0.2 },
      // Due: D's DST-night booking and D's Sunday 23:00 one (still active). A's booking began
      // on Sunday 22, before the week, so it was due then.
      villette: { due: 2, no_shows: 0, no_show_rate: 0 },
      // Due: E Mon, F Sat, E Fri, E's no-show Wed = 4.
      dakar: { due: 4, no_shows: 1, no_show_rate: 0.25 },
      total: { due: 11, no_shows: 2, no_show_rate: r(2 / 11) },
    });
  });

  it('hides the rate when the no-shows come from fewer than 5 makers (threshold 5)', () => {
    // Due reservations in all come from A–F (6); no-shows from B and E (2). The rate would give
    // the hidden count back (2/11 × 11), so it goes too.
    expect(figures(noShows(history, { period: MARCH_WEEK })).total).toEqual({
      due: 11,
      no_shows: 'suppressed',
      no_show_rate: 'suppressed',
    });
  });
});
