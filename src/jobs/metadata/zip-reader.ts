import { constants, inflateRawSync } from 'node:zlib';
import { asBuffer } from './metadata-values.js';

// A minimal ZIP reader for 3MF packages (APPNOTE.TXT 6.3.x, sections 4.3.7, 4.3.12, 4.3.14–16,
// 4.5.3): the central directory, stored (0) and deflated (8) entries, and the ZIP64 records that
// Bambu Studio's miniz writes for large projects. No encryption, no multi-disk archives.

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
const MAX_COMMENT_BYTES = 0xffff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

export const STORED = 0;
export const DEFLATED = 8;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

function readU64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('a ZIP64 size is out of range');
  return Number(value);
}

function need(buffer: Buffer, offset: number, bytes: number, what: string): void {
  if (offset < 0 || offset + bytes > buffer.length) throw new ZipFormatError(`${what} lies outside the file`);
}

function findEndOfCentralDirectory(buffer: Buffer): number {
  const lowest = Math.max(0, buffer.length - EOCD_BYTES - MAX_COMMENT_BYTES);
  for (let at = buffer.length - EOCD_BYTES; at >= lowest; at -= 1) {
    if (buffer.readUInt32LE(at) === EOCD_SIGNATURE && at + EOCD_BYTES + buffer.readUInt16LE(at + 20) <= buffer.length) {
      return at;
    }
  }
  throw new ZipFormatError('no end-of-central-directory record: not a ZIP file');
}

/** Lists the entries of a ZIP archive from its central directory. Throws ZipFormatError. */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  const buffer = asBuffer(bytes);
  if (buffer.length < EOCD_BYTES) throw new ZipFormatError('too short to be a ZIP file');
  const eocd = findEndOfCentralDirectory(buffer);
  let count = buffer.readUInt16LE(eocd + 10);
  let directoryOffset = buffer.readUInt32LE(eocd + 16);
  if (count === U16_MAX || directoryOffset === U32_MAX) {
    const locator = eocd - 20;
    need(buffer, locator, 20, 'the ZIP64 locator');
    if (buffer.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) throw new ZipFormatError('ZIP64 locator missing');
    const record = readU64(buffer, locator + 8);
    need(buffer, record, 56, 'the ZIP64 end record');
    if (buffer.readUInt32LE(record) !== ZIP64_EOCD_SIGNATURE) throw new ZipFormatError('ZIP64 end record missing');
    count = readU64(buffer, record + 32);
    directoryOffset = readU64(buffer, record + 48);
  }
  if (count > buffer.length / CENTRAL_BYTES) throw new ZipFormatError('the entry count exceeds the file size');

  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < count; i += 1) {
    need(buffer, at, CENTRAL_BYTES, 'a central directory entry');
    if (buffer.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new ZipFormatError('corrupt central directory');
    const nameBytes = buffer.readUInt16LE(at + 28);
    const extraBytes = buffer.readUInt16LE(at + 30);
    const commentBytes = buffer.readUInt16LE(at + 32);
    need(buffer, at + CENTRAL_BYTES, nameBytes + extraBytes, 'an entry name');
    const entry: ZipEntry = {
      name: buffer.toString('utf8', at + CENTRAL_BYTES, at + CENTRAL_BYTES + nameBytes),
      flags: buffer.readUInt16LE(at + 8),
      method: buffer.readUInt16LE(at + 10),
      compressedSize: buffer.readUInt32LE(at + 20),
      uncompressedSize: buffer.readUInt32LE(at + 24),
      localHeaderOffset: buffer.readUInt32LE(at + 42),
    };
    applyZip64Extra(buffer, at + CENTRAL_BYTES + nameBytes, extraBytes, entry);
    entries.push(entry);
    at += CENTRAL_BYTES + nameBytes + extraBytes + commentBytes;
  }
  return entries;
}

/** ZIP64 extended information (header 0x0001) holds, in order, whichever 32-bit fields are saturated. */
function applyZip64Extra(buffer: Buffer, start: number, length: number, entry: ZipEntry): void {
  for (let at = start; at + 4 <= start + length;) {
    const id = buffer.readUInt16LE(at);
    const size = buffer.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = () => {
        if (field + 8 > at + 4 + size) throw new ZipFormatError('short ZIP64 extra field');
        const value = readU64(buffer, field);
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === U32_MAX) entry.uncompressedSize = next();
      if (entry.compressedSize === U32_MAX) entry.compressedSize = next();
      if (entry.localHeaderOffset === U32_MAX) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + size;
  }
}

/** Finds an entry by name, ignoring case and the slash direction some Windows tools write. */
export function findZipEntry(entries: ZipEntry[], name: string): ZipEntry | undefined {
  const wanted = name.toLowerCase();
  return entries.find((e) => e.name.replace(/\\/g, '/').replace(/^\//, '').toLowerCase() === wanted);
}

function entryData(buffer: Buffer, entry: ZipEntry): Buffer {
  if ((entry.flags & 1) !== 0) throw new ZipFormatError(`${entry.name} is encrypted`);
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    throw new ZipFormatError(`${entry.name} uses compression method ${entry.method}; only stored and deflate are read`);
  }
  const local = entry.localHeaderOffset;
  need(buffer, local, LOCAL_BYTES, `the local header of ${entry.name}`);
  if (buffer.readUInt32LE(local) !== LOCAL_SIGNATURE) throw new ZipFormatError(`bad local header for ${entry.name}`);
  // The local name and extra field may differ in length from the central copy: skip the local ones.
  const start = local + LOCAL_BYTES + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
  need(buffer, start, entry.compressedSize, `the data of ${entry.name}`);
  return buffer.subarray(start, start + entry.compressedSize);
}

/** The whole content of an entry, refused beyond `maxBytes` (a guard against ZIP bombs). */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, maxBytes = 16 * 1024 * 1024): Buffer {
  const data = entryData(asBuffer(bytes), entry);
  if (entry.uncompressedSize > maxBytes) throw new ZipFormatError(`${entry.name} is larger than ${maxBytes} bytes`);
  if (entry.method === STORED) return data;
  try {
    return inflateRawSync(data, { maxOutputLength: maxBytes });
  } catch (error) {
    throw new ZipFormatError(`${entry.name} could not be inflated: ${(error as Error).message}`);
  }
}

/**
 * The beginning of an entry without inflating all of it: a sliced plate's G-code can be hundreds of
 * megabytes, but its header block is in the first kilobytes. Inflating a prefix of the deflate
 * stream with Z_SYNC_FLUSH yields the text it covers instead of a truncated-input error.
 */
export function readZipEntryHead(bytes: Uint8Array, entry: ZipEntry, maxCompressedBytes = 16 * 1024): Buffer {
  const data = entryData(asBuffer(bytes), entry);
  const prefix = data.subarray(0, Math.min(data.length, maxCompressedBytes));
  if (entry.method === STORED) return prefix;
  try {
    // Deflate expands at most 1032:1, so this bound is never hit: it only states the memory cost.
    return inflateRawSync(prefix, {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: 1032 * prefix.length + 1024,
    });
  } catch (error) {
    throw new ZipFormatError(`${entry.name} could not be inflated: ${(error as Error).message}`);
  }
}
