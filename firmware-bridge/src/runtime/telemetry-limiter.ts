// Telemetry is QoS 0 and never retained: a sample is worth sending only if nobody has had one
// for a while. CONTRACT.md: 2–5 s while a job runs, 30 s idle; `set_telemetry_rate` overrides that
// for a while (a staff member watching a first layer), and a reconnect returns to the defaults.
import type { BridgeMachineState, SetTelemetryRateParams } from '../contract/index.js';

const ACTIVE: readonly BridgeMachineState[] = [
  'busy',
  'receiving',
  'preparing',
  'running',
  'pausing',
  'paused',
  'stopping',
];

interface Override {
  intervalMs: number;
  untilMs: number | null;
}

export class TelemetryLimiter {
  private readonly lastSent = new Map<string, number>();
  private readonly overrides = new Map<string, Override>();

  constructor(
    private readonly defaults: { runningSeconds: number; idleSeconds: number },
    private readonly now: () => number,
  ) {}

  intervalMs(machineId: string, state: BridgeMachineState): number {
    const override = this.overrides.get(machineId);
    if (override && (override.untilMs === null || override.untilMs > this.now())) return override.intervalMs;
    if (override) this.overrides.delete(machineId);
    const seconds = ACTIVE.includes(state) ? this.defaults.runningSeconds : this.defaults.idleSeconds;
    return seconds * 1000;
  }

  /** True (and records the send) when a sample for this machine may go out now. */
  take(machineId: string, state: BridgeMachineState): boolean {
    const now = this.now();
    const last = this.lastSent.get(machineId);
    if (last !== undefined && now - last < this.intervalMs(machineId, state)) return false;
    this.lastSent.set(machineId, now);
    return true;
  }

  set(machineId: string, params: SetTelemetryRateParams): void {
    const untilMs = params.durationS === undefined ? null : this.now() + params.durationS * 1000;
    this.overrides.set(machineId, { intervalMs: params.intervalS * 1000, untilMs });
    this.lastSent.delete(machineId); // the first sample at the new rate goes out at once
  }

  /** At each (re)connect: overrides without a duration last "until the next reconnect". */
  reset(): void {
    this.overrides.clear();
    this.lastSent.clear();
  }
}
