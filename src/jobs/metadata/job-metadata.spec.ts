import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  EMBROIDERY_FORMATS,
  fileExtension,
  parseJobFile,
  PRINT_FORMATS,
  type EmbroideryMetadata,
  type PrintMetadata,
} from './job-metadata.js';
import { encodeDst, encodeExp, encodeJef, encodePes, twoColourSquares } from './testing/embroidery.fixtures.js';
import { buildBgcode, PRUSA_BGCODE_BLOCKS } from './testing/bgcode.fixtures.js';
import { bambuStudioGcode, prusaSlicerGcode } from './testing/gcode.fixtures.js';
import { buildZip, sliceInfoConfig } from './testing/zip.fixtures.js';

const ALL_FORMATS = [...PRINT_FORMATS, ...EMBROIDERY_FORMATS];

/** One valid sample per format, for the dispatch and mutation tests. */
const SAMPLES: Record<(typeof ALL_FORMATS)[number], Buffer> = {
  gcode: Buffer.from(prusaSlicerGcode()),
  bgcode: buildBgcode(PRUSA_BGCODE_BLOCKS),
  '3mf': buildZip([
    {
      name: 'Metadata/slice_info.config',
      data: sliceInfoConfig([{ index: 1, prediction: 4205, weight: 12.34, printerModelId: 'N2S', filaments: [] }]),
    },
    { name: 'Metadata/plate_1.gcode', data: bambuStudioGcode() },
  ]),
  dst: encodeDst(twoColourSquares),
  pes: encodePes(twoColourSquares),
  exp: encodeExp(twoColourSquares),
  jef: encodeJef(twoColourSquares),
};

/** Every number a parser reports is null or a finite, non-negative value: never NaN, never negative. */
function expectSaneNumbers(meta: PrintMetadata | EmbroideryMetadata): void {
  for (const [key, value] of Object.entries(meta)) {
    if (typeof value === 'number')
      expect({ key, sane: Number.isFinite(value) && value >= 0 }).toEqual({ key, sane: true });
  }
}

describe('fileExtension', () => {
  it.each([
    ['benchy.gcode', 'gcode'],
    ['Benchy.GCODE', 'gcode'],
    ['plate.gcode.3mf', '3mf'],
    ['C:\\Users\\maker\\rose.PES', 'pes'],
    ['/tmp/uploads/x.dst', 'dst'],
    ['README', null],
    ['.gcode', null],
    ['trailing.', null],
  ])('reads %s as %s', (name, ext) => {
    expect(fileExtension(name)).toBe(ext);
  });
});

describe('parseJobFile', () => {
  it.each(PRINT_FORMATS.map((f) => [f]))('dispatches .%s to its print parser', (format) => {
    const result = parseJobFile(`job.${format.toUpperCase()}`, SAMPLES[format]);
    expect(result.kind).toBe('print');
    if (result.kind !== 'print') return;
    expect(result.meta.format).toBe(format);
    expect(result.meta.estimatedSeconds).not.toBeNull();
  });

  it.each(EMBROIDERY_FORMATS.map((f) => [f]))('dispatches .%s to its embroidery parser', (format) => {
    expect(parseJobFile(`design.${format}`, SAMPLES[format])).toMatchObject({
      kind: 'embroidery',
      meta: { format, stitches: 13, colorBlocks: 2, widthMm: 10, heightMm: 10, warnings: [] },
    });
  });

  it('refuses other extensions and names the accepted ones', () => {
    expect(parseJobFile('model.stl', Buffer.from('solid'))).toEqual({
      kind: 'unsupported',
      reason: '.stl files are not accepted; accepted: .gcode, .bgcode, .3mf, .dst, .pes, .exp, .jef',
    });
    expect(parseJobFile('Makefile', Buffer.alloc(0))).toMatchObject({ kind: 'unsupported' });
  });

  it('accepts an empty file of every format with unknown values', () => {
    for (const format of ALL_FORMATS) {
      const result = parseJobFile(`empty.${format}`, new Uint8Array(0));
      expect(result.kind).not.toBe('unsupported');
      if (result.kind === 'unsupported') continue;
      expect(result.meta.warnings.length).toBeGreaterThan(0);
    }
  });

  it('reads a Uint8Array that is a window into a larger buffer', () => {
    const backing = new Uint8Array(SAMPLES.dst.length + 20);
    backing.set(SAMPLES.dst, 10);
    const view = backing.subarray(10, 10 + SAMPLES.dst.length);
    expect(parseJobFile('x.dst', view)).toMatchObject({ kind: 'embroidery', meta: { stitches: 13, warnings: [] } });
  });

  it('never throws on arbitrary bytes, for every extension', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_FORMATS), fc.uint8Array({ maxLength: 2048 }), (format, bytes) => {
        const result = parseJobFile(`fuzz.${format}`, bytes);
        expect(result.kind).toBe((PRINT_FORMATS as readonly string[]).includes(format) ? 'print' : 'embroidery');
        if (result.kind !== 'unsupported') expectSaneNumbers(result.meta);
      }),
      { numRuns: 700 },
    );
  });

  it('never throws on arbitrary bytes behind a valid signature', () => {
    const prefixes: Array<[string, Buffer]> = [
      ['bgcode', SAMPLES.bgcode.subarray(0, 10)],
      ['pes', SAMPLES.pes.subarray(0, 12)],
      ['dst', SAMPLES.dst.subarray(0, 512)],
      ['jef', SAMPLES.jef.subarray(0, 0x74)],
      ['3mf', Buffer.from('PK\x03\x04', 'latin1')],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 1024 }), ([format, prefix], tail) => {
        const result = parseJobFile(`fuzz.${format}`, Buffer.concat([prefix, tail]));
        expect(result.kind).not.toBe('unsupported');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on valid files with bytes overwritten or cut short', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL_FORMATS),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat()),
        (format, edits, cut) => {
          const file = Buffer.from(SAMPLES[format]);
          for (const [position, value] of edits) file[position % file.length] = value;
          const bytes = cut === null ? file : file.subarray(0, cut % (file.length + 1));
          const result = parseJobFile(`mutant.${format}`, bytes);
          expect(result.kind).not.toBe('unsupported');
          if (result.kind !== 'unsupported') expectSaneNumbers(result.meta);
        },
      ),
      { numRuns: 700 },
    );
  });
});
