import { describe, expect, it } from '@jest/globals';
import { contractExamples } from '@fabrique/firmware-bridge';
import {
  alertConditions,
  alertId,
  diffAlerts,
  reconcileAlerts,
  sortAlerts,
  type Alert,
  type AlertInputs,
} from './alert.rules.js';

const NOW = Date.UTC(2026, 10, 23, 9, 0);
const MIN = 60_000;

const inputs = (o: Partial<AlertInputs> = {}): AlertInputs => ({
  adminStatus: 'active',
  state: 'idle',
  stateSince: NOW - 5 * MIN,
  snapshot: { interventions: [] },
  ...o,
});

const kinds = (o: Partial<AlertInputs>, now = NOW) => alertConditions(inputs(o), now).map((c) => c.kind);

describe('alertConditions', () => {
  it('raises nothing for an idle machine', () => {
    expect(kinds({})).toEqual([]);
  });

  it('raises an offline alert, and nothing from the stale snapshot of an offline machine', () => {
    const blocking = contractExamples.buildIntervention({ blocking: true });
    expect(kinds({ state: 'offline', snapshot: { interventions: [blocking] } })).toEqual(['machine_offline']);
  });

  it('raises an error alert naming the intervention that caused it', () => {
    const fault = contractExamples.buildIntervention({ severity: 'fatal', blocking: false, message: 'Heater runaway' });
    const [alert] = alertConditions(inputs({ state: 'error', snapshot: { interventions: [fault] } }), NOW);
    expect(alert).toMatchObject({ kind: 'machine_error', severity: 'error' });
    expect(alert.message).toContain('Heater runaway');
  });

  it('raises one alert per blocking intervention, with its severity, and none for the others', () => {
    const runout = contractExamples.buildIntervention({ id: 'runout', blocking: true, severity: 'warning' });
    const hint = contractExamples.buildIntervention({ id: 'hint', blocking: false, severity: 'info' });
    const conditions = alertConditions(inputs({ state: 'paused', snapshot: { interventions: [runout, hint] } }), NOW);
    expect(conditions).toEqual([
      expect.objectContaining({ key: 'intervention:runout', severity: 'warning', interventionId: 'runout' }),
    ]);
  });

  it('raises awaiting_clear only once the threshold has passed', () => {
    const since = NOW;
    expect(kinds({ state: 'awaiting_clear', stateSince: since }, since + 15 * MIN - 1)).toEqual([]);
    expect(kinds({ state: 'awaiting_clear', stateSince: since }, since + 15 * MIN)).toEqual([
      'awaiting_clear_too_long',
    ]);
  });

  it('takes the threshold it is given', () => {
    const conditions = alertConditions(inputs({ state: 'awaiting_clear', stateSince: NOW - 2 * MIN }), NOW, {
      awaitingClearMs: MIN,
    });
    expect(conditions.map((c) => c.kind)).toEqual(['awaiting_clear_too_long']);
  });

  it.each(['maintenance', 'retired'] as const)('stays silent for a machine in %s', (adminStatus) => {
    expect(kinds({ adminStatus, state: 'offline' })).toEqual([]);
  });

  it('stays silent for a machine nobody has heard from', () => {
    expect(kinds({ state: 'unknown', snapshot: null })).toEqual([]);
  });
});

describe('diffAlerts', () => {
  const alert = (key: string): Alert => ({
    id: alertId('m1', key),
    key,
    kind: 'machine_offline',
    severity: 'error',
    message: key,
    machineId: 'm1',
    siteId: 's1',
    raisedAt: NOW,
  });

  it('raises new conditions, clears gone ones, keeps the rest untouched', () => {
    const active = [alert('offline'), alert('error')];
    const diff = diffAlerts(active, [
      { key: 'error', kind: 'machine_error', severity: 'error', message: 'changed wording' },
      { key: 'intervention:x', kind: 'intervention_waiting', severity: 'warning', message: 'x' },
    ]);
    expect(diff.raised.map((c) => c.key)).toEqual(['intervention:x']);
    expect(diff.cleared.map((a) => a.key)).toEqual(['offline']);
    expect(diff.kept).toEqual([active[1]]);
  });

  it('changes nothing when the conditions are the same', () => {
    const active = [alert('offline')];
    const diff = diffAlerts(active, [{ key: 'offline', kind: 'machine_offline', severity: 'error', message: '' }]);
    expect(diff).toEqual({ raised: [], cleared: [], kept: active });
  });

  it('reconciles: raised alerts carry the machine, the site and when they were raised', () => {
    const active = [alert('offline')];
    const result = reconcileAlerts(active, [{ key: 'error', kind: 'machine_error', severity: 'error', message: 'e' }], {
      machineId: 'm1',
      siteId: 's1',
      now: NOW + 1,
    });
    expect(result.cleared).toEqual(active);
    expect(result.raised).toEqual([
      expect.objectContaining({ id: 'm1:error', machineId: 'm1', siteId: 's1', raisedAt: NOW + 1 }),
    ]);
    expect(result.alerts).toEqual(result.raised);
  });

  it('sorts the most severe first, then the oldest', () => {
    const at = (key: string, severity: Alert['severity'], raisedAt: number) => ({ ...alert(key), severity, raisedAt });
    const sorted = sortAlerts([at('a', 'warning', 1), at('b', 'fatal', 3), at('c', 'warning', 0), at('d', 'error', 2)]);
    expect(sorted.map((a) => a.key)).toEqual(['b', 'd', 'c', 'a']);
  });
});
