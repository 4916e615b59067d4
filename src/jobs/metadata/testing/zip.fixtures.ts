import { crc32, deflateRawSync } from 'node:zlib';
import { u16, u32, u64 } from './bytes.fixtures.js';

// ZIP packages written field by field after PKWARE's APPNOTE.TXT, and the parts of a 3MF project
// that Bambu Studio, OrcaSlicer and PrusaSlicer add to it.

export interface ZipInput {
  name: string;
  data: string | Buffer;
  method?: 'store' | 'deflate';
}

/**
 * A ZIP archive written field by field: local headers and data, the central directory, the end
 * record. With `zip64`, sizes and offsets go in ZIP64 extra fields and the ZIP64 end records, as
 * writers do for archives past 4 GiB (forced here on a small one).
 */
export function buildZip(entries: ZipInput[], options: { zip64?: boolean; comment?: string } = {}): Buffer {
  const zip64 = options.zip64 ?? false;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const plain = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    const method = entry.method === 'store' ? 0 : 8;
    const stored = method === 8 ? deflateRawSync(plain) : plain;
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(plain);
    const size32 = (n: number) => u32(zip64 ? 0xffffffff : n);
    const localExtra = zip64
      ? Buffer.concat([u16(1), u16(16), u64(plain.length), u64(stored.length)])
      : Buffer.alloc(0);
    const local = Buffer.concat([
      ...[u32(0x04034b50), u16(zip64 ? 45 : 20), u16(0x0800), u16(method), u16(0x4a6f), u16(0x5a2f), u32(crc)],
      ...[size32(stored.length), size32(plain.length), u16(name.length), u16(localExtra.length), name, localExtra],
    ]);
    const centralExtra = zip64
      ? Buffer.concat([u16(1), u16(24), u64(plain.length), u64(stored.length), u64(offset)])
      : Buffer.alloc(0);
    centrals.push(
      Buffer.concat([
        ...[u32(0x02014b50), u16(zip64 ? 45 : 20), u16(zip64 ? 45 : 20), u16(0x0800), u16(method)],
        ...[u16(0x4a6f), u16(0x5a2f), u32(crc), size32(stored.length), size32(plain.length)],
        ...[u16(name.length), u16(centralExtra.length), u16(0), u16(0), u16(0), u32(0), size32(offset)],
        name,
        centralExtra,
      ]),
    );
    locals.push(local, stored);
    offset += local.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const tail: Buffer[] = [];
  if (zip64) {
    const recordOffset = offset + directory.length;
    tail.push(
      Buffer.concat([u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0)]),
      Buffer.concat([u64(entries.length), u64(entries.length), u64(directory.length), u64(offset)]),
      Buffer.concat([u32(0x07064b50), u32(0), u64(recordOffset), u32(1)]),
    );
  }
  const count = zip64 ? 0xffff : entries.length;
  const end = Buffer.concat([
    ...[u32(0x06054b50), u16(0), u16(0), u16(count), u16(count)],
    ...[u32(zip64 ? 0xffffffff : directory.length), u32(zip64 ? 0xffffffff : offset), u16(comment.length), comment],
  ]);
  return Buffer.concat([...locals, directory, ...tail, end]);
}

export interface SlicePlateInput {
  index: number;
  prediction?: number;
  weight?: number;
  printerModelId?: string;
  nozzle?: string;
  filaments: Array<{ id: number; type: string; usedM: number; usedG: number; color?: string }>;
  /** Write the attributes value-first, to show the reader does not depend on their order. */
  reversedAttributes?: boolean;
}

/** Metadata/slice_info.config as Bambu Studio and OrcaSlicer write it. */
export function sliceInfoConfig(plates: SlicePlateInput[]): string {
  const meta = (plate: SlicePlateInput, key: string, value: string | number | undefined) =>
    value === undefined
      ? []
      : [
          plate.reversedAttributes
            ? `    <metadata value="${value}" key="${key}"/>`
            : `    <metadata key="${key}" value="${value}"/>`,
        ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<config>',
    '  <header>',
    '    <header_item key="X-BBL-Client-Type" value="slicer"/>',
    '    <header_item key="X-BBL-Client-Version" value="01.09.05.51"/>',
    '  </header>',
    ...plates.flatMap((plate) => [
      '  <plate>',
      ...meta(plate, 'index', plate.index),
      ...meta(plate, 'printer_model_id', plate.printerModelId),
      ...meta(plate, 'nozzle_diameters', plate.nozzle),
      ...meta(plate, 'timelapse_type', 0),
      ...meta(plate, 'prediction', plate.prediction),
      ...meta(plate, 'weight', plate.weight),
      ...meta(plate, 'outside', 'false'),
      ...meta(plate, 'support_used', 'false'),
      '    <object identify_id="75" name="Benchy &amp; friend" skipped="false" />',
      ...plate.filaments.map((f) =>
        plate.reversedAttributes
          ? `    <filament used_g='${f.usedG}' used_m='${f.usedM}' color='${f.color ?? '#FFFFFF'}' type='${f.type}' tray_info_idx="GFA00" id="${f.id}"/>`
          : `    <filament id="${f.id}" tray_info_idx="GFA00" type="${f.type}" color="${f.color ?? '#FFFFFF'}" used_m="${f.usedM}" used_g="${f.usedG}" />`,
      ),
      '  </plate>',
    ]),
    '</config>',
    '',
  ].join('\n');
}

/** 3D/3dmodel.model with the Application metadata a slicer stamps, and a one-triangle mesh. */
export function modelXml(application: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<model unit="millimeter" xml:lang="en-US" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">',
    ` <metadata name="Application">${application}</metadata>`,
    ' <metadata name="Title">Benchy</metadata>',
    ' <resources><object id="1" type="model"><mesh><vertices>',
    '  <vertex x="0" y="0" z="0"/><vertex x="10" y="0" z="0"/><vertex x="0" y="10" z="0"/>',
    ' </vertices><triangles><triangle v1="0" v2="1" v3="2"/></triangles></mesh></object></resources>',
    ' <build><item objectid="1"/></build>',
    '</model>',
    '',
  ].join('\n');
}

export const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/></Types>\n';
