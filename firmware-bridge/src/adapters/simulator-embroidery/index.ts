import type { AdapterFactory } from '../../runtime/adapter.js';
import { createRealScheduler } from '../../runtime/scheduler.js';
import { parseEmbroideryOptions } from './embroidery-options.js';
import { EmbroiderySimulator } from './embroidery-simulator.js';

export { EmbroiderySimulator } from './embroidery-simulator.js';
export {
  EMBROIDERY_FAULT_KINDS,
  parseEmbroideryOptions,
  type EmbroideryFaultKind,
  type EmbroideryOptions,
} from './embroidery-options.js';

export const simulatorEmbroideryFactory: AdapterFactory = {
  name: 'simulator-embroidery',
  validateOptions: (options, configDir) => void parseEmbroideryOptions(options, 'validation', configDir),
  create: ({ machineId, options, configDir, scheduler }) => {
    const parsed = parseEmbroideryOptions(options, machineId, configDir);
    return new EmbroiderySimulator(machineId, scheduler ?? createRealScheduler({ warp: parsed.warp }), parsed);
  },
};
