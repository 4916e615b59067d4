import { describe, expect, it } from '@jest/globals';
import { parseJef } from './jef.parser.js';
import { encodeJef, twoColourSquares, type Design } from './testing/embroidery.fixtures.js';

describe('parseJef', () => {
  it('lays the header out as JefWriter does: stitch offset 0x74 + 8 per colour, colour count at 24', () => {
    const file = encodeJef(twoColourSquares);
    expect(file.readUInt32LE(0)).toBe(0x74 + 16);
    expect(file.readUInt32LE(24)).toBe(2);
    expect(file.readUInt32LE(28)).toBe(13 + 2 * 5 + 1);
    expect(file.toString('latin1', 8, 22)).toBe('20240115093000');
  });

  it('counts a two-colour design with a jump and a trim from its stitch data', () => {
    expect(parseJef(encodeJef(twoColourSquares))).toEqual({
      format: 'jef',
      stitches: 13,
      colorChanges: 1,
      colorBlocks: 2,
      jumps: 1,
      trims: 1,
      stops: null,
      widthMm: 10,
      heightMm: 10,
      warnings: [],
    });
  });

  it('reads three consecutive real jumps as a trim too', () => {
    const design: Design = [
      { op: 'stitch', x: 0, y: 0 },
      { op: 'stitch', x: 20, y: 0 },
      { op: 'jump', x: 120, y: 0 },
      { op: 'jump', x: 220, y: 0 },
      { op: 'jump', x: 320, y: 0 },
      { op: 'stitch', x: 320, y: 0 },
    ];
    expect(parseJef(encodeJef(design))).toMatchObject({ stitches: 3, jumps: 3, trims: 1, widthMm: 32, warnings: [] });
  });

  it('warns when the header counts disagree with the stitch data', () => {
    const meta = parseJef(encodeJef(twoColourSquares, { colours: 3, points: 7 }));
    expect(meta.stitches).toBe(13);
    expect(meta.warnings).toEqual([
      'the header counts 7 points but the stitch data holds 13 stitches',
      'the header lists 3 colours but the stitch data sews 2',
    ]);
  });

  it('gives unknown counts for a file too short or with an impossible stitch offset', () => {
    expect(parseJef(Buffer.alloc(50)).warnings).toEqual(['shorter than the 116-byte JEF header']);
    const file = encodeJef(twoColourSquares);
    file.writeUInt32LE(1_000_000, 0);
    expect(parseJef(file)).toMatchObject({
      stitches: null,
      warnings: ['the stitch data offset 1000000 lies outside the file: not a JEF file?'],
    });
  });

  it('reads a file cut before its end command and says so', () => {
    const file = encodeJef(twoColourSquares);
    const meta = parseJef(file.subarray(0, 0x74 + 16 + 2 * 9));
    expect(meta).toMatchObject({ stitches: 9, colorBlocks: 1 });
    expect(meta.warnings).toContain('no end command (0x80 0x10): the file may be truncated');
  });
});
