import { describe, expect, it } from '@jest/globals';
import { createRealScheduler, VirtualScheduler } from './scheduler.js';

describe('VirtualScheduler', () => {
  it('fires timers in due order, ties in creation order, reading each due time as now', () => {
    const s = new VirtualScheduler(0);
    const fired: string[] = [];
    s.after(20, () => fired.push(`b@${s.now()}`));
    s.after(10, () => fired.push(`a@${s.now()}`));
    s.after(20, () => fired.push(`c@${s.now()}`));
    const tick = s.every(15, () => fired.push(`tick@${s.now()}`));
    s.advance(35);
    tick.cancel();
    s.advance(100);
    expect(fired).toEqual(['a@10', 'tick@15', 'b@20', 'c@20', 'tick@30']);
    expect(s.now()).toBe(135);
  });

  it('runs until a condition holds, or gives up after the limit', () => {
    const s = new VirtualScheduler(0);
    let n = 0;
    s.every(1000, () => n++);
    expect(s.runUntil(() => n === 5, 60_000)).toBe(true);
    expect(s.now()).toBe(5000);
    expect(s.runUntil(() => n < 0, 10_000)).toBe(false);
    expect(s.now()).toBe(15_000);
  });
});

describe('createRealScheduler', () => {
  it('runs simulated time faster by the warp factor', async () => {
    const s = createRealScheduler({ warp: 1000, startAt: 0 });
    const at = await new Promise<number>((resolve) => s.after(60_000, () => resolve(s.now())));
    expect(at).toBeGreaterThanOrEqual(60_000); // one simulated minute in ~60 ms
    expect(at).toBeLessThan(60_000 * 20);
  });
});
