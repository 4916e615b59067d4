// The bridge runtime's public API, for `fabrique-bridge` and for tests on the service side that
// start a real bridge. Kept out of the package root (src/index.ts) on purpose: the service imports
// the contract from there and should not pull in mqtt.js, yaml or the simulators.
export * from './adapter.js';
export { Bridge, type BridgeOptions, type BridgeStats } from './bridge.js';
export { runCli } from './cli.js';
export {
  ConfigError,
  loadBridgeConfig,
  parseBridgeConfig,
  PASSWORD_ENV,
  type BridgeConfig,
  type MachineConfig,
} from './config.js';
export { createJsonLogger, LogThrottle, silentLogger, type LogFields, type Logger, type LogLevel } from './logger.js';
export { adapterRegistry, createAdapters } from './registry.js';
export {
  createRealScheduler,
  VirtualScheduler,
  type Clock,
  type RealSchedulerOptions,
  type Scheduler,
  type TimerHandle,
} from './scheduler.js';
