// Events that happen while the broker is unreachable wait here, in order. Bounded: a bridge cut
// off for a weekend must not run out of memory; the oldest go first, since the retained state
// snapshot published at reconnect already says where each machine ended up.
import type { MachineEvent } from './adapter.js';

export interface BufferedEvent {
  machineId: string;
  event: MachineEvent;
  /** Bridge-clock ms when it happened; becomes the envelope's `ts` when it is finally sent. */
  at: number;
}

export class EventBuffer {
  private items: BufferedEvent[] = [];
  private droppedTotal = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  /** Returns true when the oldest event had to be dropped to make room. */
  push(item: BufferedEvent): boolean {
    this.items.push(item);
    if (this.items.length <= this.capacity) return false;
    this.items.shift();
    this.droppedTotal++;
    return true;
  }

  /** Puts back events a flush could not send, ahead of anything buffered since. */
  requeue(items: readonly BufferedEvent[]): void {
    this.items = [...items, ...this.items];
    const excess = this.items.length - this.capacity;
    if (excess > 0) {
      this.items.splice(0, excess);
      this.droppedTotal += excess;
    }
  }

  /** Everything buffered, oldest first, leaving the buffer empty. */
  drain(): BufferedEvent[] {
    const out = this.items;
    this.items = [];
    return out;
  }
}
