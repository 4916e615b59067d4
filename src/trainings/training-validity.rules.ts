/** A training as a person holds it: which one, and when it stops counting (null: never). */
export interface HeldTraining {
  training: string;
  expiresAt: number | null;
}

/** Whether the training counts, and if not, why: never held, or expired (the latest expiry). */
export type TrainingStanding = { valid: true } | { valid: false; expiresAt: number | null };

/**
 * The one rule for "does this person hold that training": it must still count at `until`, the
 * moment the person needs it up to (the end of a booking; now, for a job joining the queue). A
 * training that expires at that very moment has covered everything before it, so it counts.
 */
export function trainingStanding(held: readonly HeldTraining[], required: string, until: number): TrainingStanding {
  const records = held.filter((t) => t.training === required);
  if (records.some((t) => t.expiresAt === null || t.expiresAt >= until)) return { valid: true };
  if (records.length === 0) return { valid: false, expiresAt: null };
  return { valid: false, expiresAt: Math.max(...records.map((t) => t.expiresAt!)) };
}
