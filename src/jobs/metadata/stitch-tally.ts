import { roundTo } from './metadata-values.js';

/** An axis-aligned box in the file's native units (0.1 mm for DST, PES, EXP and JEF). */
export interface Box {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

export interface TallyResult {
  stitches: number;
  jumps: number;
  colorChanges: number;
  colorBlocks: number;
  trims: number;
  /** Needle penetrations only: the design size embroidery software reports. */
  stitchBox: Box | null;
  /** Every position the frame reaches, from the origin (where the header extents of DST count from). */
  travelBox: Box;
}

export interface TallyOptions {
  /**
   * Infer a trim from this many consecutive jumps. Tajima machines' "jump code trim" setting cuts the
   * thread after a run of jumps, and pyembroidery (DstReader, interpolate_trims) reads a run of 3 as
   * a trim; DST has no trim code of its own.
   */
  jumpRunTrim?: number;
}

/** Grows a box in place: a design may hold a million records, so no object per record. */
function extend(box: Box, x: number, y: number): void {
  if (x < box.minX) box.minX = x;
  if (x > box.maxX) box.maxX = x;
  if (y < box.minY) box.minY = y;
  if (y > box.maxY) box.maxY = y;
}

/**
 * Follows the needle through a design's relative stitch records and counts what a maker cares about.
 * Trims collapse: a trim right after a colour change, another trim or the start of the design cuts no
 * new thread, so it is not counted again.
 */
export class StitchTally {
  private x = 0;
  private y = 0;
  private stitches = 0;
  private jumps = 0;
  private colorChanges = 0;
  private colorBlocks = 0;
  private trims = 0;
  private blockHasStitch = false;
  private trimmed = true;
  private jumpRun = 0;
  private stitchBox: Box | null = null;
  private travelBox: Box = { minX: 0, maxX: 0, minY: 0, maxY: 0 };

  constructor(private readonly options: TallyOptions = {}) {}

  /** A frame move that is neither a stitch nor a jump (a DST sequin-mode toggle). */
  travel(dx: number, dy: number): void {
    this.move(dx, dy);
  }

  private move(dx: number, dy: number): void {
    this.x += dx;
    this.y += dy;
    extend(this.travelBox, this.x, this.y);
  }

  stitch(dx: number, dy: number): void {
    this.move(dx, dy);
    this.stitches += 1;
    if (this.stitchBox === null) this.stitchBox = { minX: this.x, maxX: this.x, minY: this.y, maxY: this.y };
    else extend(this.stitchBox, this.x, this.y);
    if (!this.blockHasStitch) {
      this.colorBlocks += 1;
      this.blockHasStitch = true;
    }
    this.trimmed = false;
    this.jumpRun = 0;
  }

  jump(dx: number, dy: number): void {
    this.move(dx, dy);
    this.jumps += 1;
    this.jumpRun += 1;
    const { jumpRunTrim } = this.options;
    if (jumpRunTrim !== undefined && this.jumpRun >= jumpRunTrim) this.trim();
  }

  trim(): void {
    if (!this.trimmed) this.trims += 1;
    this.trimmed = true;
  }

  colorChange(dx = 0, dy = 0): void {
    this.move(dx, dy);
    this.colorChanges += 1;
    this.blockHasStitch = false;
    this.trimmed = true;
    this.jumpRun = 0;
  }

  result(): TallyResult {
    return {
      stitches: this.stitches,
      jumps: this.jumps,
      colorChanges: this.colorChanges,
      colorBlocks: this.colorBlocks,
      trims: this.trims,
      stitchBox: this.stitchBox === null ? null : { ...this.stitchBox },
      travelBox: { ...this.travelBox },
    };
  }
}

/** Width and height in millimetres of a box in 0.1 mm units. */
export function boxSizeMm(box: Box | null): { widthMm: number | null; heightMm: number | null } {
  if (box === null) return { widthMm: null, heightMm: null };
  return { widthMm: roundTo((box.maxX - box.minX) / 10, 1), heightMm: roundTo((box.maxY - box.minY) / 10, 1) };
}

/** Whether a header's stated size matches one of the boxes the records describe, within `tolerance` units. */
export function sizeAgrees(width: number, height: number, boxes: Array<Box | null>, tolerance: number): boolean {
  return boxes.some(
    (box) =>
      box !== null &&
      Math.abs(box.maxX - box.minX - width) <= tolerance &&
      Math.abs(box.maxY - box.minY - height) <= tolerance,
  );
}

/** The embroidery metadata fields the tally gives, in millimetres; `stops` is left to the format. */
export function tallyFields(result: TallyResult) {
  return {
    stitches: result.stitches,
    colorChanges: result.colorChanges,
    colorBlocks: result.colorBlocks,
    trims: result.trims,
    jumps: result.jumps,
    ...boxSizeMm(result.stitchBox),
  };
}

export const signed8 = (byte: number) => (byte > 0x7f ? byte - 0x100 : byte);
