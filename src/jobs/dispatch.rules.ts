/**
 * The outbox rules of firmware-bridge/CONTRACT.md: a command is re-sent with the same `commandId` until an answer
 * arrives or it expires; the bridge refuses it after `expiresAt`, so once that instant has passed
 * and the machine has spoken since without the job, the command is dead and the job may be tried
 * again, elsewhere if need be. A job is never left pending: it fails with `dispatch_timeout`.
 */
export interface DispatchPolicy {
  /** The command's lifetime: `expiresAt` = issued + this. */
  answerTimeoutMs: number;
  /** First re-send after this long without an answer; doubles up to `maxResendMs`. */
  resendMs: number;
  maxResendMs: number;
  /** Start attempts per job (each a new command) before it fails with `dispatch_timeout`. */
  attempts: number;
  /** With no word from the machine at all, the job fails this long after the unanswered command was issued. */
  giveUpMs: number;
}

const EVIDENCE_MARGIN_MS = 5_000;

export interface OutboxSend {
  issuedAt: number;
  expiresAt: number;
  sends: number;
  lastSentAt: number | null;
}

/** When the command goes (again) on the wire. */
export function nextSendAt(command: OutboxSend, policy: Pick<DispatchPolicy, 'resendMs' | 'maxResendMs'>): number {
  if (command.lastSentAt === null) return command.issuedAt;
  const backoff = Math.min(policy.resendMs * 2 ** Math.max(0, command.sends - 1), policy.maxResendMs);
  return command.lastSentAt + backoff;
}

export type UnansweredStart =
  | { kind: 'send' }
  | { kind: 'wait' }
  /** The command is dead (expired, and the machine has reported since without the job). */
  | { kind: 'retry'; reason: string }
  | { kind: 'fail'; reason: string };

export interface UnansweredInput {
  now: number;
  command: OutboxSend;
  /** Attempts made so far, this one included. */
  attempt: number;
  /** When the job's first attempt was issued. */
  firstIssuedAt: number;
  /** When the machine's latest snapshot arrived (service clock), null if never. */
  machineReportedAt: number | null;
  policy: DispatchPolicy;
}

/** What to do with a `start_job` that has no answer yet. */
export function unansweredStart(input: UnansweredInput): UnansweredStart {
  const { now, command, policy } = input;
  if (now < command.expiresAt) return now >= nextSendAt(command, policy) ? { kind: 'send' } : { kind: 'wait' };
  const seconds = Math.round((command.expiresAt - command.issuedAt) / 1000);
  // The margin covers clock skew and a report that was already on its way when the command expired.
  const spokeSince =
    input.machineReportedAt !== null && input.machineReportedAt > command.expiresAt + EVIDENCE_MARGIN_MS;
  if (spokeSince) {
    if (input.attempt >= policy.attempts) {
      return { kind: 'fail', reason: `dispatch_timeout: no answer to ${input.attempt} start commands` };
    }
    return { kind: 'retry', reason: `no answer within ${seconds} s (attempt ${input.attempt} of ${policy.attempts})` };
  }
  // Silence is counted from this command, not from the job's first attempt: a job re-queued hours
  // ago (the machine answered then) must not fail 30 s into a broker restart on its next attempt.
  const silentSince = Math.max(input.firstIssuedAt, command.issuedAt);
  if (now >= silentSince + policy.giveUpMs) {
    return {
      kind: 'fail',
      reason: `dispatch_timeout: the machine has not answered for ${Math.round((now - silentSince) / 1000)} s`,
    };
  }
  return { kind: 'wait' };
}

/** Learned actual / estimated duration per machine: recent jobs weigh more, odd ones are bounded. */
export interface DurationRatio {
  ratio: number;
  samples: number;
}

const LEARNING_WEIGHT = 0.3;
const RATIO_BOUNDS = [0.25, 4] as const;

export function learnDurationRatio(previous: DurationRatio, estimatedS: number | null, actualS: number): DurationRatio {
  if (estimatedS === null || !(estimatedS > 0) || !(actualS > 0)) return previous;
  const observed = Math.min(RATIO_BOUNDS[1], Math.max(RATIO_BOUNDS[0], actualS / estimatedS));
  // The first sample replaces the neutral 1 outright: a machine that is 40 % slow is so at once.
  const ratio = previous.samples === 0 ? observed : previous.ratio + LEARNING_WEIGHT * (observed - previous.ratio);
  return { ratio: Math.round(ratio * 1000) / 1000, samples: previous.samples + 1 };
}
