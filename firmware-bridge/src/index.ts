// Public API of @fabrique/firmware-bridge. The service imports the contract from here:
//   import { decodeMessage, type MachineStateSnapshot } from '@fabrique/firmware-bridge';
export * from './contract/index.js';
