import { describe, expect, it } from '@jest/globals';
import { readDstHeader } from './dst.parser.js';
import { readJobFile, type NotAJobFile } from './job-file-check.js';
import {
  EMBROIDERY_FORMATS,
  fileExtension,
  PRINT_FORMATS,
  type EmbroideryMetadata,
  type PrintMetadata,
} from './job-metadata.js';
import { readSample, sampleNames } from './testing/fidelity-data.js';

// Every file in ../shared/fidelity-data/{embroidery,print} (written by other programs, see its
// SOURCES.md), read the way an upload reads it. The expected values come from the files' own
// headers and from the references SOURCES.md names, never from this parser's output; a new sample
// fails here until its row says what it should read as.

type Refused = Pick<NotAJobFile, 'detected'> & { refused: true };
type EmbroideryRow = Partial<EmbroideryMetadata> & { source: string };
type PrintRow = Partial<PrintMetadata> & { source: string };

const EMBROIDERY: Record<string, EmbroideryRow | Refused> = {
  'Embroidermodder.DST': {
    source: 'header ST:3487 (3,407 stitches and 80 jumps), CO:0, +X 1114 −X 1111 +Y 259 −Y 255',
    stitches: 3407,
    colorChanges: 0,
    colorBlocks: 1,
    widthMm: 222.5,
    heightMm: 51.4,
    warnings: [],
  },
  'Embroidermodder.EXP': {
    source: 'its DST twin, plus the zero-length record libembroidery ends an EXP with',
    stitches: 3408,
    colorChanges: 0,
    colorBlocks: 1,
    widthMm: 222.5,
    heightMm: 51.4,
    warnings: [],
  },
  'Embroidermodder.PES': {
    source: 'its DST twin; the PEC header says 514 × 2225 units: this copy is stored upright',
    stitches: 3407,
    colorChanges: 0,
    colorBlocks: 1,
    widthMm: 51.4,
    heightMm: 222.5,
    warnings: [],
  },
  'OSHLogo.dst': {
    source: "embroidery-rust's test_read.rs: 3 colour groups; header ST:3805, ±245 × ±257 (its CO:5 disagrees)",
    stitches: 3796,
    colorChanges: 2,
    colorBlocks: 3,
    widthMm: 48.9,
    heightMm: 51.4,
    warnings: ['the header says CO:5 colour changes but the records hold 2'],
  },
  'Star.DST': {
    source: 'header ST:2567, CO:1, +X 296 −X 295 +Y 311 −Y 312; the same design as Star.EXP, .JEF, .pes',
    stitches: 2550,
    colorChanges: 1,
    colorBlocks: 2,
    widthMm: 59.1,
    heightMm: 62.3,
    warnings: [],
  },
  'Star.EXP': {
    source: 'its DST and PES twins (2,550 stitches, 2 colours, 59.1 × 62.3 mm)',
    stitches: 2550,
    colorChanges: 1,
    colorBlocks: 2,
    widthMm: 59.1,
    heightMm: 62.3,
    warnings: [],
  },
  'Star.JEF': {
    source: 'header: 2 colours, 2,549 points (stitches + 2 per command + 1), extents 295 + 296 × 311 + 312',
    stitches: 2540,
    colorChanges: 1,
    colorBlocks: 2,
    widthMm: 59.1,
    heightMm: 62.3,
    warnings: [],
  },
  'Star.pes': {
    source: 'PEC header: 2 colours, 591 × 623 units; its DST twin',
    stitches: 2550,
    colorChanges: 1,
    colorBlocks: 2,
    widthMm: 59.1,
    heightMm: 62.3,
    warnings: [],
  },
  'bone.dst': {
    source: 'header ST:2778, CO:2, ±591 × ±281 (half sizes, rounded)',
    stitches: 2758,
    colorChanges: 2,
    colorBlocks: 3,
    widthMm: 118.4,
    heightMm: 56.4,
    warnings: [],
  },
  'burmi1.dst': {
    source: 'header ST:2252, CO:2, ±355 × ±504',
    stitches: 2193,
    colorChanges: 2,
    colorBlocks: 3,
    widthMm: 71,
    heightMm: 100.8,
    warnings: [],
  },
  'crown.dst': {
    source: 'header ST:4562 (stitches and jumps); its CO:7 and extents describe another version of the design',
    stitches: 4535,
    colorChanges: 2,
    colorBlocks: 3,
    widthMm: 73.4,
    heightMm: 52.7,
    warnings: [
      'the header says CO:7 colour changes but the records hold 2',
      "the header extents (719 × 507 units) differ from the records' bounding box",
    ],
  },
  'flowers.pes': {
    source: 'SOURCES.md and the PEC header: 13 colours; PEC size 770 × 908 units',
    stitches: 9862,
    colorChanges: 12,
    colorBlocks: 13,
    widthMm: 77,
    heightMm: 90.8,
    warnings: [],
  },
  'horizontalstitchV6.pes': {
    source: 'libpes v6 README: "Stitches: 25, Jump Stitches: 1, Colors: 1", 66.5 mm wide',
    stitches: 24,
    jumps: 1,
    colorChanges: 0,
    colorBlocks: 1,
    widthMm: 66.5,
    heightMm: 0,
    warnings: [],
  },
  'madeira_tension_test.dst': {
    source: 'header ST:1724, CO:0, ±243 × ±129',
    stitches: 1706,
    colorChanges: 0,
    colorBlocks: 1,
    widthMm: 48.6,
    heightMm: 26,
    warnings: [],
  },
  'minimalV6.pes': {
    source: 'libpes v6 README: "Stitches: 6, Jump Stitches: 1, Colors: 1"',
    stitches: 5,
    jumps: 1,
    colorChanges: 0,
    colorBlocks: 1,
    widthMm: 2,
    heightMm: 0,
    warnings: [],
  },
  'nothingV6.pes': { refused: true, detected: 'empty-design' }, // libpes: "an empty pes file with no stitches"
  'shamrockin.dst': {
    source: 'header ST:1477, CO:0, +X 249 −X 249 +Y 285 −Y 207',
    stitches: 1473,
    colorChanges: 0,
    colorBlocks: 1,
    widthMm: 49.9,
    heightMm: 49.3,
    warnings: [],
  },
  'turtle_classic_12.dst': {
    source: 'header ST:1079 (stitches and jumps); its CO:7 and extents describe another version of the design',
    stitches: 1067,
    colorChanges: 0,
    colorBlocks: 1,
    widthMm: 70.4,
    heightMm: 56.6,
    warnings: [
      'the header says CO:7 colour changes but the records hold 0',
      "the header extents (712 × 566 units) differ from the records' bounding box",
    ],
  },
};

