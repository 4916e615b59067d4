import type { AvailabilityState, MachineState, MachineStateSnapshot } from '@fabrique/firmware-bridge';
import type { AdminStatus } from './machine.entity.js';

/** The link between the service and a machine, as one word: bridge connection and machine link combined. */
export type LinkSummary = AvailabilityState | 'unknown';

/** What the service knows about a machine, as far as its state is concerned. */
export interface StateInputs {
  adminStatus: AdminStatus;
  /** Null while no bridge has spoken for the machine (never, or since its retained state was cleared). */
  bridgeOnline: boolean | null;
  availability: AvailabilityState | null;
  snapshot: Pick<MachineStateSnapshot, 'state'> | null;
}

/**
 * The state everyone sees. `maintenance` is the service's word and outranks anything a bridge
 * says (firmware-bridge/CONTRACT.md): staff took the machine out of service, whatever its firmware thinks. A bridge
 * that lost its connection (its last will) or a machine the bridge cannot reach is `offline`, even
 * if the last snapshot said `idle`: a stale `idle` would let the scheduler send it a job.
 */
export function effectiveState(inputs: StateInputs): MachineState {
  if (inputs.adminStatus === 'maintenance') return 'maintenance';
  if (inputs.bridgeOnline === null) return 'unknown';
  if (!inputs.bridgeOnline || inputs.availability === 'offline') return 'offline';
  return inputs.snapshot?.state ?? 'unknown';
}

export function linkSummary(inputs: Pick<StateInputs, 'bridgeOnline' | 'availability'>): LinkSummary {
  if (inputs.bridgeOnline === null) return 'unknown';
  if (!inputs.bridgeOnline) return 'offline';
  // A bridge that is up but has not said how its machine link is: it spoke, so assume online.
  return inputs.availability ?? 'online';
}

export type ClearRefusal = 'NOT_AWAITING_CLEAR' | 'NO_SERVING_BRIDGE';

/**
 * Staff may confirm the build area is clear only while the machine waits for exactly that, and
 * only through a bridge that is connected: a command to an offline bridge would sit in a queue
 * and clear a plate later, when nobody is looking.
 */
export function clearRefusal(state: MachineState, bridge: { id: string; online: boolean } | null): ClearRefusal | null {
  if (bridge === null || !bridge.online) return 'NO_SERVING_BRIDGE';
  if (state !== 'awaiting_clear') return 'NOT_AWAITING_CLEAR';
  return null;
}
