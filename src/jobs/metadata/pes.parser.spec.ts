import { describe, expect, it } from '@jest/globals';
import { parsePes } from './pes.parser.js';
import { encodePes, twoColourSquares, wideFrame } from './testing/embroidery.fixtures.js';

describe('parsePes', () => {
  it('builds a file with the PES header, the PEC header at its offset and the stitch block at 0x200', () => {
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
      jumps: 3,
      trims: 1,
      stops: null,
      widthMm: 10,
      heightMm: 10,
      warnings: [],
    });
  });

  it('reads the first record at 0x210, the jump from the hoop centre to the design, as Brother counts it', () => {
    const file = encodePes(wideFrame);
    // The origin words: long-form jumps by 750 and 400 units (0x9000 | 750, 0x9000 | 400, big-endian).
    expect([...file.subarray(22 + 0x210, 22 + 0x214)]).toEqual([0x92, 0xee, 0x91, 0x90]);
    file[22 + 0x210] = 0xb2; // flagged as a trim as well: it cuts no thread, none has been sewn yet
    expect(parsePes(file)).toMatchObject({ stitches: 6, jumps: 2, trims: 0, warnings: [] });
  });

  it("reads a design saved without a PEC section (PE-Design's empty design) as no stitches", () => {
    const file = encodePes(twoColourSquares);
    file.writeUInt32LE(12, 8); // where the PES editor's own, empty object list sits
    file.fill(0, 12, 22 + 0x220);
    expect(parsePes(file)).toEqual({
      format: 'pes',
      stitches: 0,
      colorChanges: 0,
      colorBlocks: 0,
      jumps: 0,
      trims: 0,
      stops: null,
      widthMm: null,
      heightMm: null,
      warnings: ['no PEC section where the header points (byte 12): the design has no stitches to sew'],
    });
  });

  it('reads 12-bit long-form deltas, negative ones included', () => {
    expect(parsePes(encodePes(wideFrame))).toEqual({
      format: 'pes',
      stitches: 6,
      colorChanges: 0,
      colorBlocks: 1,
      jumps: 2,
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
