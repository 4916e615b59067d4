import { describe, expect, it } from '@jest/globals';
import { parsePes } from './pes.parser.js';
import { encodePes, twoColourSquares, wideFrame } from './testing/embroidery.fixtures.js';

describe('parsePes', () => {
  it('builds a file with the PES header, the PEC header at its offset and the stitch block at 0x214', () => {
    const file = encodePes(twoColourSquares);
    expect(file.toString('latin1', 0, 8)).toBe('#PES0001');
    expect(file.readUInt32LE(8)).toBe(22);
    expect(file.toString('latin1', 22, 25)).toBe('LA:');
    expect(file[22 + 0x30]).toBe(1);
    expect([...file.subarray(22 + 0x205, 22 + 0x208)]).toEqual([0x31, 0xff, 0xf0]);
  });

  it('counts a two-colour design with a jump and a trim from its PEC stitch data', () => {
    expect(parsePes(encodePes(twoColourSquares))).toEqual({
      format: 'pes',
      stitches: 13,
      colorChanges: 1,
      colorBlocks: 2,
      jumps: 2,
      trims: 1,
      stops: null,
      widthMm: 10,
      heightMm: 10,
      warnings: [],
    });
  });

  it('reads 12-bit long-form deltas, negative ones included', () => {
    expect(parsePes(encodePes(wideFrame))).toEqual({
      format: 'pes',
      stitches: 6,
      colorChanges: 0,
      colorBlocks: 1,
      jumps: 1,
      trims: 0,
      stops: null,
      widthMm: 150,
      heightMm: 80,
      warnings: [],
    });
  });

  it('warns when the PEC colour list disagrees with the colour blocks sewn', () => {
    expect(parsePes(encodePes(twoColourSquares, { headerColours: 5 })).warnings).toEqual([
      'the PEC header lists 5 colours but the stitch data sews 2',
    ]);
  });

  it('reads a file cut inside the stitch data and says so', () => {
    const file = encodePes(twoColourSquares);
    const meta = parsePes(file.subarray(0, 22 + 0x214 + 10));
    expect(meta.stitches).toBe(5);
    expect(meta.warnings).toContain('no end marker (0xFF) in the PEC stitch data: the file may be truncated');
  });

  it('gives unknown counts for a file that is not PES, or whose PEC offset points nowhere', () => {
    expect(parsePes(Buffer.from('#PEX0001garbage')).warnings).toEqual([
      'not a PES file: the "#PES" signature is missing',
    ]);
    const badOffset = encodePes(twoColourSquares);
    badOffset.writeUInt32LE(0x7fffffff, 8);
    expect(parsePes(badOffset)).toMatchObject({
      stitches: null,
      warnings: ['the PEC section offset 2147483647 lies outside the file'],
    });
  });
});