const PRINT: Record<string, PrintRow | Refused> = {
  'A1_Azura_V2.upd.X1.FlushTest.3mf': { refused: true, detected: 'model-3mf' }, // SOURCES.md: an unsliced project
  'Kreistest.gcode': {
    source: ';Generated with Cura_SteamEngine 4.10.0, ;TIME:1479, ;Filament used: 8.36128m, ;LAYER_COUNT:10',
    slicer: 'Cura 4.10.0',
    estimatedSeconds: 1479,
    filamentMm: 8361.28,
    layers: 10,
  },
  'Test.gcode.3mf': {
    source: 'slice_info.config: prediction 543, weight 0.23, printer N1 (A1 mini), nozzle 0.4, TPU',
    slicer: 'BambuStudio 02.04.00.70',
    estimatedSeconds: 543,
    filamentGrams: 0.23,
    printerModel: 'Bambu Lab A1 mini',
    nozzleMm: 0.4,
    material: 'TPU',
  },
  'UM3_test_30x30x3.gcode': {
    source: 'Griffin header: Cura_SteamEngine 4.5.0, PRINT.TIME:480, Ultimaker 3, nozzle 0.8',
    slicer: 'Cura 4.5.0',
    estimatedSeconds: 480,
    printerModel: 'Ultimaker 3',
    nozzleMm: 0.8,
  },
  'Xmas_Pud.gcode.3mf': {
    source: 'slice_info.config: prediction 11151, weight 58.41, four PLA filaments of 6.81 + 9.04 + 1.48 + 1.51 m',
    slicer: 'BambuStudio 01.07.07.89',
    estimatedSeconds: 11151,
    filamentGrams: 58.41,
    filamentMm: 18840,
    printerModel: 'Bambu Lab X1 Carbon',
    material: 'PLA',
  },
  'bp_case.trunc.gcode': {
    source: 'legacy Cura: ";Layer count: 70", its time and filament placeholders (#P_TIME#) unfilled',
    slicer: 'Cura',
    estimatedSeconds: null,
    filamentMm: null,
    layers: 70,
  },
  'hex2.gcode': {
    source: ';Generated with Cura_SteamEngine 4.10.0, ;TIME:49, ;Filament used: 0.413716m, ;LAYER_COUNT:1',
    slicer: 'Cura 4.10.0',
    estimatedSeconds: 49,
    filamentMm: 413.72,
    layers: 1,
  },
  'mini_cube_b.bgcode': {
    source: 'printer metadata block: PrusaSlicer 2.6.0, MINI, PETG, 0.4, 986.61 mm, 3.01 g, 32m 6s',
    slicer: 'PrusaSlicer 2.6.0',
    estimatedSeconds: 1926,
    filamentGrams: 3.01,
    filamentMm: 986.61,
    printerModel: 'MINI',
    nozzleMm: 0.4,
    material: 'PETG',
  },
  'mini_cube_ps2.8.1.bgcode': {
    source: 'printer metadata block: PrusaSlicer 2.8.1, MK4S, PLA, 0.4, 252.22 mm, 0.75 g, 3m 41s',
    slicer: 'PrusaSlicer 2.8.1',
    estimatedSeconds: 221,
    filamentGrams: 0.75,
    filamentMm: 252.22,
    printerModel: 'MK4S',
    nozzleMm: 0.4,
    material: 'PLA',
  },
  'mini_cube_ps2.8.1.gcode': {
    source: 'its binary twin, and 31 layers of 0.2 mm up to max_layer_z = 6.20',
    slicer: 'PrusaSlicer 2.8.1',
    estimatedSeconds: 221,
    filamentGrams: 0.75,
    filamentMm: 252.22,
    layers: 31,
    printerModel: 'MK4S',
    nozzleMm: 0.4,
    material: 'PLA',
  },
  'orca-flashforge_v1.3.0.3mf': {
    source: 'slice_info.config: prediction 433, weight 3.64; plate_1.gcode header: Adventurer 5M Pro, 10 layers',
    slicer: 'Orca-Flashforge 1.3.0',
    estimatedSeconds: 433,
    filamentGrams: 3.64,
    layers: 10,
    printerModel: 'Flashforge Adventurer 5M Pro',
    nozzleMm: 0.4,
    material: 'PLA',
  },
  'orcaslicer_v2.3.0.trunc.gcode': {
    source: 'header: 37m 8s, 11.39 g, 3818.82 mm, 240 layers; config: Adventurer 5M Pro, 0.4, PLA',
    slicer: 'OrcaSlicer 2.3.0',
    estimatedSeconds: 2228,
    filamentGrams: 11.39,
    filamentMm: 3818.82,
    layers: 240,
    printerModel: 'Flashforge Adventurer 5M Pro',
    nozzleMm: 0.4,
    material: 'PLA',
  },
  'orcaslicer_v2.3.1-beta_twocolors.trunc.gcode': {
    source: 'summary: 46m 43s, "11.37, 0.00" g, "3812.45, 0.00" mm, 300 layers; config: AD5X, PLA;PLA',
    slicer: 'OrcaSlicer 2.3.1-beta',
    estimatedSeconds: 2803,
    filamentGrams: 11.37,
    filamentMm: 3812.45,
    layers: 300,
    printerModel: 'Flashforge AD5X',
    nozzleMm: 0.4,
    material: 'PLA',
  },
  'plate_1Or.gcode': {
    source: 'header block: total estimated time 9m 3s, 75.74 mm, 0.23 g, 1 layer; the G-code of Test.gcode.3mf',
    slicer: 'BambuStudio 02.04.00.70',
    estimatedSeconds: 543,
    filamentGrams: 0.23,
    filamentMm: 75.74,
    layers: 1,
    printerModel: 'Bambu Lab A1 mini',
    nozzleMm: 0.4,
    material: 'TPU',
  },
};

