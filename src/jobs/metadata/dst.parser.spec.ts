import { describe, expect, it } from '@jest/globals';
import { decodeDstRecord, parseDst, readDstHeader } from './dst.parser.js';
import { dstRecord, encodeDst, twoColourSquares, type Design } from './testing/embroidery.fixtures.js';

describe('decodeDstRecord', () => {
  it('reads every delta from −121 to +121 on both axes as the balanced-ternary encoder wrote it', () => {
    for (let d = -121; d <= 121; d += 1) {
      expect(decodeDstRecord(...(dstRecord(d, 0, 'stitch') as [number, number, number]))).toEqual([d, 0]);
      expect(decodeDstRecord(...(dstRecord(0, d, 'stitch') as [number, number, number]))).toEqual([0, d]);
    }
  });

  it('reads the bit layout of the Tajima records: +1 x is bit 0 of byte 0, +81 y is bit 5 of byte 2', () => {
    expect(decodeDstRecord(0x01, 0x00, 0x03)).toEqual([1, 0]);
    expect(decodeDstRecord(0x00, 0x00, 0x23)).toEqual([0, 81]);
    expect(decodeDstRecord(0x00, 0x08, 0x03)).toEqual([-27, 0]);
    expect(decodeDstRecord(0x40, 0x40, 0x13)).toEqual([0, -85]);
  });
});

describe('readDstHeader', () => {
  it('reads the header fields up to the 0x1A terminator', () => {
    const fields = readDstHeader(encodeDst(twoColourSquares).subarray(0, 512));
    expect(Object.fromEntries(fields)).toMatchObject({ LA: 'SQUARES', ST: '18', CO: '1', '+X': '100', '-X': '0' });
  });
});

describe('parseDst', () => {
  it('counts a two-colour design with a jump and a trim from its records', () => {
    const file = encodeDst(twoColourSquares);
    expect(file.length).toBe(512 + 3 * 19);
    expect(parseDst(file)).toEqual({
      format: 'dst',
      stitches: 13,
      colorChanges: 1,
      colorBlocks: 2,
      jumps: 4,
      trims: 1,
      stops: null,
      widthMm: 10,
      heightMm: 10,
      warnings: [],
    });
  });

  it('reads three consecutive jumps as a trim but not a lone jump after a colour change', () => {
    const meta = parseDst(encodeDst(twoColourSquares));
    expect(meta.jumps).toBe(4);
    expect(meta.trims).toBe(1);
  });

  it('reads a long jump split over three records as a trim, as a machine set to trim after 3 jumps would', () => {
    const design: Design = [
      { op: 'stitch', x: 0, y: 0 },
      { op: 'stitch', x: 30, y: 0 },
      { op: 'jump', x: 330, y: 0 },
      { op: 'stitch', x: 330, y: 0 },
      { op: 'stitch', x: 360, y: 40 },
    ];
    const meta = parseDst(encodeDst(design));
    expect(meta).toMatchObject({ stitches: 4, jumps: 3, trims: 1, widthMm: 36, heightMm: 4, warnings: [] });
    expect(parseDst(encodeDst(design), { jumpRunTrim: 4 }).trims).toBe(0);
  });

  it('accepts an ST that counts only the stitches', () => {
    expect(parseDst(encodeDst(twoColourSquares, { st: 13 })).warnings).toEqual([]);
  });

  it('accepts extents written as rounded halves, a unit off on each side (Madeira: +X:591 -X:591 for 1,184 units)', () => {
    // twoColourSquares spans 0..100 on both axes.
    expect(parseDst(encodeDst(twoColourSquares, { extents: [49, 49, 49, 49] })).warnings).toEqual([]);
    expect(parseDst(encodeDst(twoColourSquares, { extents: [48, 49, 49, 49] })).warnings).toEqual([
      "the header extents (97 × 98 units) differ from the records' bounding box",
    ]);
  });

  it('warns when the header disagrees with the records, and keeps the counts from the records', () => {
    const meta = parseDst(encodeDst(twoColourSquares, { st: 999, co: 4, extents: [500, 500, 500, 500] }));
    expect(meta.stitches).toBe(13);
    expect(meta.colorChanges).toBe(1);
    expect(meta.warnings).toEqual([
      'the header says ST:999 but the records hold 13 stitches in 19 records',
      'the header says CO:4 colour changes but the records hold 1',
      "the header extents (1000 × 1000 units) differ from the records' bounding box",
    ]);
  });

  it('reads a file cut short and says so', () => {
    const file = encodeDst(twoColourSquares, { omitEnd: true });
    const meta = parseDst(file.subarray(0, file.length - 7));
    expect(meta.stitches).toBe(13);
    expect(meta.warnings).toContain('no end record (0xF3): the file may be truncated');
  });

  it('flags a file whose header is not a DST header', () => {
    const meta = parseDst(Buffer.from('just some text'));
    expect(meta.stitches).toBe(0);
    expect(meta.widthMm).toBeNull();
    expect(meta.warnings).toEqual([
      'shorter than the 512-byte DST header',
      'the header has no "LA:" field: this may not be a Tajima DST file',
      'no end record (0xF3): the file may be truncated',
      'no stitches in the design',
    ]);
  });
});
