import { describe, expect, it } from '@jest/globals';
import { planDemoBridge } from './demo-bridges.rules.js';

describe('planDemoBridge', () => {
  it('plays printers and embroidery machines with their declared speed and needles, and skips the rest', () => {
    const plan = planDemoBridge(
      'saint-ouen',
      [
        { id: 'p1', kind: 'fdm_printer', vendor: 'Prusa Research', model: 'MK4', capabilities: {} },
        {
          id: 'e1',
          kind: 'embroidery',
          vendor: 'Brother',
          model: 'PP1',
          capabilities: { needles: 1, stitchesPerMinute: 400 },
        },
        { id: 'l1', kind: 'laser_cutter', vendor: null, model: null, capabilities: {} },
      ],
      10,
    );
    expect(plan).toEqual({
      bridgeId: 'demo-saint-ouen',
      machines: [
        { machineId: 'p1', adapter: 'simulator-fdm', options: { warp: 10, vendor: 'Prusa Research', model: 'MK4' } },
        {
          machineId: 'e1',
          adapter: 'simulator-embroidery',
          options: { warp: 10, vendor: 'Brother', model: 'PP1', needles: 1, spm: 400 },
        },
      ],
    });
  });

  it('makes no bridge for a site with nothing to simulate', () => {
    expect(planDemoBridge('x', [{ id: 'c', kind: 'cnc', vendor: null, model: null, capabilities: {} }], 1)).toBeNull();
  });
});
