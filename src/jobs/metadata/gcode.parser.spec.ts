import { describe, expect, it } from '@jest/globals';
import { GCODE_WINDOW_BYTES, headAndTail, parseDuration, parseGcode } from './gcode.parser.js';
import {
  bambuStudioGcode,
  curaGriffinGcode,
  curaMarlinGcode,
  gcodeBody,
  orcaSlicerGcode,
  PRUSA_FOOTER,
  prusaSlicerGcode,
} from './testing/gcode.fixtures.js';

const parse = (text: string) => parseGcode(Buffer.from(text, 'utf8'));

describe('parseDuration', () => {
  it.each([
    ['1h 2m 3s', 3723],
    ['1d 2h 3m 4s', 93_784],
    ['48m 12s', 2892],
    ['45s', 45],
    ['2h', 7200],
  ])('reads "%s" as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', 'soon', '1 hour', '3723'])('does not read "%s"', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe('headAndTail', () => {
  it('keeps a small file whole', () => {
    expect(headAndTail(Buffer.from('a\nb\n'))).toEqual({ text: 'a\nb\n', complete: true });
  });

  it('keeps only whole lines of the first and last window of a large file', () => {
    const file = Buffer.from(`${'x'.repeat(5)}\n${'y'.repeat(30)}\n${'z'.repeat(5)}\n`);
    expect(headAndTail(file, 8)).toEqual({ text: 'xxxxx\nzzzzz\n', complete: false });
  });
});

describe('parseGcode', () => {
  it('reads a PrusaSlicer file: statistics and config block at the bottom', () => {
    expect(parse(prusaSlicerGcode())).toEqual({
      format: 'gcode',
      slicer: 'PrusaSlicer 2.7.1+win64',
      estimatedSeconds: 3723,
      filamentGrams: 12.29,
      filamentMm: 4120.5,
      layers: 120,
      printerModel: 'MK4',
      nozzleMm: 0.4,
      material: 'PLA',
      warnings: [],
    });
  });

  it('counts ;LAYER_CHANGE markers when PrusaSlicer states no layer count and the file is read whole', () => {
    const footer = PRUSA_FOOTER.replace('; total layers count = 120\n', '');
    expect(parse(prusaSlicerGcode(gcodeBody(37), footer)).layers).toBe(37);
  });

  it('reads a large file from its first and last 64 KiB only', () => {
    const big = prusaSlicerGcode(gcodeBody(120, 400_000));
    expect(big.length).toBeGreaterThan(3 * GCODE_WINDOW_BYTES);
    expect(parse(big)).toMatchObject({
      estimatedSeconds: 3723,
      filamentGrams: 12.29,
      layers: 120,
      printerModel: 'MK4',
    });
  });

  it('leaves the layer count unknown in a large file that does not state it, rather than count part of it', () => {
    const footer = PRUSA_FOOTER.replace('; total layers count = 120\n', '');
    expect(parse(prusaSlicerGcode(gcodeBody(120, 400_000), footer)).layers).toBeNull();
  });

  it('never reads a line cut by the window edge as a shorter value', () => {
    let head = ';FLAVOR:Marlin\n';
    while (head.length < GCODE_WINDOW_BYTES - 8 - 16) head += 'G1 X1 Y1\n';
    head += `;${'-'.repeat(GCODE_WINDOW_BYTES - 8 - head.length - 2)}\n`;
    const file = `${head};TIME:3723\n${gcodeBody(10, 200_000)}\n`;
    expect(file.indexOf(';TIME:3723')).toBe(GCODE_WINDOW_BYTES - 8);
    expect(parse(file).estimatedSeconds).toBeNull();
  });

  it('keeps only the filaments an MMU print uses, with the total weight', () => {
    const footer = PRUSA_FOOTER.replace(
      '; filament used [g] = 12.29',
      '; filament used [g] = 10.00, 0.00, 2.29, 0.00, 0.00',
    )
      .replace('; filament used [mm] = 4120.50', '; filament used [mm] = 3350.10, 0.00, 770.40, 0.00, 0.00')
      .replace('; filament_type = PLA', '; filament_type = PLA;PLA;PETG;PLA;FLEX');
    expect(parse(prusaSlicerGcode(gcodeBody(3), footer))).toMatchObject({
      filamentGrams: 12.29,
      filamentMm: 4120.5,
      material: 'PLA, PETG',
    });
  });

  it('reads a Bambu Studio header block: the total estimated time, not the model printing time', () => {
    expect(parse(bambuStudioGcode())).toEqual({
      format: 'gcode',
      slicer: 'BambuStudio 01.09.05.51',
      estimatedSeconds: 4205,
      filamentGrams: 12.34,
      filamentMm: 4120.5,
      layers: 120,
      printerModel: 'Bambu Lab X1 Carbon',
      nozzleMm: 0.4,
      material: 'PLA',
      warnings: [],
    });
  });

  it('sums Bambu Studio’s per-filament lists and keeps the filaments a multi-colour print uses', () => {
    const text = bambuStudioGcode()
      .replace('; total filament weight [g] : 12.34', '; total filament weight [g] : 10.00,0.00,2.34')
      .replace('; total filament length [mm] : 4120.50', '; total filament length [mm] : 3300.00,0.00,820.50')
      .replace('; filament_type = PLA', '; filament_type = PLA;PLA;PETG');
    expect(parse(text)).toMatchObject({ filamentGrams: 12.34, filamentMm: 4120.5, material: 'PLA, PETG' });
  });

  it('reads an OrcaSlicer header block with the Bambu-style time line', () => {
    expect(parse(orcaSlicerGcode(['; model printing time: 55m 40s; total estimated time: 1h 2m 3s']))).toEqual({
      format: 'gcode',
      slicer: 'OrcaSlicer 2.2.0',
      estimatedSeconds: 3723,
      filamentGrams: 8.99,
      filamentMm: 3012.4,
      layers: 95,
      printerModel: 'Voron 2.4 300',
      nozzleMm: 0.6,
      material: 'PETG',
      warnings: [],
    });
  });

  it('reads OrcaSlicer time lines written on their own, preferring the total', () => {
    const lines = ['; model printing time: 55m 40s', '; total estimated time: 1h 2m 3s'];
    expect(parse(orcaSlicerGcode(lines)).estimatedSeconds).toBe(3723);
    expect(parse(orcaSlicerGcode(lines.slice(0, 1))).estimatedSeconds).toBe(3340);
  });

  it('reads OrcaSlicer’s PrusaSlicer-compatible footer for other printers', () => {
    const text = orcaSlicerGcode([]) + '; estimated printing time (normal mode) = 48m 12s\n';
    expect(parse(text).estimatedSeconds).toBe(2892);
  });

  it('reads a Cura file for a Marlin printer', () => {
    expect(parse(curaMarlinGcode())).toEqual({
      format: 'gcode',
      slicer: 'Cura 5.7.0',
      estimatedSeconds: 3723,
      filamentGrams: null,
      filamentMm: 1234,
      layers: 42,
      printerModel: 'Creality Ender-3',
      nozzleMm: null,
      material: null,
      warnings: [],
    });
  });

  it('counts Cura’s ;LAYER:n markers when LAYER_COUNT is missing', () => {
    expect(parse(curaMarlinGcode({ layerCount: false })).layers).toBe(42);
  });

  it('reads Cura’s Griffin header (Ultimaker printers)', () => {
    expect(parse(curaGriffinGcode())).toEqual({
      format: 'gcode',
      slicer: 'Cura 5.7.0',
      estimatedSeconds: 5400,
      filamentGrams: null,
      filamentMm: null,
      layers: 250,
      printerModel: 'Ultimaker S5',
      nozzleMm: 0.4,
      material: null,
      warnings: [],
    });
  });

  it('reads legacy Cura (14.x): the layer count it states, and the profile string that names it', () => {
    // Cura 14.07 leaves its time and filament placeholders unfilled; the layers it does state.
    const head = ';Print time: #P_TIME#\n;Filament used: #F_AMNT#m #F_WGHT#g\n;Layer count: 70\n;LAYER:0\n';
    expect(parse(`${head}${gcodeBody(1)}\n;CURA_PROFILE_STRING:eNrtV0tv20YQ\n`)).toMatchObject({
      slicer: 'Cura',
      estimatedSeconds: null,
      filamentMm: null,
      layers: 70,
    });
  });

  it('reads Windows line endings', () => {
    expect(parse(bambuStudioGcode().replace(/\n/g, '\r\n'))).toMatchObject({ estimatedSeconds: 4205, layers: 120 });
  });

  it('gives unknown values and says why for G-code without a slicer summary', () => {
    expect(parse('G28\nG1 X10 Y10 ; move\n')).toEqual({
      format: 'gcode',
      slicer: null,
      estimatedSeconds: null,
      filamentGrams: null,
      filamentMm: null,
      layers: null,
      printerModel: null,
      nozzleMm: null,
      material: null,
      warnings: [
        'no known slicer header (PrusaSlicer, OrcaSlicer, Bambu Studio, Cura)',
        'no print-time estimate in the G-code header or footer',
      ],
    });
  });
});
