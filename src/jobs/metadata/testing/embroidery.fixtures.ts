// Byte-by-byte encoders for embroidery designs, written from the format layouts (Tajima DST, Brother
// PES/PEC, Melco EXP, Janome JEF) independently of the parsers, so the tests check one against the
// other. Designs are absolute positions in 0.1 mm with y pointing down, starting at the origin.

export type DesignCommand =
  | { op: 'stitch'; x: number; y: number }
  | { op: 'jump'; x: number; y: number }
  | { op: 'colorChange' }
  | { op: 'trim' };

export type Design = DesignCommand[];

const s = (x: number, y: number): DesignCommand => ({ op: 'stitch', x, y });

/** A 10 × 10 mm square in one colour, then a jump, a 5 × 5 mm square in a second colour, and a trim. */
export const twoColourSquares: Design = [
  s(0, 0),
  s(50, 0),
  s(100, 0),
  s(100, 50),
  s(100, 100),
  s(50, 100),
  s(0, 100),
  s(0, 50),
  s(0, 0),
  { op: 'colorChange' },
  { op: 'jump', x: 25, y: 25 },
  s(75, 25),
  s(75, 75),
  s(25, 75),
  s(25, 25),
  { op: 'trim' },
];

/** A 150 × 80 mm frame off the origin, with stitches too long for PEC's 7-bit short form. */
export const wideFrame: Design = [
  { op: 'jump', x: -750, y: -400 },
  s(-750, -400),
  s(-650, -400),
  s(750, -400),
  s(750, 400),
  s(-750, 400),
  s(-750, -400),
];

/** Relative moves of a design, with each command's kind. */
function* deltas(design: Design): Generator<{ cmd: DesignCommand; dx: number; dy: number }> {
  let x = 0;
  let y = 0;
  for (const cmd of design) {
    if (cmd.op === 'stitch' || cmd.op === 'jump') {
      yield { cmd, dx: cmd.x - x, dy: cmd.y - y };
      x = cmd.x;
      y = cmd.y;
    } else yield { cmd, dx: 0, dy: 0 };
  }
}

function bounds(design: Design, withOrigin: boolean) {
  const points = design.flatMap((c) => (c.op === 'stitch' || c.op === 'jump' ? [[c.x, c.y]] : []));
  if (withOrigin) points.push([0, 0]);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
}

const stitchCount = (design: Design) => design.filter((c) => c.op === 'stitch').length;
const colourBlocks = (design: Design) => design.filter((c) => c.op === 'colorChange').length + 1;

// ---------------------------------------------------------------- Tajima DST

/** [byte, bit for +weight, bit for −weight] of each balanced-ternary weight, per axis. */
const DST_X_BITS: Record<number, [number, number, number]> = {
  1: [0, 0, 1],
  3: [1, 0, 1],
  9: [0, 2, 3],
  27: [1, 2, 3],
  81: [2, 2, 3],
};
const DST_Y_BITS: Record<number, [number, number, number]> = {
  1: [0, 7, 6],
  3: [1, 7, 6],
  9: [0, 5, 4],
  27: [1, 5, 4],
  81: [2, 5, 4],
};

/** One DST record; dy is positive upwards (Tajima's axis). */
export function dstRecord(dx: number, dy: number, kind: 'stitch' | 'jump' | 'colorChange' | 'end'): number[] {
  if (kind === 'end') return [0x00, 0x00, 0xf3];
  const bytes = [0, 0, kind === 'jump' ? 0x83 : kind === 'colorChange' ? 0xc3 : 0x03];
  for (const [value, table] of [
    [dx, DST_X_BITS],
    [dy, DST_Y_BITS],
  ] as const) {
    if (Math.abs(value) > 121) throw new RangeError(`a DST record moves at most 121 units, not ${value}`);
    let rest = value;
    for (const weight of [1, 3, 9, 27, 81]) {
      const digit = [0, 1, -1][((rest % 3) + 3) % 3];
      rest = (rest - digit) / 3;
      const [byte, plus, minus] = table[weight];
      if (digit !== 0) bytes[byte] |= 1 << (digit > 0 ? plus : minus);
    }
  }
  return bytes;
}

export interface DstOverrides {
  label?: string;
  st?: number;
  co?: number;
  extents?: [number, number, number, number];
  omitEnd?: boolean;
}

