import type { EmbroideryMetadata } from './job-metadata.js';
import { asBuffer, emptyEmbroideryMetadata } from './metadata-values.js';
import { signed8, sizeAgrees, StitchTally, tallyFields } from './stitch-tally.js';

// Janome JEF, little-endian (layout as in pyembroidery's JefReader/JefWriter and libembroidery):
//   0   u32 offset of the stitch data (0x74 + 8 × colours)
//   4   u32 flags, 8: 14-character date "YYYYMMDDhhmmss", 2 bytes
//   24  u32 colour count
//   28  u32 point count (stitches plus two per command, plus the end, in JefWriter's reckoning)
//   32  u32 hoop code (0: 110×110, 1: 50×50, 2: 140×200, 3: 126×110, 4: 200×200 mm)
//   36  i32 left, top, right, bottom: the design's extents from the hoop centre, 0.1 mm
//   52  four more extent blocks (distances to the edges of the standard hoops)
//   116 u32 palette index per colour, then u32 thread type per colour
// Stitch data: 2-byte signed dx, dy (y up); 0x80 escapes a command followed by dx, dy: 0x01 colour
// change, 0x02 jump (a zero-length jump is how JEF marks a trim; writers repeat it), 0x10 end.

const HEADER_BYTES = 0x74;
const ESCAPE = 0x80;
const COLOUR_CHANGE = 0x01;
const JUMP = 0x02;
const END = 0x10;

/** Parses a Janome JEF design: counts from the stitch data, cross-checked against the header. */
export function parseJef(bytes: Uint8Array): EmbroideryMetadata {
  const buffer = asBuffer(bytes);
  if (buffer.length < HEADER_BYTES) return emptyEmbroideryMetadata('jef', ['shorter than the 116-byte JEF header']);
  const stitchOffset = buffer.readUInt32LE(0);
  const colours = buffer.readUInt32LE(24);
  if (stitchOffset < HEADER_BYTES || stitchOffset > buffer.length) {
    return emptyEmbroideryMetadata('jef', [
      `the stitch data offset ${stitchOffset} lies outside the file: not a JEF file?`,
    ]);
  }
  const warnings: string[] = [];
  if (stitchOffset !== HEADER_BYTES + 8 * colours) {
    warnings.push(`the header lists ${colours} colours, which does not fit its stitch data offset ${stitchOffset}`);
  }

  // Machines read a run of jumps as a trim too (JefWriter writes a trim as 3 zero jumps).
  const tally = new StitchTally({ jumpRunTrim: 3 });
  let ended = false;
  let commands = 0;
  let at = stitchOffset;
  for (; at + 2 <= buffer.length; at += 2) {
    if (buffer[at] !== ESCAPE) {
      tally.stitch(signed8(buffer[at]), -signed8(buffer[at + 1]));
      continue;
    }
    const code = buffer[at + 1];
    if (code === END) {
      ended = true;
      break;
    }
    if (at + 4 > buffer.length) break;
    const dx = signed8(buffer[at + 2]);
    const dy = -signed8(buffer[at + 3]);
    at += 2;
    commands += 1;
    if (code === COLOUR_CHANGE) tally.colorChange(dx, dy);
    else if (code === JUMP && dx === 0 && dy === 0) tally.trim();
    else if (code === JUMP) tally.jump(dx, dy);
    else {
      warnings.push(
        `unknown command 0x80 0x${code.toString(16).padStart(2, '0')} at byte ${at - 2}; the rest is not read`,
      );
      ended = true;
      break;
    }
  }
  if (!ended) warnings.push('no end command (0x80 0x10): the file may be truncated');

  const result = tally.result();
  if (result.stitches === 0) warnings.push('no stitches in the design');
  // The point count is the writer's own reckoning: stitches, or stitches plus two per command and one
  // for the end (JefWriter). Either agrees; anything else suggests a damaged file.
  const points = buffer.readUInt32LE(28);
  const reckonings = [result.stitches, result.stitches + commands, result.stitches + 2 * commands + 1];
  if (!reckonings.includes(points)) {
    warnings.push(`the header counts ${points} points but the stitch data holds ${result.stitches} stitches`);
  }
  if (colours !== result.colorBlocks) {
    warnings.push(`the header lists ${colours} colours but the stitch data sews ${result.colorBlocks}`);
  }
  const [left, top, right, bottom] = [36, 40, 44, 48].map((offset) => buffer.readInt32LE(offset));
  // The writer halves and rounds each extent, so the stated size may be off by a unit or two.
  if (result.stitches > 0 && !sizeAgrees(left + right, top + bottom, [result.stitchBox, result.travelBox], 2)) {
    warnings.push(
      `the header extents (${left + right} × ${top + bottom} units) differ from the stitches' bounding box`,
    );
  }
  return { format: 'jef', ...tallyFields(result), stops: null, warnings };
}
