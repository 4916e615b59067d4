import type { EmbroideryMetadata } from './job-metadata.js';

export interface EmbroideryMachineSpeed {
  /** The sewing speed the machine runs the design at. */
  stitchesPerMinute: number;
  /** 1 for a single-needle machine; a multi-needle head changes colour by itself. */
  needles: number;
  /**
   * Pause per colour change. Defaults: 60 s on a single-needle machine, where the machine stops and
   * the operator re-threads (a typical figure for a practised maker); 3 s on a multi-needle machine,
   * which only moves the needle bar.
   */
  colorChangeSeconds?: number;
  /** Pause per trim cycle; defaults to 2 s (the cutter cycle plus the slow first stitches after it). */
  trimSeconds?: number;
}

export const SINGLE_NEEDLE_COLOR_CHANGE_SECONDS = 60;
export const MULTI_NEEDLE_COLOR_CHANGE_SECONDS = 3;
export const DEFAULT_TRIM_SECONDS = 2;

function requireNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got ${value}`);
}

/**
 * Estimated sewing time in whole seconds, or null when the stitch count is unknown. It counts sewing
 * at full speed plus the colour-change and trim pauses; frame moves for jumps and the machines'
 * slow-down on long stitches are left out, so real runs take somewhat longer. Throws RangeError for
 * an impossible machine profile (that is configuration, not an uploaded file).
 */
export function estimateEmbroiderySeconds(
  meta: Pick<EmbroideryMetadata, 'stitches' | 'colorChanges' | 'trims'>,
  machine: EmbroideryMachineSpeed,
): number | null {
  if (!Number.isFinite(machine.stitchesPerMinute) || machine.stitchesPerMinute <= 0) {
    throw new RangeError(`stitchesPerMinute must be positive, got ${machine.stitchesPerMinute}`);
  }
  if (!Number.isInteger(machine.needles) || machine.needles < 1) {
    throw new RangeError(`needles must be a positive whole number, got ${machine.needles}`);
  }
  const colorChangeSeconds =
    machine.colorChangeSeconds ??
    (machine.needles > 1 ? MULTI_NEEDLE_COLOR_CHANGE_SECONDS : SINGLE_NEEDLE_COLOR_CHANGE_SECONDS);
  const trimSeconds = machine.trimSeconds ?? DEFAULT_TRIM_SECONDS;
  requireNonNegative('colorChangeSeconds', colorChangeSeconds);
  requireNonNegative('trimSeconds', trimSeconds);
  if (meta.stitches === null) return null;
  const sewing = (meta.stitches / machine.stitchesPerMinute) * 60;
  return Math.ceil(sewing + (meta.colorChanges ?? 0) * colorChangeSeconds + (meta.trims ?? 0) * trimSeconds);
}

/**
 * Whether the design fits at least one of the hoops (sewing fields as [width, height] in mm), turned
 * a quarter if need be; null when the design size is unknown. A design exactly the field's size fits.
 */
export function fitsHoop(
  meta: Pick<EmbroideryMetadata, 'widthMm' | 'heightMm'>,
  hoopsMm: ReadonlyArray<readonly [number, number]>,
): boolean | null {
  const { widthMm: w, heightMm: h } = meta;
  if (w === null || h === null) return null;
  return hoopsMm.some(([hw, hh]) => (w <= hw && h <= hh) || (w <= hh && h <= hw));
}
