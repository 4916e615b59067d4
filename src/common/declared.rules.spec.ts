import { describe, expect, it } from '@jest/globals';
import { mergeDeclared } from './declared.rules.js';

describe('mergeDeclared', () => {
  it('takes a new config value for a field staff never changed', () => {
    const { merged, changed } = mergeDeclared(
      { name: 'Prusa 1', nozzle: 0.4 },
      { name: 'Prusa MK4 1', nozzle: 0.4 },
      { name: 'Prusa 1', nozzle: 0.4 },
    );
    expect(merged).toEqual({ name: 'Prusa MK4 1', nozzle: 0.4 });
    expect(changed).toBe(true);
  });

  it('keeps a staff edit when config changes the same field', () => {
    const { merged, changed } = mergeDeclared(
      { name: 'Imprimante du fond' },
      { name: 'Prusa MK4 1' },
      { name: 'Prusa 1' },
    );
    expect(merged).toEqual({ name: 'Imprimante du fond' });
    expect(changed).toBe(false);
  });

  it('compares nested values structurally', () => {
    const stored = { capabilities: { materials: ['PLA', 'PETG'] } };
    const { merged } = mergeDeclared(
      stored,
      { capabilities: { materials: ['PLA'] } },
      { capabilities: { materials: ['PLA', 'PETG'] } },
    );
    expect(merged.capabilities).toEqual({ materials: ['PLA'] });
  });

  it('reports no change when config and storage already agree', () => {
    expect(mergeDeclared({ a: 1 }, { a: 1 }, { a: 1 }).changed).toBe(false);
  });
});
