import type { MachineState, MachineStateSnapshot, Severity } from '@fabrique/firmware-bridge';
import type { AdminStatus } from './machine.entity.js';

export type AlertKind = 'machine_offline' | 'machine_error' | 'intervention_waiting' | 'awaiting_clear_too_long';

export interface AlertThresholds {
  /**
   * A finished print left on the plate blocks the next maker's booking; after this long someone
   * on staff should walk over. Long enough not to nag while the maker is still packing up.
   */
  awaitingClearMs: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = Object.freeze({ awaitingClearMs: 15 * 60_000 });

/** A reason for staff to act, as the rules see it right now. */
export interface AlertCondition {
  /** Stable while the condition lasts: the same key is the same alert. */
  key: string;
  kind: AlertKind;
  severity: Severity;
  message: string;
  interventionId?: string;
}

/** A raised alert: a condition with the machine it is about and when it was raised. */
export interface Alert extends AlertCondition {
  id: string;
  machineId: string;
  siteId: string;
  raisedAt: number;
}

export interface AlertInputs {
  adminStatus: AdminStatus;
  state: MachineState;
  /** When `state` last changed (service clock). */
  stateSince: number;
  snapshot: Pick<MachineStateSnapshot, 'interventions'> | null;
}

/**
 * The conditions staff should see for one machine at `now`. Nothing for a machine out of service
 * (staff already know), and nothing read from the snapshot of an offline machine: it is stale.
 */
export function alertConditions(
  inputs: AlertInputs,
  now: number,
  thresholds: AlertThresholds = DEFAULT_ALERT_THRESHOLDS,
): AlertCondition[] {
  if (inputs.adminStatus !== 'active') return [];
  if (inputs.state === 'offline') {
    return [{ key: 'offline', kind: 'machine_offline', severity: 'error', message: 'The machine is offline.' }];
  }
  if (inputs.state === 'unknown' || inputs.state === 'maintenance') return [];
  const conditions: AlertCondition[] = [];
  const interventions = inputs.snapshot?.interventions ?? [];
  if (inputs.state === 'error') {
    const cause = interventions.find((i) => i.severity === 'error' || i.severity === 'fatal');
    conditions.push({
      key: 'error',
      kind: 'machine_error',
      severity: 'error',
      message: cause ? `The machine reports an error: ${cause.message}` : 'The machine reports an error.',
    });
  }
  for (const intervention of interventions) {
    if (!intervention.blocking) continue;
    conditions.push({
      key: `intervention:${intervention.id}`,
      kind: 'intervention_waiting',
      severity: intervention.severity,
      message: intervention.message,
      interventionId: intervention.id,
    });
  }
  if (inputs.state === 'awaiting_clear' && now - inputs.stateSince >= thresholds.awaitingClearMs) {
    conditions.push({
      key: 'awaiting_clear',
      kind: 'awaiting_clear_too_long',
      severity: 'warning',
      message: `The build area has waited to be cleared for more than ${Math.round(thresholds.awaitingClearMs / 60_000)} min.`,
    });
  }
  return conditions;
}

export interface AlertDiff {
  raised: AlertCondition[];
  cleared: Alert[];
  /** Alerts still active, in their original order; `raised` come after them once raised. */
  kept: Alert[];
}

/** Which alerts to raise and which to clear to go from `active` to `conditions`. */
export function diffAlerts(active: readonly Alert[], conditions: readonly AlertCondition[]): AlertDiff {
  const wanted = new Set(conditions.map((c) => c.key));
  const present = new Set(active.map((a) => a.key));
  return {
    raised: conditions.filter((c) => !present.has(c.key)),
    cleared: active.filter((a) => !wanted.has(a.key)),
    kept: active.filter((a) => wanted.has(a.key)),
  };
}

export function alertId(machineId: string, key: string): string {
  return `${machineId}:${key}`;
}

/** The machine's alerts after applying `conditions`: what stays, what was raised now, what cleared. */
export function reconcileAlerts(
  active: readonly Alert[],
  conditions: readonly AlertCondition[],
  about: { machineId: string; siteId: string; now: number },
): { alerts: Alert[]; raised: Alert[]; cleared: Alert[] } {
  const { raised, cleared, kept } = diffAlerts(active, conditions);
  const fresh = raised.map((condition) => ({
    ...condition,
    id: alertId(about.machineId, condition.key),
    machineId: about.machineId,
    siteId: about.siteId,
    raisedAt: about.now,
  }));
  return { alerts: [...kept, ...fresh], raised: fresh, cleared };
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, fatal: 3 };

/** Most severe first, then oldest first: what staff should look at first. */
export function sortAlerts(alerts: Alert[]): Alert[] {
  return alerts.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.raisedAt - b.raisedAt);
}
