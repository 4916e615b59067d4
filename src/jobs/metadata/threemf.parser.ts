import { summariseGcodeComments, type GcodeSummary } from './gcode.parser.js';
import type { PlateMetadata, PrintMetadata } from './job-metadata.js';
import { describeError, emptyPrintMetadata, parseDecimal, roundTo } from './metadata-values.js';
import { findZipEntry, readZipDirectory, readZipEntry, readZipEntryHead, type ZipEntry } from './zip-reader.js';

// 3MF is a ZIP package (3MF core spec, OPC). Slicers add their own parts:
// - Bambu Studio and OrcaSlicer: Metadata/slice_info.config (one <plate> per sliced plate with
//   <metadata key=".." value=".."/> and <filament .. used_g=".." used_m=".."/>), the plates'
//   G-code as Metadata/plate_N.gcode, and the settings as JSON in Metadata/project_settings.config
//   (attribute names from BambuStudio src/libslic3r/Format/bbs_3mf.cpp);
// - PrusaSlicer: Metadata/Slic3r_PE.config, its settings as "; key = value" lines, no estimate.

/** Bambu printers by the model_id of BambuStudio's resources/profiles/BBL/machine/*.json. */
const BAMBU_MODEL_IDS: Record<string, string> = {
  'BL-P001': 'Bambu Lab X1 Carbon',
  'BL-P002': 'Bambu Lab X1',
  C11: 'Bambu Lab P1P',
  C12: 'Bambu Lab P1S',
  C13: 'Bambu Lab X1E',
  N1: 'Bambu Lab A1 mini',
  N2S: 'Bambu Lab A1',
};

interface ProjectSettings {
  printerModel: string | null;
  nozzleMm: number | null;
  material: string | null;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return XML_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The attributes of one start tag, in any order, either quote style. */
function attributes(tagBody: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of tagBody.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    found.set(m[1], decodeXml(m[2] ?? m[3]));
  }
  return found;
}

function sumOrNull(values: Array<number | null>, decimals = 2): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0
    ? null
    : roundTo(
        known.reduce((a, b) => a + b, 0),
        decimals,
      );
}

const distinct = (values: Array<string | null | undefined>) => {
  const kept = [...new Set(values.filter((v): v is string => typeof v === 'string' && v.trim() !== ''))];
  return kept.length > 0 ? kept.join(', ') : null;
};

/** The sliced plates of a Bambu Studio / OrcaSlicer slice_info.config. */
function readPlates(xml: string, settings: ProjectSettings, gcodeHead: (index: number) => GcodeSummary | null) {
  const plates: PlateMetadata[] = [];
  for (const plateMatch of xml.matchAll(/<plate\b[^>]*>([\s\S]*?)<\/plate\s*>/g)) {
    const body = plateMatch[1];
    const meta = new Map<string, string>();
    for (const tag of body.matchAll(/<metadata\b([^>]*?)\/?>/g)) {
      const attrs = attributes(tag[1]);
      const key = attrs.get('key');
      if (key !== undefined) meta.set(key, attrs.get('value') ?? '');
    }
    const filaments = [...body.matchAll(/<filament\b([^>]*?)\/?>/g)].map((tag) => attributes(tag[1]));
    const number = (value: string | undefined) => (value === undefined ? null : parseDecimal(value));
    const index = number(meta.get('index')) ?? plates.length + 1;
    const head = gcodeHead(index);
    const modelId = meta.get('printer_model_id')?.trim() || null;
    const usedM = sumOrNull(filaments.map((f) => number(f.get('used_m'))));
    plates.push({
      index,
      estimatedSeconds: number(meta.get('prediction')) ?? head?.estimatedSeconds ?? null,
      filamentGrams: number(meta.get('weight')) ?? sumOrNull(filaments.map((f) => number(f.get('used_g')))),
      filamentMm: head?.filamentMm ?? (usedM === null ? null : roundTo(usedM * 1000, 2)),
      layers: head?.layers ?? null,
      printerModel:
        settings.printerModel ??
        (modelId === null ? null : (BAMBU_MODEL_IDS[modelId] ?? modelId)) ??
        head?.printerModel ??
        null,
      nozzleMm: number(meta.get('nozzle_diameters')?.split(/[,;]/)[0]) ?? settings.nozzleMm ?? head?.nozzleMm ?? null,
      material: distinct(filaments.map((f) => f.get('type'))) ?? head?.material ?? null,
    });
  }
  return plates;
}

