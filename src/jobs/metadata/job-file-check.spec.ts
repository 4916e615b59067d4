import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { identifyContent } from './file-content.js';
import { readJobFile } from './job-file-check.js';
import { EMBROIDERY_FORMATS, PRINT_FORMATS } from './job-metadata.js';
import { encodeDst, encodeExp, encodeJef, encodePes, twoColourSquares } from './testing/embroidery.fixtures.js';
import { buildBgcode, PRUSA_BGCODE_BLOCKS } from './testing/bgcode.fixtures.js';
import { bambuStudioGcode, prusaSlicerGcode } from './testing/gcode.fixtures.js';
import { buildZip, CONTENT_TYPES, modelXml, sliceInfoConfig } from './testing/zip.fixtures.js';

const ALL_FORMATS = [...PRINT_FORMATS, ...EMBROIDERY_FORMATS];

/** A binary STL as CAD programs export it: 80-byte header, triangle count, 50 bytes per triangle. */
function binaryStl(triangles: number): Buffer {
  const file = Buffer.alloc(84 + 50 * triangles);
  file.write('solid exported by a CAD program', 0, 'latin1'); // some exporters start the binary header with "solid"
  file.writeUInt32LE(triangles, 80);
  for (let i = 0; i < triangles; i += 1) file.writeFloatLE(i * 0.5, 84 + 50 * i + 12);
  return file;
}

const asciiStl = [
  'solid cube',
  '  facet normal 0 0 -1',
  '    outer loop',
  '      vertex 0 0 0',
  '      vertex 10 0 0',
  '      vertex 0 10 0',
  '    endloop',
  '  endfacet',
  'endsolid cube',
  '',
].join('\n');
const obj = ['# Blender 4.1', 'o Cube', 'v 1.0 1.0 -1.0', 'v 1.0 -1.0 -1.0', 'v -1.0 1.0 -1.0', 'f 1 2 3', ''].join(
  '\n',
);
const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64, 7)]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 3)]);
const svg =
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path d="M0 0L10 10"/></svg>\n';
const unslicedProject = buildZip([
  { name: '[Content_Types].xml', data: CONTENT_TYPES },
  { name: '3D/3dmodel.model', data: modelXml('BambuStudio-01.09.05.51') },
]);
const slicedProject = buildZip([
  { name: '[Content_Types].xml', data: CONTENT_TYPES },
  { name: '3D/3dmodel.model', data: modelXml('BambuStudio-01.09.05.51') },
  {
    name: 'Metadata/slice_info.config',
    data: sliceInfoConfig([{ index: 1, prediction: 4205, weight: 12.34, printerModelId: 'N2S', filaments: [] }]),
  },
  { name: 'Metadata/plate_1.gcode', data: bambuStudioGcode() },
]);

