import { describe, expect, it } from '@jest/globals';
import { buildZip } from './testing/zip.fixtures.js';
import { findZipEntry, readZipDirectory, readZipEntry, readZipEntryHead, ZipFormatError } from './zip-reader.js';

const text = 'line of text that compresses well\n'.repeat(2000);

describe('zip reader', () => {
  it('lists entries and reads stored and deflated ones', () => {
    const zip = buildZip([
      { name: 'a.txt', data: 'stored bytes', method: 'store' },
      { name: 'Metadata/b.txt', data: text, method: 'deflate' },
    ]);
    const entries = readZipDirectory(zip);
    expect(entries.map((e) => [e.name, e.method, e.uncompressedSize])).toEqual([
      ['a.txt', 0, 12],
      ['Metadata/b.txt', 8, text.length],
    ]);
    expect(readZipEntry(zip, entries[0]).toString()).toBe('stored bytes');
    expect(readZipEntry(zip, findZipEntry(entries, 'metadata/B.TXT')!).toString()).toBe(text);
  });

  it('reads ZIP64 sizes, offsets and end records', () => {
    const zip = buildZip([{ name: 'big.gcode', data: text, method: 'deflate' }], { zip64: true });
    const [entry] = readZipDirectory(zip);
    expect(entry.uncompressedSize).toBe(text.length);
    expect(readZipEntry(zip, entry).toString()).toBe(text);
  });

  it('finds the end record behind an archive comment', () => {
    const zip = buildZip([{ name: 'a.txt', data: 'x', method: 'store' }], { comment: 'made by hand' });
    expect(readZipDirectory(zip).map((e) => e.name)).toEqual(['a.txt']);
  });

  it('inflates only the head of a large entry', () => {
    const big = Array.from({ length: 40_000 }, (_, i) => `G1 X${i % 251} Y${(i * 17) % 239} E${i}`).join('\n');
    const zip = buildZip([{ name: 'plate_1.gcode', data: `; HEADER\n${big}`, method: 'deflate' }]);
    const [entry] = readZipDirectory(zip);
    expect(entry.compressedSize).toBeGreaterThan(4096);
    const head = readZipEntryHead(zip, entry, 4096).toString();
    expect(head.startsWith('; HEADER\nG1 X0 Y0 E0\n')).toBe(true);
    expect(head.length).toBeLessThan(big.length);
  });

  it('refuses an entry larger than the limit', () => {
    const zip = buildZip([{ name: 'bomb', data: Buffer.alloc(100_000), method: 'deflate' }]);
    expect(() => readZipEntry(zip, readZipDirectory(zip)[0], 1000)).toThrow(ZipFormatError);
  });

  it('refuses what is not a ZIP file', () => {
    expect(() => readZipDirectory(Buffer.from('PK but not really a zip archive at all'))).toThrow(
      'no end-of-central-directory record: not a ZIP file',
    );
    const zip = buildZip([{ name: 'a.txt', data: 'x', method: 'store' }]);
    zip.writeUInt32LE(0xfffffff0, zip.length - 6);
    expect(() => readZipDirectory(zip)).toThrow(ZipFormatError);
  });
});
