import { parseBgcode } from './bgcode.parser.js';
import { parseDst } from './dst.parser.js';
import { parseExp } from './exp.parser.js';
import { parseGcode } from './gcode.parser.js';
import { parseJef } from './jef.parser.js';
import { describeError, emptyEmbroideryMetadata, emptyPrintMetadata } from './metadata-values.js';
import { parsePes } from './pes.parser.js';
import { parseThreeMf } from './threemf.parser.js';

export const PRINT_FORMATS = ['gcode', 'bgcode', '3mf'] as const;
export const EMBROIDERY_FORMATS = ['dst', 'pes', 'exp', 'jef'] as const;

export type PrintFormat = (typeof PRINT_FORMATS)[number];
export type EmbroideryFormat = (typeof EMBROIDERY_FORMATS)[number];

/** One sliced plate of a 3MF project (Bambu Studio / OrcaSlicer `Metadata/slice_info.config`). */
export interface PlateMetadata {
  index: number;
  estimatedSeconds: number | null;
  filamentGrams: number | null;
  filamentMm: number | null;
  layers: number | null;
  printerModel: string | null;
  nozzleMm: number | null;
  material: string | null;
}

/**
 * What a 3D-print file says about itself. Every value the file does not state is null ("unknown"),
 * never a guess; `warnings` says why a value the maker would expect is missing or doubtful.
 */
export interface PrintMetadata {
  format: PrintFormat;
  /** Slicer name and version as the file states it, e.g. "PrusaSlicer 2.7.1". */
  slicer: string | null;
  estimatedSeconds: number | null;
  filamentGrams: number | null;
  filamentMm: number | null;
  layers: number | null;
  printerModel: string | null;
  nozzleMm: number | null;
  /** Filament type(s) the print uses, e.g. "PLA" or "PLA, PETG". */
  material: string | null;
  /** Per-plate detail of a multi-plate 3MF; the top-level values then sum time and filament. */
  plates?: PlateMetadata[];
  warnings: string[];
}

/**
 * What an embroidery design says about itself, counted from its stitch records (headers are only
 * cross-checked). Sizes are in millimetres over the needle penetrations.
 */
export interface EmbroideryMetadata {
  format: EmbroideryFormat;
  /** Needle penetrations (normal stitch records). */
  stitches: number | null;
  /** Colour-change commands in the stitch data. */
  colorChanges: number | null;
  /** Colour blocks that actually sew at least one stitch. */
  colorBlocks: number | null;
  /** Thread trims: explicit trim commands, or (DST, JEF) runs of jumps as machines interpret them. */
  trims: number | null;
  /** Moves with the needle up. */
  jumps: number | null;
  /**
   * Explicit stop commands. Null for DST, PES, EXP and JEF: those formats encode a stop and a colour
   * change with one code, so `colorChanges` counts both.
   */
  stops: number | null;
  widthMm: number | null;
  heightMm: number | null;
  warnings: string[];
}

export type JobFileMetadata =
  | { kind: 'print'; meta: PrintMetadata }
  | { kind: 'embroidery'; meta: EmbroideryMetadata }
  | { kind: 'unsupported'; reason: string };

const PRINT_PARSERS: Record<PrintFormat, (bytes: Uint8Array) => PrintMetadata> = {
  gcode: parseGcode,
  bgcode: parseBgcode,
  '3mf': parseThreeMf,
};

const EMBROIDERY_PARSERS: Record<EmbroideryFormat, (bytes: Uint8Array) => EmbroideryMetadata> = {
  dst: parseDst,
  pes: parsePes,
  exp: parseExp,
  jef: parseJef,
};

/** The lower-cased extension of a file name or path ("Plate.GCODE.3mf" → "3mf"), or null. */
export function fileExtension(fileName: string): string | null {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 && dot < base.length - 1 ? base.slice(dot + 1).toLowerCase() : null;
}

const isPrintFormat = (ext: string): ext is PrintFormat => (PRINT_FORMATS as readonly string[]).includes(ext);
const isEmbroideryFormat = (ext: string): ext is EmbroideryFormat =>
  (EMBROIDERY_FORMATS as readonly string[]).includes(ext);

const unreadable = (error: unknown) => `could not read this file (${describeError(error)}); estimates are unknown`;

/**
 * Parses an uploaded job file by its extension. Never throws: a file that cannot be parsed comes
 * back as its format's metadata with every value unknown and a warning. Uploads go through
 * readJobFile (job-file-check.ts), which also refuses content that is no job for its extension.
 */
export function parseJobFile(fileName: string, bytes: Uint8Array): JobFileMetadata {
  const ext = fileExtension(fileName);
  if (ext !== null && isPrintFormat(ext)) {
    try {
      return { kind: 'print', meta: PRINT_PARSERS[ext](bytes) };
    } catch (error) {
      return { kind: 'print', meta: emptyPrintMetadata(ext, [unreadable(error)]) };
    }
  }
  if (ext !== null && isEmbroideryFormat(ext)) {
    try {
      return { kind: 'embroidery', meta: EMBROIDERY_PARSERS[ext](bytes) };
    } catch (error) {
      return { kind: 'embroidery', meta: emptyEmbroideryMetadata(ext, [unreadable(error)]) };
    }
  }
  const accepted = [...PRINT_FORMATS, ...EMBROIDERY_FORMATS].map((f) => `.${f}`).join(', ');
  return {
    kind: 'unsupported',
    reason:
      ext === null
        ? `the file name has no extension; accepted: ${accepted}`
        : `.${ext} files are not accepted; accepted: ${accepted}`,
  };
}