const refusal = (name: string, bytes: Uint8Array | string) => {
  const result = readJobFile(name, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  return result.kind === 'not_a_job_file' ? result : null;
};

describe('readJobFile refuses what is not a job for its extension, and says what to do', () => {
  it('refuses a binary STL named .gcode: a 3D model, to slice first', () => {
    expect(refusal('benchy.gcode', binaryStl(12))).toEqual({
      kind: 'not_a_job_file',
      detected: 'model',
      reason:
        'This file is not G-code: it looks like a 3D model (binary STL). Slice it first: open it in a slicer ' +
        '(PrusaSlicer, OrcaSlicer, Bambu Studio, Cura) and upload the G-code it exports, or the sliced .gcode.3mf ' +
        'for a Bambu printer.',
    });
  });

  it.each([
    ['an ASCII STL', asciiStl, 'a 3D model (ASCII STL)'],
    ['an OBJ mesh', obj, 'a 3D model (OBJ)'],
    ['a STEP model', 'ISO-10303-21;\nHEADER;\nENDSEC;\n', 'a CAD model (STEP)'],
  ])('refuses %s named .gcode as a model to slice', (_what, content, label) => {
    const result = refusal('part.gcode', content);
    expect(result?.reason).toContain(`it looks like ${label}. Slice it first`);
  });

  it('refuses a 3MF project nobody sliced, and takes the sliced one', () => {
    expect(refusal('plate.3mf', unslicedProject)?.reason).toMatch(
      /^This file is not a sliced 3MF project: it looks like a 3D model project \(3MF\) with no sliced plate\. Slice it first/,
    );
    expect(readJobFile('plate.3mf', slicedProject)).toMatchObject({ kind: 'print', meta: { estimatedSeconds: 4205 } });
  });

  it('refuses a picture for an embroidery machine: it has to be digitized', () => {
    expect(refusal('logo.pes', png)).toEqual({
      kind: 'not_a_job_file',
      detected: 'image',
      reason:
        'This file is not a Brother PES design: it looks like an image (PNG). Digitize it first (for example ' +
        'with Ink/Stitch or your embroidery software) and upload the design it exports: .dst, .pes, .exp or .jef.',
    });
    expect(refusal('logo.dst', svg)?.reason).toContain('it looks like a vector drawing (SVG). Digitize it first');
    expect(refusal('logo.gcode', jpeg)?.reason).toContain('it looks like an image (JPEG). A printer needs G-code');
  });

  it('names the right extension for a job file under the wrong one', () => {
    expect(refusal('badge.gcode', encodePes(twoColourSquares))?.reason).toBe(
      'This file is not G-code: it looks like an embroidery design (Brother PES). It is a file for an embroidery ' +
        'machine: upload it with its own extension, .pes.',
    );
    expect(refusal('bracket.dst', prusaSlicerGcode())?.reason).toContain(
      'It is a file for a 3D printer: upload it with its own extension, .gcode.',
    );
    expect(refusal('plate.gcode', slicedProject)?.detected).toBe('sliced-3mf');
    expect(refusal('cube.gcode', buildBgcode(PRUSA_BGCODE_BLOCKS))?.detected).toBe('bgcode');
    expect(refusal('star.exp', encodeJef(twoColourSquares))?.detected).toBe('jef');
  });

  it('refuses text and archives with their own advice', () => {
    expect(refusal('notes.gcode', 'Print this at 0.2 mm with PLA, thanks!\n')?.reason).toBe(
      'This file is not G-code: it looks like text with no G-code commands in it. Upload the file your slicer ' +
        'exports (it saves G-code as .gcode, .bgcode or a sliced .3mf).',
    );
    expect(refusal('designs.exp', 'a list of designs\n')?.detected).toBe('text');
    const archive = buildZip([{ name: 'badge.dst', data: encodeDst(twoColourSquares) }]);
    expect(refusal('badge.dst', archive)?.reason).toContain(
      'it looks like a ZIP archive. Unpack it and upload the file inside.',
    );
  });

  it('refuses an EXP whose escapes name no EXP command, and a design with no stitches', () => {
    expect(refusal('bad.exp', Buffer.from([0x0a, 0x00, 0x80, 0x33, 0x00, 0x00]))?.detected).toBe('binary');
    expect(refusal('empty.dst', encodeDst([{ op: 'colorChange' }]))).toEqual({
      kind: 'not_a_job_file',
      detected: 'empty-design',
      reason:
        'This design has no stitches: there is nothing to embroider. Add stitches in your embroidery software ' +
        'and export the design again.',
    });
  });

  it('still takes a damaged file of the right kind, with its warnings', () => {
    const cut = encodeDst(twoColourSquares, { omitEnd: true });
    expect(readJobFile('cut.dst', cut.subarray(0, cut.length - 9))).toMatchObject({
      kind: 'embroidery',
      meta: { warnings: expect.arrayContaining(['no end record (0xF3): the file may be truncated']) },
    });
    expect(readJobFile('headerless.gcode', Buffer.from('G28\nG1 X10 Y10 F3000\n'))).toMatchObject({
      kind: 'print',
      meta: { estimatedSeconds: null },
    });
  });

  it('takes every fixture under its own extension', () => {
    const own = {
      gcode: Buffer.from(prusaSlicerGcode()),
      bgcode: buildBgcode(PRUSA_BGCODE_BLOCKS),
      '3mf': slicedProject,
      dst: encodeDst(twoColourSquares),
      pes: encodePes(twoColourSquares),
      exp: encodeExp(twoColourSquares),
      jef: encodeJef(twoColourSquares),
    };
    for (const format of ALL_FORMATS) expect(readJobFile(`job.${format}`, own[format]).kind).not.toBe('not_a_job_file');
  });

  it('refuses random bytes under every extension but EXP, which has no signature to check', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL_FORMATS.filter((f) => f !== 'exp')),
        fc.uint8Array({ minLength: 64, maxLength: 4096 }),
        (format, bytes) => {
          expect(readJobFile(`random.${format}`, bytes).kind).toBe('not_a_job_file');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws, whatever the bytes and the extension', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_FORMATS), fc.uint8Array({ maxLength: 2048 }), (format, bytes) => {
        expect(() => readJobFile(`fuzz.${format}`, bytes)).not.toThrow();
        expect(() => identifyContent(bytes)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
