import type { AdapterFactory } from '../../runtime/adapter.js';
import { createRealScheduler } from '../../runtime/scheduler.js';
import { ManualEmbroideryAdapter } from './manual-embroidery-adapter.js';
import { parseManualOptions } from './manual-options.js';

export { ManualEmbroideryAdapter } from './manual-embroidery-adapter.js';
export { parseManualOptions, type ManualEmbroideryOptions } from './manual-options.js';

export const manualEmbroideryFactory: AdapterFactory = {
  name: 'manual-embroidery',
  validateOptions: (options, configDir) => void parseManualOptions(options, configDir),
  create: ({ machineId, options, configDir, logger, scheduler }) =>
    new ManualEmbroideryAdapter(
      machineId,
      scheduler ?? createRealScheduler(),
      logger,
      parseManualOptions(options, configDir),
    ),
};