/** A DST file: the 512-byte header, then records (a trim is three jumps, as DstWriter writes it). */
export function encodeDst(design: Design, overrides: DstOverrides = {}): Buffer {
  const records: number[][] = [];
  for (const { cmd, dx, dy } of deltas(design)) {
    if (cmd.op === 'stitch') records.push(dstRecord(dx, -dy, 'stitch'));
    else if (cmd.op === 'colorChange') records.push(dstRecord(0, 0, 'colorChange'));
    else if (cmd.op === 'trim')
      records.push(dstRecord(2, -2, 'jump'), dstRecord(-4, 4, 'jump'), dstRecord(2, -2, 'jump'));
    else {
      // A long jump is split into records of at most 121 units.
      const steps = Math.max(1, Math.ceil(Math.max(Math.abs(dx), Math.abs(dy)) / 121));
      let doneX = 0;
      let doneY = 0;
      for (let i = 1; i <= steps; i += 1) {
        const tx = Math.round((dx * i) / steps);
        const ty = Math.round((dy * i) / steps);
        records.push(dstRecord(tx - doneX, -(ty - doneY), 'jump'));
        doneX = tx;
        doneY = ty;
      }
    }
  }
  if (!overrides.omitEnd) records.push(dstRecord(0, 0, 'end'));
  const box = bounds(design, true);
  // Tajima's +Y is upwards: the design's (y-down) minimum.
  const [px, nx, py, ny] = overrides.extents ?? [box.maxX, -box.minX, -box.minY, box.maxY];
  const pad = (n: number, width: number) => String(n).padStart(width, ' ');
  const header =
    `LA:${(overrides.label ?? 'SQUARES').padEnd(16, ' ').slice(0, 16)}\r` +
    `ST:${pad(overrides.st ?? records.length - 1, 7)}\r` +
    `CO:${pad(overrides.co ?? colourBlocks(design) - 1, 3)}\r` +
    `+X:${pad(px, 5)}\r-X:${pad(nx, 5)}\r+Y:${pad(py, 5)}\r-Y:${pad(ny, 5)}\r` +
    `AX:+${pad(0, 5)}\rAY:+${pad(0, 5)}\rMX:+${pad(0, 5)}\rMY:+${pad(0, 5)}\rPD:******\r\x1a`;
  const head = Buffer.alloc(512, 0x20);
  head.write(header, 0, 'latin1');
  return Buffer.concat([head, Buffer.from(records.flat())]);
}

// ---------------------------------------------------------------- Brother PES / PEC

const u16le = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];
const u32le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const ascii = (text: string) => [...Buffer.from(text, 'latin1')];

/** One PEC axis: 7-bit short form, or the 12-bit long form carrying the jump/trim flags. */
function pecAxis(delta: number, flags: number, long: boolean): number[] {
  if (!long && flags === 0 && delta >= -64 && delta <= 63) return [delta & 0x7f];
  if (delta < -2048 || delta > 2047) throw new RangeError(`a PEC record moves at most 2047 units, not ${delta}`);
  const value = delta & 0xfff;
  return [0x80 | flags | (value >> 8), value & 0xff];
}

export interface PesOverrides {
  headerColours?: number;
}

/** A PES version 1 file with no PES objects (the layout pyembroidery writes for an empty design) and a PEC section. */
export function encodePes(design: Design, overrides: PesOverrides = {}): Buffer {
  const stitches: number[] = [];
  let changes = 0;
  for (const { cmd, dx, dy } of deltas(design)) {
    if (cmd.op === 'stitch') {
      const long = dx < -64 || dx > 63 || dy < -64 || dy > 63;
      stitches.push(...pecAxis(dx, 0, long), ...pecAxis(dy, 0, long));
    } else if (cmd.op === 'jump') stitches.push(...pecAxis(dx, 0x10, true), ...pecAxis(dy, 0x10, true));
    else if (cmd.op === 'trim') stitches.push(...pecAxis(0, 0x20, true), ...pecAxis(0, 0x20, true));
    else {
      stitches.push(0xfe, 0xb0, changes % 2 === 0 ? 2 : 1);
      changes += 1;
    }
  }
  stitches.push(0xff);

  const colours = overrides.headerColours ?? colourBlocks(design);
  const box = bounds(
    design.filter((c) => c.op === 'stitch'),
    false,
  );
  const pecHeader = [
    ...ascii(`LA:${'SQUARES'.padEnd(16, ' ')}\r`),
    ...Array<number>(12).fill(0x20),
    0xff,
    0x00,
    6, // icon byte stride (48 px)
    38, // icon height
    ...Array<number>(12).fill(0x20),
    colours - 1,
    ...Array.from({ length: colours }, (_, i) => (i * 7 + 1) % 64), // palette indices
    ...Array<number>(463 - colours).fill(0x20),
  ];
  if (pecHeader.length !== 0x200) throw new Error(`PEC header is ${pecHeader.length} bytes, not 512`);
  const blockHeader = [
    ...[0x00, 0x00],
    ...u24le(20 + stitches.length),
    ...[0x31, 0xff, 0xf0],
    ...u16le(box.maxX - box.minX),
    ...u16le(box.maxY - box.minY),
    ...u16le(0x1e0),
    ...u16le(0x1b0),
    ...[0x90 | ((-box.minX >> 8) & 0x0f), -box.minX & 0xff], // big-endian, as the PEC writers do
    ...[0x90 | ((-box.minY >> 8) & 0x0f), -box.minY & 0xff],
  ];
  const icons = Array<number>(228 * (colours + 1)).fill(0);
  const pesHeader = [
    ...ascii('#PES0001'),
    ...u32le(22),
    ...u16le(0),
    ...u16le(1),
    ...u16le(0),
    ...u16le(0),
    ...u16le(0),
  ];
  return Buffer.from([...pesHeader, ...pecHeader, ...blockHeader, ...stitches, ...icons]);
}

