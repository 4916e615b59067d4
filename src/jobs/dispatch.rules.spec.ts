import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  learnDurationRatio,
  nextSendAt,
  unansweredStart,
  type DispatchPolicy,
  type OutboxSend,
  type UnansweredInput,
} from './dispatch.rules.js';

const S = 1000;
const MIN = 60 * S;
const T0 = Date.UTC(2025, 2, 4, 9, 0);

/** The shipped defaults (config/default.yaml): 30 s to answer, re-sent from 3 s, 3 attempts, give up after 10 min. */
const policy: DispatchPolicy = {
  answerTimeoutMs: 30 * S,
  resendMs: 3 * S,
  maxResendMs: 20 * S,
  attempts: 3,
  giveUpMs: 10 * MIN,
};

const command = (o: Partial<OutboxSend> = {}): OutboxSend => ({
  issuedAt: T0,
  expiresAt: T0 + policy.answerTimeoutMs,
  sends: 0,
  lastSentAt: null,
  ...o,
});

const unanswered = (o: Partial<UnansweredInput> = {}) =>
  unansweredStart({
    now: T0,
    command: command(),
    attempt: 1,
    firstIssuedAt: T0,
    machineReportedAt: null,
    policy,
    ...o,
  });

describe('re-sending a command from the outbox', () => {
  it('sends a new command at once', () => {
    expect(nextSendAt(command(), policy)).toBe(T0);
  });

  it('backs off: 3 s, then 6 s, then 12 s, never more than the ceiling', () => {
    expect(nextSendAt(command({ sends: 1, lastSentAt: T0 }), policy)).toBe(T0 + 3 * S);
    expect(nextSendAt(command({ sends: 2, lastSentAt: T0 }), policy)).toBe(T0 + 6 * S);
    expect(nextSendAt(command({ sends: 3, lastSentAt: T0 }), policy)).toBe(T0 + 12 * S);
    expect(nextSendAt(command({ sends: 4, lastSentAt: T0 }), policy)).toBe(T0 + 20 * S);
    expect(nextSendAt(command({ sends: 40, lastSentAt: T0 }), policy)).toBe(T0 + 20 * S);
  });

  it('never schedules a re-send before the last send, nor further than the ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 10 ** 12 }), (sends, lastSentAt) => {
        const at = nextSendAt(command({ sends, lastSentAt }), policy);
        expect(at).toBeGreaterThan(lastSentAt);
        expect(at - lastSentAt).toBeLessThanOrEqual(policy.maxResendMs);
      }),
    );
  });
});

