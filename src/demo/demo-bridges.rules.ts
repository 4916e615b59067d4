import type { MachineKind } from '../config/app-config.js';

/** The simulator that plays each machine kind in the demo; kinds with none are left out. */
const SIMULATOR_BY_KIND: Partial<Record<MachineKind, string>> = {
  fdm_printer: 'simulator-fdm',
  embroidery: 'simulator-embroidery',
};

export interface DemoMachine {
  id: string;
  kind: MachineKind;
  vendor: string | null;
  model: string | null;
  capabilities: Record<string, unknown>;
}

export interface DemoBridgePlan {
  bridgeId: string;
  machines: Array<{ machineId: string; adapter: string; options: Record<string, unknown> }>;
}

/**
 * One simulated bridge per site, serving every machine a simulator can play, configured from
 * what config declares of the machine (vendor, model, needles, speed) so the demo looks like
 * the real network.
 */
export function planDemoBridge(siteId: string, machines: readonly DemoMachine[], warp: number): DemoBridgePlan | null {
  const playable = machines.flatMap((machine) => {
    const adapter = SIMULATOR_BY_KIND[machine.kind];
    if (!adapter) return [];
    const options: Record<string, unknown> = { warp };
    if (machine.vendor) options.vendor = machine.vendor;
    if (machine.model) options.model = machine.model;
    const { needles, stitchesPerMinute } = machine.capabilities;
    if (adapter === 'simulator-embroidery' && typeof needles === 'number') options.needles = needles;
    if (adapter === 'simulator-embroidery' && typeof stitchesPerMinute === 'number') options.spm = stitchesPerMinute;
    return [{ machineId: machine.id, adapter, options }];
  });
  if (playable.length === 0) return null;
  return { bridgeId: `demo-${siteId}`.slice(0, 64), machines: playable };
}