/** Bambu Studio / OrcaSlicer project settings (JSON): the printer and filaments the project is set up for. */
function readProjectSettings(json: string | null, warnings: string[]): ProjectSettings {
  const none: ProjectSettings = { printerModel: null, nozzleMm: null, material: null };
  if (json === null) return none;
  let settings: unknown;
  try {
    settings = JSON.parse(json);
  } catch (error) {
    warnings.push(`Metadata/project_settings.config is not valid JSON (${describeError(error)})`);
    return none;
  }
  if (typeof settings !== 'object' || settings === null) return none;
  const record = settings as Record<string, unknown>;
  const list = (value: unknown) => (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string');
  const model = record.printer_model;
  return {
    printerModel: typeof model === 'string' && model.trim() !== '' ? model.trim() : null,
    nozzleMm: parseDecimal(list(record.nozzle_diameter)[0] ?? ''),
    material: distinct(list(record.filament_type)),
  };
}

/** "BambuStudio-01.07.04.52" from the model part's <metadata name="Application"> → "BambuStudio 01.07.04.52". */
function applicationName(modelXml: string | null): string | null {
  if (modelXml === null) return null;
  for (const m of modelXml.matchAll(/<metadata\b([^>]*)>([^<]*)<\/metadata\s*>/g)) {
    if (attributes(m[1]).get('name') === 'Application') {
      const value = decodeXml(m[2]).trim();
      return value.replace(/^([A-Za-z][\w ]*?)-(\d[\w.+-]*)$/, '$1 $2') || null;
    }
  }
  return null;
}

/** Parses a 3MF project: Bambu Studio / OrcaSlicer plate estimates, or PrusaSlicer settings. */
export function parseThreeMf(bytes: Uint8Array): PrintMetadata {
  let entries: ZipEntry[];
  try {
    entries = readZipDirectory(bytes);
  } catch (error) {
    return emptyPrintMetadata('3mf', [`not a readable 3MF package: ${describeError(error)}`]);
  }
  const warnings: string[] = [];
  const read = (name: string, headOnly = false): string | null => {
    const entry = findZipEntry(entries, name);
    if (entry === undefined) return null;
    try {
      const data = headOnly ? readZipEntryHead(bytes, entry) : readZipEntry(bytes, entry);
      return data.toString('utf8', 0, Math.min(data.length, headOnly ? 256 * 1024 : data.length));
    } catch (error) {
      warnings.push(`${entry.name} could not be read (${describeError(error)})`);
      return null;
    }
  };

  const settings = readProjectSettings(read('metadata/project_settings.config'), warnings);
  const application = applicationName(read('3d/3dmodel.model', true));
  const sliceInfo = read('metadata/slice_info.config');
  const heads = new Map<number, GcodeSummary | null>();
  const gcodeHead = (index: number) => {
    if (!heads.has(index)) {
      const head = read(`metadata/plate_${index}.gcode`, true);
      heads.set(index, head === null ? null : summariseGcodeComments(head.split('\n'), { countLayerChanges: false }));
    }
    return heads.get(index) ?? null;
  };
  const plates = sliceInfo === null ? [] : readPlates(sliceInfo, settings, gcodeHead);
  const slicer = plates.length > 0 ? (gcodeHead(plates[0].index)?.slicer ?? application) : application;

  if (plates.length > 0) {
    plates
      .filter((plate) => plate.estimatedSeconds === null)
      .forEach((plate) => warnings.push(`plate ${plate.index} has no time estimate`));
    if (plates.length > 1) {
      warnings.push(
        `${plates.length} sliced plates: time and filament are summed, and each plate prints as its own job`,
      );
    }
    const single = plates.length === 1 ? plates[0] : null;
    return {
      format: '3mf',
      slicer,
      estimatedSeconds: sumOrNull(
        plates.map((p) => p.estimatedSeconds),
        0,
      ),
      filamentGrams: sumOrNull(plates.map((p) => p.filamentGrams)),
      filamentMm: sumOrNull(plates.map((p) => p.filamentMm)),
      layers: single?.layers ?? null,
      printerModel: plates.find((p) => p.printerModel !== null)?.printerModel ?? null,
      nozzleMm: plates.find((p) => p.nozzleMm !== null)?.nozzleMm ?? null,
      material: distinct(plates.flatMap((p) => p.material?.split(', ') ?? [])),
      plates,
      warnings,
    };
  }

  const prusaConfig = read('metadata/slic3r_pe.config');
  if (prusaConfig !== null) {
    const summary = summariseGcodeComments(prusaConfig.split('\n'), { countLayerChanges: false });
    warnings.push(
      'a PrusaSlicer project holds settings, not sliced plates: no time or filament estimate (upload the exported G-code for one)',
    );
    return { format: '3mf', ...summary, slicer: summary.slicer ?? application, warnings };
  }
  warnings.push(
    sliceInfo !== null || settings.printerModel !== null
      ? 'the project is not sliced: no plate carries an estimate (slice it and export the plate for one)'
      : 'no slicer metadata in this 3MF (a bare model?): estimates are unknown',
  );
  return { ...emptyPrintMetadata('3mf', warnings), slicer: application, ...settings };
}
