import type { Clock } from '../../runtime/scheduler.js';

export interface HeaterSpec {
  targetC: number;
  /** First-order time constant (CONTRACT.md: ≈ 20–40 s nozzle, 120–240 s bed). */
  tauS: number;
  /** Where the heater would settle at full power; the controller holds it at the target instead. */
  maxC: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * A heater as a first-order system driven at full power toward `maxC` until it reaches the
 * target, then held there (what a PID does, minus the overshoot). Driving toward the target
 * itself would never arrive (a pure exponential), and reaching 98 % of a 180 s bed curve takes
 * 12 min — longer than the whole 5.7–7.9 min preparation CONTRACT.md measured. Cooling uses the same
 * curve toward ambient, three times slower (no power, only convection).
 */
export class Heater {
  private from: number;
  private fromAt: number;
  private target: number | null = null;

  constructor(
    private readonly spec: HeaterSpec,
    private readonly ambientC: number,
    private readonly clock: Clock,
  ) {
    this.from = ambientC;
    this.fromAt = clock.now();
  }

  current(): number {
    const t = (this.clock.now() - this.fromAt) / 1000;
    if (this.target === null) {
      return this.ambientC + (this.from - this.ambientC) * Math.exp(-t / (3 * this.spec.tauS));
    }
    if (this.from >= this.target) return this.target;
    return Math.min(this.target, this.spec.maxC - (this.spec.maxC - this.from) * Math.exp(-t / this.spec.tauS));
  }

  heat(): void {
    this.retarget(this.spec.targetC);
  }

  off(): void {
    this.retarget(null);
  }

  /** Seconds until the target is reached from the current temperature (0 when already there). */
  secondsToTarget(): number {
    const now = this.current();
    const target = this.target ?? this.spec.targetC;
    if (now >= target) return 0;
    return this.spec.tauS * Math.log((this.spec.maxC - now) / (this.spec.maxC - target));
  }

  reading(): { current: number; target: number | null } {
    return { current: round1(this.current()), target: this.target };
  }

  private retarget(target: number | null): void {
    this.from = this.current();
    this.fromAt = this.clock.now();
    this.target = target;
  }
}
