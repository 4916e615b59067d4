import type { AdapterFactory } from '../../runtime/adapter.js';
import { createRealScheduler } from '../../runtime/scheduler.js';
import { OctoPrintAdapter } from './octoprint-adapter.js';
import { parseOctoPrintOptions } from './octoprint-options.js';

export { OctoPrintAdapter } from './octoprint-adapter.js';
export { parseOctoPrintOptions, type OctoPrintOptions } from './octoprint-options.js';

export const octoprintFactory: AdapterFactory = {
  name: 'octoprint',
  validateOptions: (options) => void parseOctoPrintOptions(options),
  create: ({ machineId, options, logger, scheduler }) =>
    new OctoPrintAdapter(machineId, scheduler ?? createRealScheduler(), logger, parseOctoPrintOptions(options)),
};
