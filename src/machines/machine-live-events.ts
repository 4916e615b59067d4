import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { EventType, MachineState, MachineStateSnapshot } from '@fabrique/firmware-bridge';
import type { Alert } from './alert.rules.js';
import type { LinkSummary } from './live-state.rules.js';

export type MachineLiveEvent =
  /** The state everyone sees changed, or the bridge sent a different snapshot (not a heartbeat). */
  | {
      type: 'machine.state_changed';
      at: number;
      siteId: string;
      machineId: string;
      state: MachineState;
      previousState: MachineState;
      snapshot: MachineStateSnapshot | null;
    }
  /** The link to the machine changed: bridge connected / lost (its last will), machine reachable or not. */
  | {
      type: 'machine.availability_changed';
      at: number;
      siteId: string;
      machineId: string;
      link: LinkSummary;
      previousLink: LinkSummary;
      bridgeId: string | null;
    }
  /** An edge event from a bridge, once per `msgId`. */
  | {
      type: 'machine.event';
      at: number;
      siteId: string;
      machineId: string;
      bridgeId: string;
      event: { msgId: string; type: EventType; ts: string; data: unknown };
    }
  | { type: 'alert.raised' | 'alert.cleared'; at: number; siteId: string; machineId: string; alert: Alert };

export type MachineLiveEventType = MachineLiveEvent['type'];

/**
 * Domain events of machines' live state, emitted after the in-memory state changed. Live
 * occupancy and dashboards subscribe here; none of them reads the bridge's messages itself.
 */
@Injectable()
export class MachineLiveEvents {
  readonly events$ = new Subject<MachineLiveEvent>();

  emit(event: MachineLiveEvent): void {
    this.events$.next(event);
  }
}