describe('a start command with no answer yet', () => {
  it('is sent while it lives, with waits between the re-sends', () => {
    expect(unanswered()).toEqual({ kind: 'send' });
    const sent = command({ sends: 1, lastSentAt: T0 });
    expect(unanswered({ now: T0 + 2 * S, command: sent })).toEqual({ kind: 'wait' });
    expect(unanswered({ now: T0 + 3 * S, command: sent })).toEqual({ kind: 'send' });
  });

  it('goes back to the queue once expired and the machine has spoken since without taking it', () => {
    const verdict = unanswered({ now: T0 + 2 * MIN, machineReportedAt: T0 + 90 * S });
    expect(verdict).toEqual({ kind: 'retry', reason: 'no answer within 30 s (attempt 1 of 3)' });
  });

  it('is not retried elsewhere while the machine has said nothing since the expiry', () => {
    expect(unanswered({ now: T0 + 5 * MIN, machineReportedAt: null })).toEqual({ kind: 'wait' });
    expect(unanswered({ now: T0 + 5 * MIN, machineReportedAt: T0 + 20 * S })).toEqual({ kind: 'wait' });
  });

  it('does not count a report already on its way when the command expired as evidence', () => {
    const expiry = T0 + policy.answerTimeoutMs;
    expect(unanswered({ now: T0 + 2 * MIN, machineReportedAt: expiry + 2 * S }).kind).toBe('wait');
    expect(unanswered({ now: T0 + 2 * MIN, machineReportedAt: expiry + 6 * S }).kind).toBe('retry');
  });

  it('fails with dispatch_timeout after the last attempt goes unanswered', () => {
    const verdict = unanswered({ now: T0 + 2 * MIN, machineReportedAt: T0 + 90 * S, attempt: 3 });
    expect(verdict).toEqual({ kind: 'fail', reason: 'dispatch_timeout: no answer to 3 start commands' });
  });

  it('is never left pending: a machine silent for the give-up time fails the job', () => {
    expect(unanswered({ now: T0 + 10 * MIN - 1 }).kind).toBe('wait');
    const verdict = unanswered({ now: T0 + 10 * MIN });
    expect(verdict).toEqual({ kind: 'fail', reason: 'dispatch_timeout: the machine has not answered for 600 s' });
  });

  it('gives a later attempt its own give-up time, so a short broker restart does not fail a job queued for hours', () => {
    const later = T0 + 3 * 60 * MIN;
    const second = command({ issuedAt: later, expiresAt: later + policy.answerTimeoutMs, sends: 3, lastSentAt: later });
    const verdict = unanswered({ now: later + MIN, command: second, attempt: 2, firstIssuedAt: T0 });
    expect(verdict).toEqual({ kind: 'wait' });
    expect(unanswered({ now: later + 10 * MIN, command: second, attempt: 2, firstIssuedAt: T0 }).kind).toBe('fail');
  });

  it('never sends an expired command, and never moves a command that still lives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * MIN }),
        fc.option(fc.integer({ min: 0, max: 60 * MIN }), { nil: null }),
        fc.integer({ min: 1, max: 5 }),
        (elapsed, reportedAfter, attempt) => {
          const now = T0 + elapsed;
          const verdict = unanswered({
            now,
            attempt,
            machineReportedAt: reportedAfter === null ? null : T0 + reportedAfter,
          });
          if (now >= T0 + policy.answerTimeoutMs) expect(verdict.kind).not.toBe('send');
          else expect(['send', 'wait']).toContain(verdict.kind);
          // With the machine silent since the expiry, the job is never sent elsewhere.
          if (reportedAfter === null) expect(verdict.kind).not.toBe('retry');
        },
      ),
    );
  });
});

describe('learning how a machine runs against its estimates', () => {
  it('judges a machine 40 % slower from its very first finished job', () => {
    expect(learnDurationRatio({ ratio: 1, samples: 0 }, 3600, 5040)).toEqual({ ratio: 1.4, samples: 1 });
  });

  it('moves towards newer jobs without forgetting the older ones', () => {
    const after = learnDurationRatio({ ratio: 1.4, samples: 5 }, 3600, 3600);
    expect(after).toEqual({ ratio: 1.28, samples: 6 });
  });

  it('settles on a machine’s steady slowness', () => {
    let learned = { ratio: 1, samples: 0 };
    for (let k = 0; k < 30; k++) learned = learnDurationRatio(learned, 1000, 1250);
    expect(learned.ratio).toBeCloseTo(1.25, 3);
  });

  it('bounds one odd job: a print left paused overnight does not make the printer look 20 times slower', () => {
    expect(learnDurationRatio({ ratio: 1, samples: 0 }, 600, 12_000).ratio).toBe(4);
    expect(learnDurationRatio({ ratio: 1, samples: 0 }, 6000, 60).ratio).toBe(0.25);
  });

  it('learns nothing from a job without an estimate or with no duration', () => {
    const previous = { ratio: 1.2, samples: 3 };
    expect(learnDurationRatio(previous, null, 3600)).toBe(previous);
    expect(learnDurationRatio(previous, 0, 3600)).toBe(previous);
    expect(learnDurationRatio(previous, 3600, 0)).toBe(previous);
    expect(learnDurationRatio(previous, Number.NaN, 3600)).toBe(previous);
  });

  it('always stays within bounds and counts every sample it used', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000 })), {
          maxLength: 20,
        }),
        (jobs) => {
          let learned = { ratio: 1, samples: 0 };
          for (const [estimated, actual] of jobs) learned = learnDurationRatio(learned, estimated, actual);
          expect(learned.samples).toBe(jobs.length);
          expect(learned.ratio).toBeGreaterThanOrEqual(0.25);
          expect(learned.ratio).toBeLessThanOrEqual(4);
        },
      ),
    );
  });
});
