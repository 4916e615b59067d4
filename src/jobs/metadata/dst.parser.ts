import type { EmbroideryMetadata } from './job-metadata.js';
import { asBuffer } from './metadata-values.js';
import { sizeAgrees, StitchTally, tallyFields, type TallyOptions } from './stitch-tally.js';

// Tajima DST: a 512-byte text header of "XX:value\r" fields (LA label, ST stitch count, CO colour
// changes, +X/-X/+Y/-Y extents from the origin in 0.1 mm, ...) ended by 0x1A and padded with spaces,
// then 3-byte records. Each axis moves by a balanced-ternary sum of ±1, ±3, ±9, ±27, ±81 (so ±121 at
// most per record), one bit per term, spread over the three bytes:
//   byte 0: y+1 y-1 y+9 y-9 x-9 x+9 x-1 x+1   (bit 7 … bit 0)
//   byte 1: y+3 y-3 y+27 y-27 x-27 x+27 x-3 x+3
//   byte 2: jump stop y+81 y-81 x-81 x+81 1 1
// Byte 2's high bits give the command: 0x03 stitch, 0x83 jump, 0xC3 colour change / stop, 0xF3 end,
// 0x43 sequin mode. (Layout as in pyembroidery's DstReader/DstWriter and libembroidery's format-dst.)

export const DST_HEADER_BYTES = 512;
const RECORD_BYTES = 3;

const bit = (byte: number, position: number) => (byte >> position) & 1;

/** [dx, dy] of one record; dy is positive upwards, as in the Tajima coordinate system. */
export function decodeDstRecord(b0: number, b1: number, b2: number): [number, number] {
  const dx =
    bit(b2, 2) * 81 -
    bit(b2, 3) * 81 +
    bit(b1, 2) * 27 -
    bit(b1, 3) * 27 +
    bit(b0, 2) * 9 -
    bit(b0, 3) * 9 +
    bit(b1, 0) * 3 -
    bit(b1, 1) * 3 +
    bit(b0, 0) -
    bit(b0, 1);
  const dy =
    bit(b2, 5) * 81 -
    bit(b2, 4) * 81 +
    bit(b1, 5) * 27 -
    bit(b1, 4) * 27 +
    bit(b0, 5) * 9 -
    bit(b0, 4) * 9 +
    bit(b1, 7) * 3 -
    bit(b1, 6) * 3 +
    bit(b0, 7) -
    bit(b0, 6);
  return [dx, dy];
}

/** The header's "XX:value" fields; values are trimmed, the field list stops at 0x1A. */
export function readDstHeader(header: Buffer): Map<string, string> {
  const fields = new Map<string, string>();
  const text = header.toString('latin1').split('\x1a')[0];
  for (const field of text.split('\r')) {
    const match = /^\s*([A-Z+-][A-Z])\s*:(.*)$/.exec(field);
    if (match && !fields.has(match[1])) fields.set(match[1], match[2].trim());
  }
  return fields;
}

const headerInt = (fields: Map<string, string>, key: string) => {
  const value = fields.get(key);
  return value !== undefined && /^[+-]?\s*\d+$/.test(value) ? Number(value.replace(/\s/g, '')) : null;
};

export interface DstOptions {
  /** Consecutive jumps read as one trim (see TallyOptions); 3 unless the machine is set otherwise. */
  jumpRunTrim?: number;
}

/** Parses a Tajima DST design: counts from the records, cross-checked against the header. */
export function parseDst(bytes: Uint8Array, options: DstOptions = {}): EmbroideryMetadata {
  const buffer = asBuffer(bytes);
  const warnings: string[] = [];
  if (buffer.length < DST_HEADER_BYTES) {
    warnings.push(`shorter than the ${DST_HEADER_BYTES}-byte DST header`);
  }
  const fields = readDstHeader(buffer.subarray(0, DST_HEADER_BYTES));
  if (!fields.has('LA')) warnings.push('the header has no "LA:" field: this may not be a Tajima DST file');

  const tallyOptions: TallyOptions = { jumpRunTrim: options.jumpRunTrim ?? 3 };
  const tally = new StitchTally(tallyOptions);
  let records = 0;
  let ended = false;
  let usedSequins = false;
  for (let at = DST_HEADER_BYTES; at + RECORD_BYTES <= buffer.length; at += RECORD_BYTES) {
    const [b0, b1, b2] = [buffer[at], buffer[at + 1], buffer[at + 2]];
    const [dx, dy] = decodeDstRecord(b0, b1, b2);
    records += 1;
    if ((b2 & 0xf3) === 0xf3) {
      ended = true;
      break;
    } else if ((b2 & 0xc3) === 0xc3) tally.colorChange(dx, dy);
    else if ((b2 & 0x43) === 0x43) {
      usedSequins = true;
      tally.travel(dx, dy);
    } else if ((b2 & 0x83) === 0x83) tally.jump(dx, dy);
    else tally.stitch(dx, dy);
  }
  if (!ended) warnings.push('no end record (0xF3): the file may be truncated');
  if (usedSequins) warnings.push('the design uses sequin mode: sequin drops are counted as jumps');

  const result = tally.result();
  if (result.stitches === 0) warnings.push('no stitches in the design');
  warnings.push(...crossCheckHeader(fields, result, records));
  return { format: 'dst', ...tallyFields(result), stops: null, warnings };
}

function crossCheckHeader(
  fields: Map<string, string>,
  result: ReturnType<StitchTally['result']>,
  records: number,
): string[] {
  const warnings: string[] = [];
  // Writers disagree on what ST counts: stitches only, stitches and jumps, or every record with or
  // without the end record. Any of them agrees; anything else suggests a damaged file.
  const st = headerInt(fields, 'ST');
  const commands = result.stitches + result.jumps;
  if (st !== null && ![result.stitches, commands, records, records - 1].includes(st)) {
    warnings.push(`the header says ST:${st} but the records hold ${result.stitches} stitches in ${records} records`);
  }
  const co = headerInt(fields, 'CO');
  if (co !== null && co !== result.colorChanges) {
    warnings.push(`the header says CO:${co} colour changes but the records hold ${result.colorChanges}`);
  }
  const extents = ['+X', '-X', '+Y', '-Y'].map((key) => headerInt(fields, key));
  if (extents.every((v): v is number => v !== null)) {
    const [px, nx, py, ny] = extents.map(Math.abs);
    // Some writers store half the size on each side (Madeira's +X:591 -X:591 for 1,184 units), so
    // the sum may be a unit off per side.
    if (!sizeAgrees(px + nx, py + ny, [result.travelBox, result.stitchBox], 2)) {
      warnings.push(`the header extents (${px + nx} × ${py + ny} units) differ from the records' bounding box`);
    }
  }
  return warnings;
}
