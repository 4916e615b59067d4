import type { EmbroideryMetadata } from './job-metadata.js';
import { asBuffer, emptyEmbroideryMetadata } from './metadata-values.js';
import { StitchTally, tallyFields } from './stitch-tally.js';

// Brother PES: "#PES" + a 4-digit version ("0001", "0060", …), then a u32 LE offset of the PEC
// section, which is what the machines sew from (the PES part before it is the editor's object model).
// PEC section, offsets from its start (as read by pyembroidery's PecReader and libembroidery):
//   0x000  "LA:" + 16-character label + "\r", spaces, 0xFF 0x00, icon stride and height
//   0x030  number of colours − 1 (0xFF: none), then one palette index per colour block
//   0x200  2 bytes, u24 LE stitch-block length counted from 0x200, 0x31 0xFF 0xF0,
//   0x208  u16 LE width, u16 LE height (0.1 mm): the stitches' extents, or (Brother's own editor)
//          the design page they sit on, then two u16 constants (0x1E0, 0x1B0)
//   0x210  the first stitch record: the long-form jump from the hoop centre to where the design
//          starts. pyembroidery and libembroidery skip it as two header words and start at 0x214;
//          Brother's software counts it as the design's first jump stitch (libpes' PES 6 samples:
//          minimalV6 is "Stitches: 6, Jump Stitches: 1", five needle penetrations and this jump).
// Stitch data, per axis (x then y): one byte 0bbbbbbb is a 7-bit signed delta; a byte with bit 7 set
// starts a 12-bit signed delta over two bytes (1 f f f hhhh llllllll), whose flags 0x20 (trim) and
// 0x10 (jump) make the record a move with the needle up. 0xFE 0xB0 xx is a colour change; 0xFF ends.
// PE-Design saves a design without stitches with no PEC section at all: its offset then points at
// zeros (libpes' nothingV6), which the machine cannot sew from either.

const PEC_LABEL = 'LA:';
const PEC_COLOUR_COUNT = 0x30;
const PEC_STITCH_BLOCK = 0x200;
const PEC_BLOCK_MARKER = 0x205;
const PEC_WIDTH = 0x208;
const PEC_FIRST_RECORD = 0x210;
const FLAG_LONG = 0x80;
const FLAG_TRIM = 0x20;
const FLAG_JUMP = 0x10;

const signed7 = (byte: number) => (byte > 0x3f ? byte - 0x80 : byte);
const signed12 = (value: number) => {
  const v = value & 0xfff;
  return v > 0x7ff ? v - 0x1000 : v;
};

/** Locates the PEC section: after a "#PES" header, or at byte 8 of a bare "#PEC0001" file. */
function pecStart(buffer: Buffer): number | string {
  const magic = buffer.toString('latin1', 0, 4);
  if (magic === '#PEC') return 8;
  if (magic !== '#PES') return 'not a PES file: the "#PES" signature is missing';
  if (buffer.length < 12) return 'the PES header is truncated';
  const offset = buffer.readUInt32LE(8);
  if (offset < 12 || offset + PEC_FIRST_RECORD > buffer.length)
    return `the PEC section offset ${offset} lies outside the file`;
  return offset;
}

/** Every PEC writer puts its label and the stitch-block marker there; a PEC section has at least one. */
function hasPecSection(buffer: Buffer, start: number): boolean {
  const marker = start + PEC_BLOCK_MARKER;
  return (
    buffer.toString('latin1', start, start + PEC_LABEL.length) === PEC_LABEL ||
    (buffer[marker] === 0x31 && buffer[marker + 1] === 0xff && buffer[marker + 2] === 0xf0)
  );
}

/** Parses a Brother PES design from its PEC section. */
export function parsePes(bytes: Uint8Array): EmbroideryMetadata {
  const buffer = asBuffer(bytes);
  const start = pecStart(buffer);
  if (typeof start === 'string') return emptyEmbroideryMetadata('pes', [start]);
  if (!hasPecSection(buffer, start)) {
    const warning = `no PEC section where the header points (byte ${start}): the design has no stitches to sew`;
    return {
      ...emptyEmbroideryMetadata('pes', [warning]),
      stitches: 0,
      colorChanges: 0,
      colorBlocks: 0,
      trims: 0,
      jumps: 0,
    };
  }
  const warnings: string[] = [];
  if (buffer.toString('latin1', start, start + PEC_LABEL.length) !== PEC_LABEL)
    warnings.push('the PEC section has no "LA:" label');

  const colourByte = buffer[start + PEC_COLOUR_COUNT];
  const headerColours = colourByte === 0xff ? null : colourByte + 1;
  const blockLength = buffer.readUIntLE(start + PEC_STITCH_BLOCK + 2, 3);
  const blockEnd = start + PEC_STITCH_BLOCK + blockLength;
  const end = blockLength > PEC_FIRST_RECORD - PEC_STITCH_BLOCK && blockEnd <= buffer.length ? blockEnd : buffer.length;

  const tally = new StitchTally();
  let at = start + PEC_FIRST_RECORD;
  let ended = false;
  // Reads one axis; returns null when the data runs out mid-record.
  const axis = (): { delta: number; flags: number } | null => {
    if (at >= end) return null;
    const first = buffer[at];
    if ((first & FLAG_LONG) === 0) {
      at += 1;
      return { delta: signed7(first), flags: 0 };
    }
    if (at + 1 >= end) return null;
    const delta = signed12((first << 8) | buffer[at + 1]);
    at += 2;
    return { delta, flags: first & (FLAG_TRIM | FLAG_JUMP) };
  };
  while (at < end) {
    if (buffer[at] === 0xff) {
      ended = true;
      break;
    }
    if (buffer[at] === 0xfe && buffer[at + 1] === 0xb0) {
      tally.colorChange();
      at += 3;
      continue;
    }
    const x = axis();
    const y = x === null ? null : axis();
    if (x === null || y === null) break;
    const flags = x.flags | y.flags;
    if ((flags & FLAG_TRIM) !== 0) tally.trim();
    if (flags !== 0) tally.jump(x.delta, y.delta);
    else tally.stitch(x.delta, y.delta);
  }
  if (!ended) warnings.push('no end marker (0xFF) in the PEC stitch data: the file may be truncated');

  const result = tally.result();
  if (result.stitches === 0) warnings.push('no stitches in the design');
  if (headerColours !== null && headerColours !== result.colorBlocks) {
    warnings.push(`the PEC header lists ${headerColours} colours but the stitch data sews ${result.colorBlocks}`);
  }
  // Brother's editor writes the design page there, other writers the extents: either holds the stitches.
  const width = buffer.readUInt16LE(start + PEC_WIDTH);
  const height = buffer.readUInt16LE(start + PEC_WIDTH + 2);
  const box = result.stitchBox;
  if (box !== null && (box.maxX - box.minX > width + 1 || box.maxY - box.minY > height + 1)) {
    warnings.push(`the stitches reach beyond the PEC header size (${width} × ${height} units)`);
  }
  return { format: 'pes', ...tallyFields(result), stops: null, warnings };
}
