// The interventions a machine reports, level-triggered: each reading lists what is wrong now, and
// the set turns the differences into edge events (`intervention.raised` / `.cleared`, plus
// `fault.raised` / `.cleared` for errors). An intervention keeps its first `since`.
import type { Intervention } from '../../contract/index.js';
import type { MachineEvent } from '../../runtime/adapter.js';
import type { InterventionSpec } from './native-view.js';

const isFault = (i: Intervention) => i.severity === 'error' || i.severity === 'fatal';

export class InterventionSet {
  private readonly current = new Map<string, Intervention>();

  constructor(
    private readonly now: () => string,
    private readonly event: (event: MachineEvent) => void,
  ) {}

  values(): Intervention[] {
    return [...this.current.values()];
  }

  /** Quietly takes over a previous process's interventions (no events). */
  restore(interventions: readonly Intervention[]): void {
    this.current.clear();
    for (const i of interventions) this.current.set(i.id, i);
  }

  sync(specs: readonly InterventionSpec[], max: number): void {
    const seen = new Set<string>();
    for (const spec of specs.slice(0, max)) {
      if (seen.has(spec.id)) continue;
      seen.add(spec.id);
      const existing = this.current.get(spec.id);
      if (existing) {
        this.current.set(spec.id, { ...spec, since: existing.since });
        continue;
      }
      const intervention: Intervention = { ...spec, since: this.now() };
      this.current.set(spec.id, intervention);
      this.event({ type: 'intervention.raised', data: { intervention } });
      if (isFault(intervention)) {
        const { id, severity, nativeCode, message, since } = intervention;
        this.event({ type: 'fault.raised', data: { id, severity, nativeCode, message, since } });
      }
    }
    for (const [id, gone] of this.current) {
      if (seen.has(id)) continue;
      this.current.delete(id);
      this.event({ type: 'intervention.cleared', data: { id, kind: gone.kind } });
      if (isFault(gone)) this.event({ type: 'fault.cleared', data: { id, nativeCode: gone.nativeCode } });
    }
  }
}
