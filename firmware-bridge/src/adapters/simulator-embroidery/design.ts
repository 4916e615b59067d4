// An embroidery design as the simulator sews it: colour blocks of stitches at a fixed speed,
// with a trim-and-move overhead at the start of each block. Converts between "stitches sewn"
// and "work time", so faults defined in stitches (a thread break every ~10k stitches) become
// timers, and progress is read off the clock.
import type { Random } from '../simulator-kit/random.js';

export interface ThreadColor {
  name: string;
  hex: string;
}

export const PALETTE: readonly ThreadColor[] = [
  { name: 'black', hex: '#000000' },
  { name: 'white', hex: '#FFFFFF' },
  { name: 'red', hex: '#C8102E' },
  { name: 'royal blue', hex: '#1F4E9E' },
  { name: 'gold', hex: '#D4A017' },
  { name: 'green', hex: '#00843D' },
  { name: 'orange', hex: '#F28C28' },
  { name: 'purple', hex: '#6A2C91' },
  { name: 'pink', hex: '#E75480' },
  { name: 'grey', hex: '#8A8D8F' },
  { name: 'brown', hex: '#6F4E37' },
  { name: 'sky blue', hex: '#87CEEB' },
];

export interface Block {
  stitches: number;
  /** 1-based needle sewing this block. */
  needle: number;
  color: ThreadColor;
}

export class Design {
  readonly total: number;
  /** Work time (ms) at which each block starts (its overhead first), plus the end as last entry. */
  private readonly starts: number[] = [];
  private readonly firstStitch: number[] = [];

  constructor(
    readonly blocks: readonly Block[],
    readonly msPerStitch: number,
    readonly overheadMs: number,
  ) {
    let work = 0;
    let stitch = 0;
    for (const b of blocks) {
      this.starts.push(work);
      this.firstStitch.push(stitch);
      work += overheadMs + b.stitches * msPerStitch;
      stitch += b.stitches;
    }
    this.starts.push(work);
    this.total = stitch;
  }

  get workMs(): number {
    return this.starts[this.blocks.length];
  }

  /** Work time at which block `i` (0-based) starts, i.e. right after block i − 1's last stitch. */
  blockStart(i: number): number {
    return this.starts[i];
  }

  /** Work time at which `k` stitches have been sewn. */
  workAtStitch(k: number): number {
    const i = this.blockOfStitch(k);
    return this.starts[i] + this.overheadMs + (k - this.firstStitch[i]) * this.msPerStitch;
  }

  stitchesAt(workMs: number): number {
    const i = this.blockAt(workMs);
    const into = Math.max(0, workMs - this.starts[i] - this.overheadMs);
    return Math.min(
      this.firstStitch[i] + Math.floor(into / this.msPerStitch),
      this.firstStitch[i] + this.blocks[i].stitches,
    );
  }

  /** 0-based block being sewn (or trimmed into) at `workMs`. */
  blockAt(workMs: number): number {
    let i = 0;
    while (i < this.blocks.length - 1 && workMs >= this.starts[i + 1]) i++;
    return i;
  }

  /** Sewing (not trimming / moving between blocks) at `workMs`. */
  sewingAt(workMs: number): boolean {
    const i = this.blockAt(workMs);
    return workMs >= this.starts[i] + this.overheadMs && workMs < this.starts[i + 1];
  }

  /** Stitches of the first `sewn` that each needle made (needle → stitches). */
  stitchesByNeedle(sewn: number): Map<number, number> {
    const out = new Map<number, number>();
    this.blocks.forEach((b, i) => {
      const n = Math.max(0, Math.min(b.stitches, sewn - this.firstStitch[i]));
      if (n > 0) out.set(b.needle, (out.get(b.needle) ?? 0) + n);
    });
    return out;
  }

  private blockOfStitch(k: number): number {
    let i = 0;
    while (i < this.blocks.length - 1 && k > this.firstStitch[i] + this.blocks[i].stitches) i++;
    return i;
  }
}

/** Stitch count from the file: DST stores 3 bytes per stitch after a 512-byte header, EXP 2. */
export function stitchesFromFile(format: string, bytes: number): number {
  if (format === 'dst') return Math.max(100, Math.floor((bytes - 512) / 3));
  if (format === 'exp') return Math.max(100, Math.floor(bytes / 2));
  return Math.max(100, Math.floor(bytes / 3)); // PES, JEF, VP3 carry more per stitch: an estimate
}

/**
 * Splits `stitches` into `count` blocks of uneven size. A multi-needle machine sews each block
 * with the needle already threaded in its colour; a single needle is re-threaded for each block.
 */
export function drawBlocks(
  rng: Random,
  stitches: number,
  count: number,
  needleColors: readonly ThreadColor[],
): Block[] {
  const weights = Array.from({ length: count }, () => rng.uniform(0.5, 1.5));
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(1, Math.floor((stitches * w) / sum)));
  sizes[count - 1] = Math.max(1, sizes[count - 1] + stitches - sizes.reduce((a, b) => a + b, 0));
  const offset = rng.int(0, PALETTE.length - 1);
  const needles = needleColors.length;
  return sizes.map((size, i) => {
    if (needles === 1) return { stitches: size, needle: 1, color: PALETTE[(offset + i) % PALETTE.length] };
    const needle = ((offset + i) % needles) + 1;
    return { stitches: size, needle, color: needleColors[needle - 1] };
  });
}
