import type { AdapterFactory } from '../../runtime/adapter.js';
import { createRealScheduler } from '../../runtime/scheduler.js';
import { MoonrakerAdapter } from './moonraker-adapter.js';
import { parseMoonrakerOptions } from './moonraker-options.js';

export { MoonrakerAdapter } from './moonraker-adapter.js';
export { parseMoonrakerOptions, type MoonrakerOptions } from './moonraker-options.js';

export const moonrakerFactory: AdapterFactory = {
  name: 'moonraker',
  validateOptions: (options) => void parseMoonrakerOptions(options),
  create: ({ machineId, options, logger, scheduler }) =>
    new MoonrakerAdapter(machineId, scheduler ?? createRealScheduler(), logger, parseMoonrakerOptions(options)),
};
