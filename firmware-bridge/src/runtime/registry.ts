// Adapter name → factory. Adding a protocol (moonraker, octoprint, bambu-lan) is one line here
// and one folder under adapters/. Kept apart from adapter.ts so adapters can import the
// interface without an import cycle through the registry.
import { simulatorEmbroideryFactory } from '../adapters/simulator-embroidery/index.js';
import { simulatorFdmFactory } from '../adapters/simulator-fdm/index.js';
import type { AdapterFactory, MachineAdapter } from './adapter.js';
import type { BridgeConfig } from './config.js';
import type { Logger } from './logger.js';
import type { Scheduler } from './scheduler.js';

export const adapterRegistry: Readonly<Record<string, AdapterFactory>> = Object.freeze({
  [simulatorFdmFactory.name]: simulatorFdmFactory,
  [simulatorEmbroideryFactory.name]: simulatorEmbroideryFactory,
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
