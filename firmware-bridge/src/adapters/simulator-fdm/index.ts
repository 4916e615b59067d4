import type { AdapterFactory } from '../../runtime/adapter.js';
import { createRealScheduler } from '../../runtime/scheduler.js';
import { parseFdmOptions } from './fdm-options.js';
import { FdmSimulator } from './fdm-simulator.js';

export { FdmSimulator } from './fdm-simulator.js';
export { FDM_FAULT_KINDS, parseFdmOptions, type FdmFaultKind, type FdmOptions } from './fdm-options.js';

export const simulatorFdmFactory: AdapterFactory = {
  name: 'simulator-fdm',
  validateOptions: (options, configDir) => void parseFdmOptions(options, 'validation', configDir),
  create: ({ machineId, options, configDir, scheduler }) => {
    const parsed = parseFdmOptions(options, machineId, configDir);
    return new FdmSimulator(machineId, scheduler ?? createRealScheduler({ warp: parsed.warp }), parsed);
  },
};
