import { describe, expect, it } from '@jest/globals';
import type { LastJobOutcome } from '@fabrique/firmware-bridge';
import { carriesResults, endingPatch } from './job-ending.rules.js';

const STARTED = Date.parse('2026-11-23T09:00:00Z');
const ENDED = '2026-11-23T09:40:00Z';
const NOW = Date.parse('2026-11-23T10:00:00Z');
const job = { startedAt: STARTED, firstDispatchedAt: STARTED - 60_000, createdAt: STARTED - 600_000 };
const outcomeOnly: LastJobOutcome = { jobId: 'job-1', outcome: 'completed', endedAt: ENDED };
const withResults: LastJobOutcome = {
  ...outcomeOnly,
  durations: { totalS: 2400, pausedS: 60 },
  materialUsed: [{ slot: '0', material: 'PLA', amount: 14.2, unit: 'g' }],
  layer: { current: 120, total: 120 },
};

describe('what a machine’s account of a job’s end writes on the job', () => {
  it('keeps the machine’s end time, not the later moment the service heard of it', () => {
    expect(endingPatch(outcomeOnly, job, NOW)).toEqual({ endedAt: Date.parse(ENDED) });
  });

  it('records durations, material and the final layer when the account carries them', () => {
    expect(endingPatch(withResults, job, NOW)).toEqual({
      endedAt: Date.parse(ENDED),
      durations: { totalS: 2400, pausedS: 60 },
      materialUsed: [{ slot: '0', material: 'PLA', amount: 14.2, unit: 'g' }],
      progress: { pct: null, elapsedS: 2400, remainingS: 0, layer: { current: 120, total: 120 } },
    });
    expect(carriesResults(withResults)).toBe(true);
    expect(carriesResults(outcomeOnly)).toBe(false);
  });

  it('falls back to now when the machine’s clock cannot be right: ahead of ours, or before the job began', () => {
    expect(endingPatch({ ...outcomeOnly, endedAt: '2026-11-23T11:00:00Z' }, job, NOW).endedAt).toBe(NOW);
    expect(endingPatch({ ...outcomeOnly, endedAt: '2026-11-23T08:00:00Z' }, job, NOW).endedAt).toBe(NOW);
    // Never started as far as the service knows: its dispatch is the earliest it could have run.
    const unstarted = { ...job, startedAt: null };
    expect(endingPatch({ ...outcomeOnly, endedAt: '2026-11-23T08:59:30Z' }, unstarted, NOW).endedAt).toBe(
      Date.parse('2026-11-23T08:59:30Z'),
    );
  });
});
