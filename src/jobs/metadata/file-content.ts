import { headAndTail } from './gcode.parser.js';
import { asBuffer } from './metadata-values.js';
import { readZipDirectory, type ZipEntry } from './zip-reader.js';

// What an uploaded file's bytes are, whatever its name says: the job formats by their signatures
// or structure, and what makers upload by mistake instead (a model that was never sliced, a picture
// that was never digitized, an archive). Signatures from each format's specification: PNG, JPEG
// (JFIF), GIF, BMP, WebP (RIFF), TIFF, PDF, STL (binary: 80-byte header, u32 triangle count, 50
// bytes per triangle), STEP (ISO 10303-21), PLY, ZIP (the 3MF package).

export type ContentKind =
  | 'gcode'
  | 'bgcode'
  | 'sliced-3mf'
  | 'model-3mf'
  | 'zip'
  | 'dst'
  | 'pes'
  | 'jef'
  | 'model'
  | 'image'
  | 'document'
  | 'text'
  | 'binary';

export interface Content {
  kind: ContentKind;
  /** What the file is, in a maker's words: "a 3D model (binary STL)". */
  label: string;
}

const JEF_HEADER_BYTES = 0x74;

const startsWith = (buffer: Buffer, signature: string, at = 0) =>
  buffer.length >= at + signature.length && buffer.toString('latin1', at, at + signature.length) === signature;

/** Janome JEF has no magic, but its first word is its stitch offset: 116 + 8 bytes per colour. */
function looksLikeJef(buffer: Buffer): boolean {
  if (buffer.length < JEF_HEADER_BYTES) return false;
  const offset = buffer.readUInt32LE(0);
  const colours = buffer.readUInt32LE(24);
  return colours >= 1 && colours <= 256 && offset === JEF_HEADER_BYTES + 8 * colours && offset <= buffer.length;
}

const SIGNATURES: Array<[test: (b: Buffer) => boolean, content: Content]> = [
  [(b) => startsWith(b, 'GCDE'), { kind: 'bgcode', label: 'binary G-code (.bgcode)' }],
  [(b) => startsWith(b, '#PES') || startsWith(b, '#PEC'), { kind: 'pes', label: 'an embroidery design (Brother PES)' }],
  [(b) => startsWith(b, '\x89PNG\r\n\x1a\n'), { kind: 'image', label: 'an image (PNG)' }],
  [(b) => startsWith(b, '\xff\xd8\xff'), { kind: 'image', label: 'an image (JPEG)' }],
  [(b) => startsWith(b, 'GIF87a') || startsWith(b, 'GIF89a'), { kind: 'image', label: 'an image (GIF)' }],
  [(b) => startsWith(b, 'RIFF') && startsWith(b, 'WEBP', 8), { kind: 'image', label: 'an image (WebP)' }],
  [(b) => startsWith(b, 'II*\x00') || startsWith(b, 'MM\x00*'), { kind: 'image', label: 'an image (TIFF)' }],
  [
    (b) => startsWith(b, 'BM') && b.length >= 6 && b.readUInt32LE(2) === b.length,
    { kind: 'image', label: 'an image (BMP)' },
  ],
  [(b) => startsWith(b, '%PDF-'), { kind: 'document', label: 'a PDF document' }],
  // A DST header is text up to byte 512: it has to be told apart before the text checks.
  [(b) => startsWith(b, 'LA:'), { kind: 'dst', label: 'an embroidery design (Tajima DST)' }],
  [looksLikeJef, { kind: 'jef', label: 'an embroidery design (Janome JEF)' }],
  [
    (b) => b.length >= 84 && 84 + 50 * b.readUInt32LE(80) === b.length,
    { kind: 'model', label: 'a 3D model (binary STL)' },
  ],
  [(b) => startsWith(b, 'ply\n') || startsWith(b, 'ply\r\n'), { kind: 'model', label: 'a 3D model (PLY)' }],
];

function zipContent(bytes: Uint8Array): Content | null {
  let entries: ZipEntry[];
  try {
    entries = readZipDirectory(bytes);
  } catch {
    return null;
  }
  const names = entries.map((e) => e.name.replace(/\\/g, '/').replace(/^\//, '').toLowerCase());
  // Bambu Studio and OrcaSlicer put each sliced plate's G-code in the package; a project without it is a model.
  if (names.some((n) => /^metadata\/plate_\d+\.gcode$/.test(n)))
    return { kind: 'sliced-3mf', label: 'a sliced 3MF project' };
  if (names.includes('3d/3dmodel.model') || names.includes('[content_types].xml'))
    return { kind: 'model-3mf', label: 'a 3D model project (3MF) with no sliced plate' };
  return { kind: 'zip', label: 'a ZIP archive' };
}

/** Control characters other than tab, line feed, form feed and carriage return: text has (almost) none. */
function isText(buffer: Buffer): boolean {
  const sample = buffer.subarray(0, 64 * 1024);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return false;
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) || byte === 0x7f)
      control += 1;
  }
  return control <= sample.length / 100;
}

const GCODE_COMMAND = /^\s*(?:N\d+\s*)?[GMT]\d+(?:\.\d+)?(?:\s|;|\*|$)/im;
const OBJ_VERTEX = /^v\s+[-+.\d]/gm;

function textContent(buffer: Buffer): Content {
  const { text } = headAndTail(buffer);
  const head = text.slice(0, 4096).trimStart();
  if (/^solid\b/i.test(head) && /\b(?:facet|endsolid)\b/i.test(text))
    return { kind: 'model', label: 'a 3D model (ASCII STL)' };
  if (head.startsWith('ISO-10303-21')) return { kind: 'model', label: 'a CAD model (STEP)' };
  if (/<amf[\s>]/i.test(head)) return { kind: 'model', label: 'a 3D model (AMF)' };
  if (/<svg[\s>]/i.test(head)) return { kind: 'image', label: 'a vector drawing (SVG)' };
  if (GCODE_COMMAND.test(text)) return { kind: 'gcode', label: 'G-code' };
  if ((text.match(OBJ_VERTEX) ?? []).length >= 3) return { kind: 'model', label: 'a 3D model (OBJ)' };
  return { kind: 'text', label: 'text with no G-code commands in it' };
}

/** What the bytes are, by signature, then structure, then as text. Never throws. */
export function identifyContent(bytes: Uint8Array): Content {
  const buffer = asBuffer(bytes);
  for (const [test, content] of SIGNATURES) if (test(buffer)) return content;
  if (startsWith(buffer, 'PK\x03\x04') || startsWith(buffer, 'PK\x05\x06')) {
    const zip = zipContent(buffer);
    if (zip) return zip;
  }
  if (isText(buffer)) return textContent(buffer);
  return { kind: 'binary', label: 'binary data in no format a machine here reads' };
}
