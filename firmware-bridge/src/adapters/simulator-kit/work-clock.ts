import type { Scheduler, TimerHandle } from '../../runtime/scheduler.js';

interface Mark {
  atMs: number;
  fn: () => void;
  handle?: TimerHandle;
}

/**
 * Counts the time a machine actually works (sewing, printing) and fires marks at positions in
 * that work time: "filament runs out at 62 % of the print" stays at 62 % however long the job
 * was paused before. Pausing cancels the pending timers; resuming re-arms them.
 */
export class WorkClock {
  private doneMs = 0;
  private since: number | null = null;
  private marks: Mark[] = [];

  constructor(private readonly scheduler: Scheduler) {}

  get running(): boolean {
    return this.since !== null;
  }

  /** Work done so far, in ms. */
  elapsedMs(): number {
    return this.doneMs + (this.since === null ? 0 : this.scheduler.now() - this.since);
  }

  start(): void {
    if (this.since !== null) return;
    this.since = this.scheduler.now();
    for (const mark of this.marks) this.arm(mark);
  }

  stop(): void {
    if (this.since === null) return;
    this.doneMs = this.elapsedMs();
    this.since = null;
    for (const mark of this.marks) mark.handle?.cancel();
  }

  /** Fires `fn` once the work time reaches `atMs` (immediately if already past, once running). */
  at(atMs: number, fn: () => void): void {
    const mark: Mark = { atMs, fn };
    this.marks.push(mark);
    if (this.since !== null) this.arm(mark);
  }

  /** Forgets every mark and the work done: the next job starts from zero. */
  reset(): void {
    this.stop();
    this.marks = [];
    this.doneMs = 0;
  }

  private arm(mark: Mark): void {
    mark.handle?.cancel();
    mark.handle = this.scheduler.after(Math.max(0, mark.atMs - this.elapsedMs()), () => {
      this.marks = this.marks.filter((m) => m !== mark);
      mark.fn();
    });
  }
}
