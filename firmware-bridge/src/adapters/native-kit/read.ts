// Defensive readers for what machines send. Native payloads are whatever the firmware felt like
// sending today (fields missing, numbers as strings, nulls): every reader returns `undefined`
// instead of throwing, so one odd message can never take an adapter down.

export type JsonObject = Record<string, unknown>;

export const isRecord = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object, or an empty one. */
export const rec = (v: unknown): JsonObject => (isRecord(v) ? v : {});

export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Parses JSON; `undefined` for anything that is not a JSON object. */
export function parseObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A string cut to the contract's bound (`substate` and `nativeCode` 64, messages 512). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const clampPct = (v: number): number => Math.round(Math.min(100, Math.max(0, v)) * 10) / 10;

/** Whole non-negative seconds, as the contract's counters want them. */
export const wholeS = (v: number): number => Math.max(0, Math.round(v));

/**
 * Merges a delta into a full state, object by object; arrays and scalars replace. Bambu P1
 * printers and Moonraker's `notify_status_update` both send only what changed.
 */
export function mergeDeep(target: JsonObject, delta: JsonObject, depth = 0): JsonObject {
  const out: JsonObject = { ...target };
  for (const [key, value] of Object.entries(delta)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const previous = out[key];
    out[key] = isRecord(value) && isRecord(previous) && depth < 8 ? mergeDeep(previous, value, depth + 1) : value;
  }
  return out;
}
