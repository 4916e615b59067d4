import { describe, expect, it } from '@jest/globals';
import { parseExp } from './exp.parser.js';
import { encodeExp, twoColourSquares } from './testing/embroidery.fixtures.js';

describe('parseExp', () => {
  it('counts a two-colour design with a jump and a trim from its 2-byte records', () => {
    const file = encodeExp(twoColourSquares);
    expect(file.length).toBe(13 * 2 + 3 * 4);
    expect(parseExp(file)).toEqual({
      format: 'exp',
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

  it('reads 0x80 0x02 as a jump, as Melco describes it and Embroidermodder writes it', () => {
    const meta = parseExp(Buffer.from([0x0a, 0x00, 0x80, 0x02, 0x0a, 0xf6, 0x0a, 0x00]));
    expect(meta).toMatchObject({ stitches: 2, jumps: 1, widthMm: 2, heightMm: 1, warnings: [] });
  });

  it('stops at an unknown command and says where', () => {
    const meta = parseExp(Buffer.from([0x0a, 0x00, 0x80, 0x33, 0x00, 0x00, 0x0a, 0x00]));
    expect(meta.stitches).toBe(1);
    expect(meta.warnings).toEqual(['unknown command 0x80 0x33 at byte 2; the rest is not read']);
  });

  it('says when the file ends inside a command or with half a record', () => {
    expect(parseExp(Buffer.from([0x0a, 0x00, 0x80, 0x04, 0x01])).warnings).toEqual(['the file ends inside a command']);
    expect(parseExp(Buffer.from([0x0a, 0x00, 0x05])).warnings).toEqual(['the file ends with half a record']);
  });

  it('finds no stitches in an empty file', () => {
    expect(parseExp(Buffer.alloc(0))).toMatchObject({
      stitches: 0,
      widthMm: null,
      warnings: ['no stitches in the design'],
    });
  });
});