function withoutSource<T extends { source: string }>(row: T): Omit<T, 'source'> {
  return Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'source')) as Omit<T, 'source'>;
}

const FOLDERS = [
  { folder: 'embroidery', kind: 'embroidery', table: EMBROIDERY },
  { folder: 'print', kind: 'print', table: PRINT },
] as const;
const ALL_FORMATS: string[] = [...PRINT_FORMATS, ...EMBROIDERY_FORMATS];

describe.each(FOLDERS)('fidelity-data/$folder', ({ folder, kind, table }) => {
  it.each(sampleNames(folder))('%s reads as its header and references say', (name) => {
    const expected = table[name];
    if (expected === undefined) throw new Error(`${folder}/${name} is new: add what it should read as to this table`);
    const result = readJobFile(name, readSample(folder, name));
    if ('refused' in expected) {
      expect(result).toMatchObject({ kind: 'not_a_job_file', detected: expected.detected });
      return;
    }
    expect(result).toMatchObject({ kind, meta: withoutSource(expected) });
  });

  it.each(sampleNames(folder))('%s is refused under every other job extension', (name) => {
    const own = fileExtension(name);
    for (const format of ALL_FORMATS.filter((f) => f !== own)) {
      expect({ format, kind: readJobFile(`renamed.${format}`, readSample(folder, name)).kind }).toEqual({
        format,
        kind: 'not_a_job_file',
      });
    }
  });
});

describe('fidelity-data/embroidery DST headers', () => {
  const dst = sampleNames('embroidery').filter((name) => fileExtension(name) === 'dst');

  it.each(dst)('%s: its ST counts the records read, one of the ways writers count them', (name) => {
    const bytes = readSample('embroidery', name);
    const st = Number(readDstHeader(bytes.subarray(0, 512)).get('ST'));
    const result = readJobFile(name, bytes);
    if (result.kind !== 'embroidery') throw new Error(`${name} was not read as a design`);
    const { stitches, jumps, colorChanges } = result.meta as { stitches: number; jumps: number; colorChanges: number };
    // Stitches only, stitches and jumps, every record, or every record and the end record.
    const reckonings = [
      stitches,
      stitches + jumps,
      stitches + jumps + colorChanges,
      stitches + jumps + colorChanges + 1,
    ];
    expect(reckonings).toContain(st);
  });
});
