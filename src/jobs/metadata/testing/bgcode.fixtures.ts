import { crc32, deflateSync } from 'node:zlib';
import { u16, u32 } from './bytes.fixtures.js';

// A Prusa binary G-code file built block by block after libbgcode's doc/specifications.md.

export type BlockCompression = 'none' | 'deflate' | 'heatshrink';

export interface BgcodeBlock {
  type: 'file' | 'gcode' | 'slicer' | 'printer' | 'print' | 'thumbnail';
  compression?: BlockCompression;
  data: string | Buffer;
}

const BLOCK_TYPES = { file: 0, gcode: 1, slicer: 2, printer: 3, print: 4, thumbnail: 5 } as const;
const COMPRESSIONS = { none: 0, deflate: 1, heatshrink: 3 } as const;

/** A .bgcode file: "GCDE", version 1, checksum type, then each block with its CRC32 (when asked for). */
export function buildBgcode(blocks: BgcodeBlock[], options: { checksum?: boolean; version?: number } = {}): Buffer {
  const checksum = options.checksum ?? true;
  const parts = [Buffer.from('GCDE', 'latin1'), u32(options.version ?? 1), u16(checksum ? 1 : 0)];
  for (const block of blocks) {
    const plain = typeof block.data === 'string' ? Buffer.from(block.data, 'utf8') : block.data;
    const compression = block.compression ?? 'none';
    // Heatshrink is not implemented here: the bytes only need to be opaque to the parser.
    const stored =
      compression === 'deflate'
        ? deflateSync(plain)
        : compression === 'heatshrink'
          ? Buffer.from(plain).reverse()
          : plain;
    const header = Buffer.concat([
      u16(BLOCK_TYPES[block.type]),
      u16(COMPRESSIONS[compression]),
      u32(plain.length),
      ...(compression === 'none' ? [] : [u32(stored.length)]),
    ]);
    const params = block.type === 'thumbnail' ? Buffer.concat([u16(0), u16(16), u16(16)]) : u16(0);
    const body = Buffer.concat([header, params, stored]);
    parts.push(body);
    if (checksum) parts.push(u32(crc32(body)));
  }
  return Buffer.concat(parts);
}

export const PRUSA_BGCODE_BLOCKS: BgcodeBlock[] = [
  { type: 'file', data: 'Producer=PrusaSlicer 2.7.1\n' },
  {
    type: 'printer',
    data: [
      'printer_model=MK4',
      'filament_type=PETG',
      'nozzle_diameter=0.6',
      'bed_temperature=85',
      'brim_width=0',
      'fill_density=15%',
      'layer_height=0.2',
      'temperature=240',
      'ironing=0',
      'support_material=0',
      'extruder_colour=""',
      'max_layer_z=24.00',
      '',
    ].join('\n'),
  },
  { type: 'thumbnail', data: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') },
  {
    type: 'print',
    data: [
      'filament used [mm]=4120.50',
      'filament used [cm3]=9.91',
      'filament used [g]=12.29',
      'filament cost=0.31',
      'total filament used [g]=12.29',
      'estimated printing time (normal mode)=1h 2m 3s',
      'estimated first layer printing time (normal mode)=1m 30s',
      '',
    ].join('\n'),
  },
  { type: 'slicer', compression: 'deflate', data: 'layer_height = 0.2\nprinter_model = MK4\n' },
  { type: 'gcode', compression: 'heatshrink', data: 'G28\nG1 X10 Y10 E1\n' },
];