// ---------------------------------------------------------------- Melco EXP

const s8 = (n: number) => {
  if (n < -127 || n > 127) throw new RangeError(`an 8-bit record moves at most 127 units, not ${n}`);
  return n & 0xff;
};

/** An EXP file: 2-byte records (y up), 0x80-escaped commands, no header and no end code. */
export function encodeExp(design: Design): Buffer {
  const bytes: number[] = [];
  for (const { cmd, dx, dy } of deltas(design)) {
    if (cmd.op === 'stitch') bytes.push(s8(dx), s8(-dy));
    else if (cmd.op === 'jump') bytes.push(0x80, 0x04, s8(dx), s8(-dy));
    else if (cmd.op === 'trim') bytes.push(0x80, 0x80, 0x07, 0x00);
    else bytes.push(0x80, 0x01, 0x00, 0x00);
  }
  return Buffer.from(bytes);
}

// ---------------------------------------------------------------- Janome JEF

export interface JefOverrides {
  colours?: number;
  points?: number;
}

/** A JEF file laid out as JefWriter does: 116-byte header, palette, thread types, 2-byte records. */
export function encodeJef(design: Design, overrides: JefOverrides = {}): Buffer {
  const data: number[] = [];
  let commands = 0;
  for (const { cmd, dx, dy } of deltas(design)) {
    if (cmd.op === 'stitch') data.push(s8(dx), s8(-dy));
    else if (cmd.op === 'jump') data.push(0x80, 0x02, s8(dx), s8(-dy));
    else if (cmd.op === 'colorChange') data.push(0x80, 0x01, 0x00, 0x00);
    else data.push(...[0x80, 0x02, 0x00, 0x00, 0x80, 0x02, 0x00, 0x00, 0x80, 0x02, 0x00, 0x00]);
    commands += cmd.op === 'stitch' ? 0 : cmd.op === 'trim' ? 3 : 1;
  }
  data.push(0x80, 0x10);

  const colours = overrides.colours ?? colourBlocks(design);
  const box = bounds(design, false);
  const halfW = Math.round((box.maxX - box.minX) / 2);
  const halfH = Math.round((box.maxY - box.minY) / 2);
  const edge = (hoopHalfW: number, hoopHalfH: number) => {
    const [ex, ey] = [hoopHalfW - halfW, hoopHalfH - halfH];
    return Math.min(ex, ey) >= 0 ? [ex, ey, ex, ey] : [-1, -1, -1, -1];
  };
  const ints = [0x74 + 8 * colours, 0x14].flatMap(u32le);
  const header = [
    ...ints,
    ...ascii('20240115093000'),
    0,
    0,
    ...u32le(colours),
    ...u32le(overrides.points ?? stitchCount(design) + 2 * commands + 1),
    ...u32le(1), // hoop code: 50 × 50 mm
    ...[halfW, halfH, halfW, halfH].flatMap(u32le),
    ...[...edge(550, 550), ...edge(250, 250), ...edge(700, 1000), ...edge(700, 1000)].flatMap(u32le),
  ];
  if (header.length !== 0x74) throw new Error(`JEF header is ${header.length} bytes, not 116`);
  const palette = Array.from({ length: colours }, (_, i) => u32le(i + 2)).flat();
  const threadTypes = Array.from({ length: colours }, () => u32le(0x0d)).flat();
  return Buffer.from([...header, ...palette, ...threadTypes, ...data]);
}
