import { decodesAsExp } from './exp.parser.js';
import { identifyContent, type Content, type ContentKind } from './file-content.js';
import {
  parseJobFile,
  PRINT_FORMATS,
  type EmbroideryFormat,
  type JobFileMetadata,
  type PrintFormat,
} from './job-metadata.js';

/**
 * A file whose bytes are no job for the machines its extension names: the beginner's STL renamed
 * `.gcode`, an unsliced project, a photo for the embroidery machine, a design with no stitches.
 * Such a file would be queued and "printed" (issue 15), so the upload refuses it and says what to do.
 */
export interface NotAJobFile {
  kind: 'not_a_job_file';
  /** What the bytes are (`model`, `image`, `pes`, …), or `empty-design` for a design without stitches. */
  detected: ContentKind | 'empty-design';
  /** For the maker: what the file is instead, and what to do. */
  reason: string;
}

export type JobFileReading = JobFileMetadata | NotAJobFile;

type JobFormat = PrintFormat | EmbroideryFormat;

/** What each extension promises, and the content that keeps the promise (EXP has no signature). */
const EXPECTED: Record<JobFormat, { kind: ContentKind; name: string }> = {
  gcode: { kind: 'gcode', name: 'G-code' },
  bgcode: { kind: 'bgcode', name: 'binary G-code' },
  '3mf': { kind: 'sliced-3mf', name: 'a sliced 3MF project' },
  dst: { kind: 'dst', name: 'a Tajima DST design' },
  pes: { kind: 'pes', name: 'a Brother PES design' },
  exp: { kind: 'binary', name: 'a Melco EXP design' },
  jef: { kind: 'jef', name: 'a Janome JEF design' },
};

/** Job files under another job format's name: the fix is the right extension. */
const OWN_EXTENSION: Partial<Record<ContentKind, { extension: string; machine: string }>> = {
  gcode: { extension: '.gcode', machine: 'a 3D printer' },
  bgcode: { extension: '.bgcode', machine: 'a 3D printer' },
  'sliced-3mf': { extension: '.3mf', machine: 'a 3D printer' },
  dst: { extension: '.dst', machine: 'an embroidery machine' },
  pes: { extension: '.pes', machine: 'an embroidery machine' },
  jef: { extension: '.jef', machine: 'an embroidery machine' },
};

const SLICE_FIRST =
  'Slice it first: open it in a slicer (PrusaSlicer, OrcaSlicer, Bambu Studio, Cura) and upload the G-code it ' +
  'exports, or the sliced .gcode.3mf for a Bambu printer.';
const DIGITIZE_FIRST =
  'Digitize it first (for example with Ink/Stitch or your embroidery software) and upload the design it ' +
  'exports: .dst, .pes, .exp or .jef.';

function advice(detected: ContentKind, forPrinter: boolean): string {
  const own = OWN_EXTENSION[detected];
  if (own) return `It is a file for ${own.machine}: upload it with its own extension, ${own.extension}.`;
  switch (detected) {
    case 'model':
    case 'model-3mf':
      return forPrinter ? SLICE_FIRST : `A 3D model cannot be embroidered. ${DIGITIZE_FIRST}`;
    case 'image':
    case 'document':
      return forPrinter
        ? 'A printer needs G-code: model the part, slice it, and upload the G-code the slicer exports.'
        : DIGITIZE_FIRST;
    case 'zip':
      return 'Unpack it and upload the file inside.';
    default:
      return forPrinter
        ? 'Upload the file your slicer exports (it saves G-code as .gcode, .bgcode or a sliced .3mf).'
        : 'Export the design again from your embroidery software and upload that file.';
  }
}

function keepsPromise(format: JobFormat, content: Content, bytes: Uint8Array): boolean {
  return content.kind === EXPECTED[format].kind && (format !== 'exp' || decodesAsExp(bytes));
}

/**
 * Parses an uploaded job file by its extension (see parseJobFile), then checks that its bytes are
 * what the extension promises. A damaged file of the right kind is still read, with warnings.
 */
export function readJobFile(fileName: string, bytes: Uint8Array): JobFileReading {
  const parsed = parseJobFile(fileName, bytes);
  if (parsed.kind === 'unsupported') return parsed;
  const format = parsed.meta.format;
  const content = identifyContent(bytes);
  if (!keepsPromise(format, content, bytes)) {
    const forPrinter = (PRINT_FORMATS as readonly string[]).includes(format);
    return {
      kind: 'not_a_job_file',
      detected: content.kind,
      reason: `This file is not ${EXPECTED[format].name}: it looks like ${content.label}. ${advice(content.kind, forPrinter)}`,
    };
  }
  if (parsed.kind === 'embroidery' && parsed.meta.stitches === 0) {
    return {
      kind: 'not_a_job_file',
      detected: 'empty-design',
      reason:
        'This design has no stitches: there is nothing to embroider. Add stitches in your embroidery software ' +
        'and export the design again.',
    };
  }
  return parsed;
}
