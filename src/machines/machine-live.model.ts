import type {
  Availability,
  MachineMeta,
  MachineState,
  MachineStateSnapshot,
  Telemetry,
} from '@fabrique/firmware-bridge';
import type { Alert } from './alert.rules.js';
import type { LinkSummary } from './live-state.rules.js';
import type { RegisteredMachine } from './machine-registry.js';
import type { AdminStatus } from './machine.entity.js';

/** What the service knows about one machine right now. Lives in memory only. */
export interface MachineLive {
  machineId: string;
  siteId: string;
  adminStatus: AdminStatus;
  /** The state everyone sees (`maintenance` and `offline` may override the bridge's word). */
  state: MachineState;
  stateSince: number;
  link: LinkSummary;
  /** The bridge serving the machine, and whether its connection is up (its last will says not). */
  bridge: { id: string; online: boolean } | null;
  availability: Availability | null;
  /** The bridge's last full snapshot, as sent; `snapshotAt` is when it arrived. */
  snapshot: MachineStateSnapshot | null;
  snapshotAt: number | null;
  meta: MachineMeta | null;
  /** The last telemetry sample only: telemetry is sampled, never stored. */
  telemetry: { sample: Telemetry; at: number } | null;
  lastSeenAt: number | null;
  alerts: Alert[];
}

/** What bridges said about a machine; dropped when its retained state is cleared. */
export interface Reported {
  bridgeId: string;
  snapshot: MachineStateSnapshot | null;
  snapshotAt: number | null;
  availability: Availability | null;
  meta: MachineMeta | null;
  telemetry: { sample: Telemetry; at: number } | null;
  lastSeenAt: number;
}

/** What the service concluded about a machine, kept to notice changes. */
export interface Derived {
  state: MachineState;
  since: number;
  link: LinkSummary;
  alerts: Alert[];
  /** Recent event ids: most redeliveries are caught here; the table's key catches the rest. */
  recentEvents: string[];
}

export function toMachineLive(
  machineId: string,
  registered: RegisteredMachine,
  derived: Derived,
  entry: Reported | undefined,
  bridgeOnline: boolean | null,
): MachineLive {
  return {
    machineId,
    siteId: registered.siteId,
    adminStatus: registered.adminStatus,
    state: derived.state,
    stateSince: derived.since,
    link: derived.link,
    bridge: entry ? { id: entry.bridgeId, online: bridgeOnline ?? true } : null,
    availability: entry?.availability ?? null,
    snapshot: entry?.snapshot ?? null,
    snapshotAt: entry?.snapshotAt ?? null,
    meta: entry?.meta ?? null,
    telemetry: entry?.telemetry ?? null,
    lastSeenAt: entry?.lastSeenAt ?? null,
    alerts: [...derived.alerts],
  };
}
