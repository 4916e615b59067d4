import type { AdapterFactory } from '../../runtime/adapter.js';
import { createRealScheduler } from '../../runtime/scheduler.js';
import { BambuAdapter } from './bambu-adapter.js';
import { parseBambuOptions } from './bambu-options.js';

export { BambuAdapter } from './bambu-adapter.js';
export { parseBambuOptions, type BambuOptions } from './bambu-options.js';

export const bambuLanFactory: AdapterFactory = {
  name: 'bambu-lan',
  validateOptions: (options, configDir) => void parseBambuOptions(options, configDir),
  create: ({ machineId, options, configDir, logger, scheduler }) =>
    new BambuAdapter(machineId, scheduler ?? createRealScheduler(), logger, parseBambuOptions(options, configDir)),
};
