import { describe, expect, it } from '@jest/globals';
import { payloadNames, readPayload } from '../../testing/fidelity-payloads.js';
import type { NativeView } from '../native-kit/job-tracker.js';
import { rec } from '../native-kit/read.js';
import { readKlipper } from './moonraker-status.js';

// Klipper's printer objects as Moonraker delivers them, from ../shared/fidelity-data/payloads/moonraker
// (Moonraker's docs/printer_objects.md examples, and the Home Assistant integration's printing
// fixture), each under `status` as a subscribe answer holds them.

/** Remaining time as the adapter estimates it: elapsed print time scaled by the part not yet done. */
const linearRemaining = (elapsedS: number, fraction: number) => (elapsedS / fraction) * (1 - fraction);

const EXPECTED: Record<string, Partial<NativeView>> = {
  // webhooks "ready", print_stats "standby", every heater at 0
  'docs-printer-objects-ready.json': {
    phase: 'idle',
    substate: 'standby',
    temps: { nozzle: { current: 0, target: 0 }, bed: { current: 0, target: 0 } },
  },
  // webhooks "startup": Klipper is still starting, whatever print_stats says
  'docs-printer-objects-startup.json': {
    phase: 'initializing',
    substate: 'klippy startup',
    temps: { nozzle: { current: 0, target: 0 }, bed: { current: 0, target: 0 } },
  },
  // printing with 5,000 mm of filament used, display_status.progress 0.9078…, layer 22 of 33, two
  // extruders and a bed, both runout sensors detecting filament
  'ha-integration-conftest-printing.json': {
    phase: 'running',
    substate: 'printing',
    jobName: 'CE3E3V2_picture_frame_holder.gcode',
    progress: {
      progressPct: 90.78104237663283,
      elapsedS: 8014.528148686048,
      remainingS: linearRemaining(8014.528148686048, 0.9078104237663283),
      layer: { current: 22, total: 33 },
    },
    temps: {
      nozzle: { current: 205.02, target: 205 },
      nozzle1: { current: 220.01, target: 220 },
      bed: { current: 60.01, target: 60 },
    },
  },
};

describe('Klipper status from fidelity-data/payloads/moonraker', () => {
  it.each(payloadNames('moonraker'))('reads %s', (name) => {
    const expected = EXPECTED[name];
    if (expected === undefined) throw new Error(`moonraker/${name} is new: add what it should read as to this table`);
    const { view } = readKlipper(rec(readPayload('moonraker', name).status));
    expect(view).toMatchObject({ interventions: [], ...expected });
    if (!('progress' in expected)) expect(view.progress).toBeUndefined();
    if (!('jobName' in expected)) expect(view.jobName).toBeUndefined();
  });
});
