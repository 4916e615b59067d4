// Reconnect with exponential backoff on the adapter's scheduler: a printer that is switched off
// for the night is retried every `maxMs`, not hammered every second, and a short blip heals in
// `initialMs`.
import type { Scheduler, TimerHandle } from '../../runtime/scheduler.js';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export class Reconnector {
  private delay: number;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: BackoffOptions,
    private readonly attempt: () => void,
  ) {
    this.delay = options.initialMs;
  }

  /** Schedules one attempt after the current delay, then doubles the delay (up to `maxMs`). */
  schedule(): void {
    if (this.stopped || this.timer) return;
    const wait = this.delay;
    this.delay = Math.min(this.options.maxMs, this.delay * 2);
    this.timer = this.scheduler.after(wait, () => {
      this.timer = null;
      if (!this.stopped) this.attempt();
    });
  }

  /** The link is up: the next loss starts again from `initialMs`. */
  succeeded(): void {
    this.delay = this.options.initialMs;
  }

  get pending(): boolean {
    return this.timer !== null;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
  }
}
