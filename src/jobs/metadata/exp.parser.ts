import type { EmbroideryMetadata } from './job-metadata.js';
import { asBuffer } from './metadata-values.js';
import { signed8, StitchTally, tallyFields } from './stitch-tally.js';

// Melco EXP has no header: the whole file is 2-byte records of signed 8-bit dx, dy (0.1 mm, y up).
// A first byte of 0x80 escapes a command whose code is the second byte, followed by 2 more bytes:
// 0x01 colour change (or stop) with a move, 0x04 or 0x02 jump, 0x80 trim (its 2 bytes are filler,
// "07 00"). There is no end code: the file ends the design. (Codes as in libembroidery's format-exp
// and Melco's own description, "80 NN: jump where NN is even"; pyembroidery reads 0x02 as a stitch,
// but Embroidermodder's Star.EXP writes its DST twin's jumps that way, and only read as jumps do
// its 2,550 stitches agree with the DST and PES.)

const ESCAPE = 0x80;
const COLOUR_CHANGE = 0x01;
const JUMPS = [0x02, 0x04];
const TRIM = 0x80;

const KNOWN_COMMANDS = new Set([COLOUR_CHANGE, ...JUMPS, TRIM]);

/** Whether every 0x80 escape names a command EXP has: EXP has no signature, this is what it has instead. */
export function decodesAsExp(bytes: Uint8Array): boolean {
  for (let at = 0; at + 2 <= bytes.length; at += 2) {
    if (bytes[at] !== ESCAPE) continue;
    if (!KNOWN_COMMANDS.has(bytes[at + 1])) return false;
    at += 2;
  }
  return true;
}

/** Parses a Melco EXP design. Any bytes decode as EXP, so warnings flag what looks wrong. */
export function parseExp(bytes: Uint8Array): EmbroideryMetadata {
  const buffer = asBuffer(bytes);
  const warnings: string[] = [];
  const tally = new StitchTally();
  let at = 0;
  for (; at + 2 <= buffer.length; at += 2) {
    if (buffer[at] !== ESCAPE) {
      tally.stitch(signed8(buffer[at]), -signed8(buffer[at + 1]));
      continue;
    }
    const code = buffer[at + 1];
    if (at + 4 > buffer.length) {
      warnings.push('the file ends inside a command');
      break;
    }
    const dx = signed8(buffer[at + 2]);
    const dy = -signed8(buffer[at + 3]);
    at += 2;
    if (code === COLOUR_CHANGE) tally.colorChange(dx, dy);
    else if (JUMPS.includes(code)) tally.jump(dx, dy);
    else if (code === TRIM) tally.trim();
    else {
      warnings.push(
        `unknown command 0x80 0x${code.toString(16).padStart(2, '0')} at byte ${at - 2}; the rest is not read`,
      );
      break;
    }
  }
  if (at === buffer.length - 1) warnings.push('the file ends with half a record');

  const result = tally.result();
  if (result.stitches === 0) warnings.push('no stitches in the design');
  return { format: 'exp', ...tallyFields(result), stops: null, warnings };
}
