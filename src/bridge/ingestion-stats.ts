import type { DecodeErrorCode } from '@fabrique/firmware-bridge';

/** Why ingestion dropped a message, beyond what the decoder itself refuses. */
export type IngestionRejection =
  | DecodeErrorCode
  /** Older than the bridge's current session: a late will or a replaced connection's retained message. */
  | 'STALE_SESSION'
  | 'UNKNOWN_MACHINE'
  /** A bridge status from a bridge with no live credentials. */
  | 'UNKNOWN_BRIDGE'
  /** A bridge spoke for a machine its credentials do not cover (an external broker without ACL lets it). */
  | 'NOT_ITS_MACHINE'
  /** A bug of ours, caught so the firehose keeps flowing. */
  | 'INTERNAL';

/**
 * What happened to each message: applied, recognized as already seen, not for ingestion (the
 * service's own status, commands), or rejected with a code. Every message gets exactly one.
 */
export type IngestionOutcome = 'ACCEPTED' | 'DUPLICATE' | 'IGNORED' | IngestionRejection;

export const INGESTION_OUTCOMES: readonly IngestionOutcome[] = [
  'ACCEPTED',
  'DUPLICATE',
  'IGNORED',
  'TOPIC',
  'TOO_LARGE',
  'UTF8',
  'JSON',
  'SCHEMA',
  'MISMATCH',
  'STALE_SESSION',
  'UNKNOWN_MACHINE',
  'UNKNOWN_BRIDGE',
  'NOT_ITS_MACHINE',
  'INTERNAL',
];

export function isRejection(outcome: IngestionOutcome): outcome is IngestionRejection {
  return outcome !== 'ACCEPTED' && outcome !== 'DUPLICATE' && outcome !== 'IGNORED';
}

export function emptyCounts(): Record<IngestionOutcome, number> {
  return Object.fromEntries(INGESTION_OUTCOMES.map((o) => [o, 0])) as Record<IngestionOutcome, number>;
}

/**
 * At most one log line per key (a bridge) per interval, saying how many were kept quiet since:
 * a misbehaving bridge at 100 messages a second must not bury the log. Callers pass a bounded
 * set of keys (known bridges and one catch-all), so the map stays small.
 */
export class LogThrottle {
  private readonly entries = new Map<string, { loggedAt: number; suppressed: number }>();

  constructor(private readonly intervalMs: number) {}

  /** Null to stay quiet, or the number of messages suppressed since the last line for this key. */
  admit(key: string, now: number): number | null {
    const entry = this.entries.get(key);
    if (entry && now - entry.loggedAt < this.intervalMs) {
      entry.suppressed += 1;
      return null;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.entries.set(key, { loggedAt: now, suppressed: 0 });
    return suppressed;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
