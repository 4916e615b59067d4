import type {
  Availability,
  MachineMeta,
  MachineState,
  MachineStateSnapshot,
  Telemetry,
} from '@fabrique/firmware-bridge';
import { canManageSite, type Principal } from '../auth/principal.js';
import type { Alert } from './alert.rules.js';
import type { LinkSummary } from './live-state.rules.js';
import type { MachineLive } from './machine-live.model.js';
import type { AdminStatus } from './machine.entity.js';
import { iso } from '../common/instants.js';

export interface MachineLiveView {
  machineId: string;
  siteId: string;
  adminStatus: AdminStatus;
  state: MachineState;
  stateSince: string;
  link: LinkSummary;
  bridge: { id: string; online: boolean } | null;
  availability: Availability | null;
  snapshot: MachineStateSnapshot | null;
  snapshotAt: string | null;
  meta: MachineMeta | null;
  telemetry: (Telemetry & { at: string }) | null;
  lastSeenAt: string | null;
}

export interface AlertView {
  id: string;
  siteId: string;
  machineId: string;
  kind: Alert['kind'];
  severity: Alert['severity'];
  message: string;
  interventionId: string | null;
  raisedAt: string;
}

/**
 * Live state carries no personal data but one: the job's display name is the file name a maker
 * chose, and often their own name. Its maker and the site's staff read it; other makers, other
 * sites' staff and kiosks do not. A job started at the machine is nobody's here: staff only.
 */
export function mayReadJobName(principal: Principal, siteId: string, jobOwnerId: string | null): boolean {
  if (canManageSite(principal, siteId)) return true;
  return principal.kind === 'user' && jobOwnerId !== null && principal.userId === jobOwnerId;
}

export function toMachineLiveView(live: MachineLive, showJobName: boolean): MachineLiveView {
  let snapshot = live.snapshot;
  if (!showJobName && snapshot?.job?.name !== undefined) {
    const job = { ...snapshot.job };
    delete job.name;
    snapshot = { ...snapshot, job };
  }
  return {
    machineId: live.machineId,
    siteId: live.siteId,
    adminStatus: live.adminStatus,
    state: live.state,
    stateSince: iso(live.stateSince),
    link: live.link,
    bridge: live.bridge,
    availability: live.availability,
    snapshot,
    snapshotAt: live.snapshotAt === null ? null : iso(live.snapshotAt),
    meta: live.meta,
    telemetry: live.telemetry === null ? null : { ...live.telemetry.sample, at: iso(live.telemetry.at) },
    lastSeenAt: live.lastSeenAt === null ? null : iso(live.lastSeenAt),
  };
}

export function toAlertView(alert: Alert): AlertView {
  return {
    id: alert.id,
    siteId: alert.siteId,
    machineId: alert.machineId,
    kind: alert.kind,
    severity: alert.severity,
    message: alert.message,
    interventionId: alert.interventionId ?? null,
    raisedAt: iso(alert.raisedAt),
  };
}
