import { describe, expect, it } from '@jest/globals';
import { payloadNames, readPayload } from '../../testing/fidelity-payloads.js';
import type { NativeView } from '../native-kit/job-tracker.js';
import { mergeDeep, rec, type JsonObject } from '../native-kit/read.js';
import { readReport } from './bambu-report.js';

// Every report in ../shared/fidelity-data/payloads/bambu (ha-bambulab's test payloads and the
// OpenBambuAPI pushall), read as the adapter reads the merged `print` state. Expected values are
// the payloads' own fields, decoded as ha-bambulab does (packed heaters: low 16 bits current, high
// 16 target; its test_models.py asserts the H2D's right nozzle at 264 °C, target 225).

/** The `print` report inside each sample: `print`, `pushall.print`, or `push_all` itself. */
function printReport(payload: JsonObject): JsonObject {
  if ('print' in payload) return rec(payload.print);
  if ('pushall' in payload) return rec(rec(payload.pushall).print);
  return rec(payload.push_all);
}

const EXPECTED: Record<string, Partial<NativeView>> = {
  'ha-bambulab-2AMS1-1AMS2-1AMSHT.json': {
    phase: 'idle',
    substate: 'FINISH',
    jobName: 'Garden Hose Healer: Male fitting',
    // device.extruder.info[0].temp 26, device.bed.info.temp 23, device.ctc.info.temp 25 (no chamber_temper)
    temps: { nozzle: { current: 26, target: 0 }, bed: { current: 23, target: 0 }, chamber: { current: 25, target: 0 } },
  },
  'ha-bambulab-H2D.json': {
    phase: 'preparing',
    substate: 'cleaning_nozzle_tip', // stg_cur 14
    jobName: 'Number 10 House Numbers_plate_1',
    progress: { progressPct: 0, remainingS: 115 * 60, layer: { current: 0, total: 26 } },
    temps: {
      nozzle: { current: 264, target: 225 }, // extruder.state 2: the right nozzle (id 0) is active; nozzle_temper says 40
      bed: { current: 100, target: 100 }, // 6553700 = 100 << 16 | 100
      chamber: { current: 48, target: 60 }, // ctc 3932208 = 60 << 16 | 48; chamber_temper still says 49
    },
  },
  'ha-bambulab-MOCK-A1.json': {
    phase: 'idle',
    substate: 'IDLE',
    temps: {
      nozzle: { current: 27.8125, target: 0 },
      bed: { current: 29.75, target: 0 },
      chamber: { current: 5, target: null },
    },
  },
  'ha-bambulab-MOCK-H2D.json': {
    phase: 'running',
    substate: 'printing',
    jobName: 'T-pose - slim H2D dual AMS riser',
    progress: { progressPct: 6, remainingS: 549 * 60, layer: { current: 1, total: 200 } },
    temps: {
      nozzle: { current: 245, target: 245 }, // 16056565 = 245 << 16 | 245
      bed: { current: 70, target: 70 },
      chamber: { current: 35, target: 0 }, // ctc 35; chamber_temper says 36
    },
  },
  'ha-bambulab-MOCK-MISC.json': {
    phase: 'running',
    substate: 'printing',
    jobName: 'CyberBrick Gridfinity Organizer Box',
    progress: { progressPct: 22, remainingS: 163 * 60, layer: { current: 2, total: 37 } },
    temps: {
      nozzle: { current: 219, target: 220 },
      bed: { current: 60, target: 60 },
      chamber: { current: 36, target: null },
    },
    // hms attr 0x0C000300 code 0x00030007: the camera's "Possible first layer defects", a warning
    interventions: [
      {
        id: 'hms-0C00_0300_0003_0007',
        kind: 'quality_defect',
        severity: 'warning',
        blocking: false,
        resumable: true,
        nativeCode: '0C00_0300_0003_0007',
        message: 'HMS 0C00_0300_0003_0007',
        actions: ['attend_at_machine'],
      },
    ],
  },
  'ha-bambulab-MOCK-P1PNOAMS.json': {
    phase: 'idle',
    substate: 'FINISH',
    jobName: 'sensor_altanlås_v2_v3',
    temps: {
      nozzle: { current: 25.90625, target: 0 },
      bed: { current: 23.125, target: 0 },
      chamber: { current: 5, target: null },
    },
  },
  'ha-bambulab-MOCK-P2S.json': {
    phase: 'running',
    substate: 'printing',
    jobName: 'Rear Dry Pod AMS 2 PRO ',
    progress: { progressPct: 64, remainingS: 62 * 60, layer: { current: 170, total: 305 } },
    temps: {
      nozzle: { current: 254, target: 255 }, // 16711934 = 255 << 16 | 254
      bed: { current: 70, target: 70 },
      chamber: { current: 47, target: 0 }, // only under device.ctc
    },
  },
  'ha-bambulab-MOCK-X1CMULTIAMS.json': {
    phase: 'idle',
    substate: 'FINISH',
    jobName: 'Garden Hose Healer: Male fitting',
    temps: { nozzle: { current: 26, target: 0 }, bed: { current: 23, target: 0 }, chamber: { current: 25, target: 0 } },
  },
  'ha-bambulab-P1P.json': {
    phase: 'idle',
    substate: 'FAILED',
    jobName: 'Fidget Collection',
    temps: {
      nozzle: { current: 21.25, target: 0 },
      bed: { current: 19.84375, target: 0 },
      chamber: { current: 5, target: null },
    },
  },
  'openbambuapi-pushall.json': {
    phase: 'idle',
    substate: 'IDLE',
    temps: {
      nozzle: { current: 25, target: 25 },
      bed: { current: 25, target: 25 },
      chamber: { current: 24, target: null },
    },
  },
};

describe('Bambu reports from fidelity-data/payloads/bambu', () => {
  it.each(payloadNames('bambu'))('reads %s', (name) => {
    const expected = EXPECTED[name];
    if (expected === undefined) throw new Error(`bambu/${name} is new: add what it should read as to this table`);
    const { view } = readReport(printReport(readPayload('bambu', name)));
    expect(view).toMatchObject({ interventions: [], ...expected });
    if (!('progress' in expected)) expect(view.progress).toBeUndefined();
    if (!('jobName' in expected)) expect(view.jobName).toBeUndefined();
  });

  it('follows the H2D to its left nozzle when a delta switches extruder.state to 0x12', () => {
    const samples = readPayload('bambu', 'ha-bambulab-H2D.json');
    const merged = mergeDeep(printReport(samples), rec(samples.push_left_extruder));
    // The left nozzle (id 1) packs 40 °C and no target; ha-bambulab's extruder test expects index 1.
    expect(readReport(merged).view.temps?.nozzle).toEqual({ current: 40, target: 0 });
  });
});
