// Adapter name → factory. Adding a protocol is one line here
// and one folder under adapters/. Kept apart from adapter.ts so adapters can import the
// interface without an import cycle through the registry.
import { bambuLanFactory } from '../adapters/bambu-lan/index.js';
import { manualEmbroideryFactory } from '../adapters/manual-embroidery/index.js';
import { moonrakerFactory } from '../adapters/moonraker/index.js';
import { octoprintFactory } from '../adapters/octoprint/index.js';
import { simulatorEmbroideryFactory } from '../adapters/simulator-embroidery/index.js';
import { simulatorFdmFactory } from '../adapters/simulator-fdm/index.js';
import type { AdapterFactory, MachineAdapter } from './adapter.js';
import type { BridgeConfig } from './config.js';
import type { Logger } from './logger.js';
import type { Scheduler } from './scheduler.js';

export const adapterRegistry: Readonly<Record<string, AdapterFactory>> = Object.freeze({
  [simulatorFdmFactory.name]: simulatorFdmFactory,
  [simulatorEmbroideryFactory.name]: simulatorEmbroideryFactory,
  [octoprintFactory.name]: octoprintFactory,
  [moonrakerFactory.name]: moonrakerFactory,
  [bambuLanFactory.name]: bambuLanFactory,
  [manualEmbroideryFactory.name]: manualEmbroideryFactory,
});

/** One adapter per configured machine, in config order. */
export function createAdapters(
  config: Pick<BridgeConfig, 'machines' | 'configDir'>,
  logger: Logger,
  options: { registry?: Readonly<Record<string, AdapterFactory>>; scheduler?: Scheduler } = {},
): MachineAdapter[] {
  const registry = options.registry ?? adapterRegistry;
  return config.machines.map((m) =>
    registry[m.adapter].create({
      machineId: m.machineId,
      options: m.options,
      configDir: config.configDir,
      logger,
      scheduler: options.scheduler,
    }),
  );
}
