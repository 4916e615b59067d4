// The thread an embroidery machine carries: a cone per needle and one bobbin. A 5,000-yard cone
// lasts about a million stitches, a bobbin 50–90k (CONTRACT.md), and every lockstitch uses both.
import type { MaterialSlot } from '../../contract/index.js';
import { hashSeed } from '../simulator-kit/random.js';
import { PALETTE, type ThreadColor } from './design.js';

const CONE_STITCHES = 1_000_000;
const round1 = (x: number) => Math.round(x * 10) / 10;

export class ThreadStock {
  /** The thread on each needle now; a single needle is re-threaded at each colour change. */
  readonly needleColors: ThreadColor[];
  private readonly coneUsed: number[];
  /** Stitches the bobbin held at its last (re)load, and job stitches sewn by then. */
  private bobbinBase: number;
  private sewnAtBase = 0;
  private loads = 0;

  constructor(
    needles: number,
    seed: number,
    private readonly bobbin: { capacity: number; remaining: number },
  ) {
    const offset = hashSeed(seed, 'needles') % PALETTE.length;
    this.needleColors = Array.from({ length: needles }, (_, i) => PALETTE[(offset + i) % PALETTE.length]);
    this.coneUsed = Array.from({ length: needles }, () => 0);
    this.bobbinBase = bobbin.remaining;
  }

  /** Changes each time a bobbin is put in, so a runout armed for the old one can tell. */
  get bobbinLoads(): number {
    return this.loads;
  }

  bobbinLeft(sewn: number): number {
    return Math.max(0, this.bobbinBase - (sewn - this.sewnAtBase));
  }

  /** A scripted runout: the loaded bobbin holds only this many stitches. */
  limitBobbin(stitches: number): void {
    this.bobbinBase = Math.min(this.bobbinBase, stitches);
  }

  newBobbin(sewn: number): void {
    this.bobbinBase = this.bobbin.capacity;
    this.sewnAtBase = sewn;
    this.loads++;
  }

  thread(needle: number, color: ThreadColor): boolean {
    if (this.needleColors[needle - 1] === color) return false;
    this.needleColors[needle - 1] = color;
    return true;
  }

  /** Books a finished job's stitches on the cones and the bobbin. */
  endJob(byNeedle: ReadonlyMap<number, number>, sewn: number): void {
    for (const [needle, n] of byNeedle) this.coneUsed[needle - 1] += n;
    this.bobbinBase = this.bobbinLeft(sewn);
    this.sewnAtBase = 0;
  }

  /** `jobByNeedle`: stitches of the running job, not yet booked. */
  materials(sewn: number, jobByNeedle: ReadonlyMap<number, number> = new Map()): MaterialSlot[] {
    const threads = this.needleColors.map((color, i): MaterialSlot => {
      const used = this.coneUsed[i] + (jobByNeedle.get(i + 1) ?? 0);
      return {
        slot: `needle${i + 1}`,
        kind: 'thread',
        material: 'polyester 40wt',
        color: color.hex,
        name: color.name,
        remainingPct: round1(Math.max(0, 100 - (used / CONE_STITCHES) * 100)),
        loaded: true,
      };
    });
    const left = this.bobbinLeft(sewn);
    const remainingPct = round1((left / this.bobbin.capacity) * 100);
    return [...threads, { slot: 'bobbin', kind: 'bobbin', material: 'bobbin thread', remainingPct, loaded: left > 0 }];
  }
}
