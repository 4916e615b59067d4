import type { EmbroideryFormat, EmbroideryMetadata, PrintFormat, PrintMetadata } from './job-metadata.js';

/** A Buffer view over the caller's bytes (no copy), for its little-endian readers. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function emptyPrintMetadata(format: PrintFormat, warnings: string[] = []): PrintMetadata {
  return {
    format,
    slicer: null,
    estimatedSeconds: null,
    filamentGrams: null,
    filamentMm: null,
    layers: null,
    printerModel: null,
    nozzleMm: null,
    material: null,
    warnings,
  };
}

export function emptyEmbroideryMetadata(format: EmbroideryFormat, warnings: string[] = []): EmbroideryMetadata {
  return {
    format,
    stitches: null,
    colorChanges: null,
    colorBlocks: null,
    trims: null,
    jumps: null,
    stops: null,
    widthMm: null,
    heightMm: null,
    warnings,
  };
}

/** Rounds away binary noise from sums of decimals (12.34 + 0.1 → 12.44). */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** A plain non-negative decimal ("12.34", ".5", "3"), or null for anything else (including ""). */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!/^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

export function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}
