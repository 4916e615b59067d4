import { describe, expect, it } from '@jest/globals';
import { clearRefusal, effectiveState, linkSummary, type StateInputs } from './live-state.rules.js';

const inputs = (o: Partial<StateInputs> = {}): StateInputs => ({
  adminStatus: 'active',
  bridgeOnline: true,
  availability: 'online',
  snapshot: { state: 'idle' },
  ...o,
});

describe('effectiveState', () => {
  it('shows what the bridge reports while everything is connected', () => {
    expect(effectiveState(inputs({ snapshot: { state: 'running' } }))).toBe('running');
  });

  it('shows maintenance whatever the bridge says, even with no bridge at all', () => {
    expect(effectiveState(inputs({ adminStatus: 'maintenance', snapshot: { state: 'running' } }))).toBe('maintenance');
    expect(effectiveState(inputs({ adminStatus: 'maintenance', bridgeOnline: null }))).toBe('maintenance');
  });

  it('shows offline when the bridge is gone or cannot reach the machine, over a stale snapshot', () => {
    expect(effectiveState(inputs({ bridgeOnline: false }))).toBe('offline');
    expect(effectiveState(inputs({ availability: 'offline' }))).toBe('offline');
  });

  it('keeps a degraded link usable', () => {
    expect(effectiveState(inputs({ availability: 'degraded', snapshot: { state: 'paused' } }))).toBe('paused');
  });

  it('shows unknown until a bridge has spoken and sent a snapshot', () => {
    expect(effectiveState(inputs({ bridgeOnline: null }))).toBe('unknown');
    expect(effectiveState(inputs({ snapshot: null }))).toBe('unknown');
  });
});

describe('linkSummary', () => {
  type Link = 'online' | 'offline' | 'degraded';
  it.each<[boolean | null, Link | null, Link | 'unknown']>([
    [null, 'online', 'unknown'],
    [false, 'online', 'offline'],
    [true, null, 'online'],
    [true, 'degraded', 'degraded'],
    [true, 'offline', 'offline'],
  ])('bridge online %p, availability %p → %p', (bridgeOnline, availability, expected) => {
    expect(linkSummary({ bridgeOnline, availability })).toBe(expected);
  });
});

describe('clearRefusal', () => {
  const bridge = { id: 'b1', online: true };

  it('lets staff clear a machine awaiting it through a connected bridge', () => {
    expect(clearRefusal('awaiting_clear', bridge)).toBeNull();
  });

  it('refuses a machine in any other state', () => {
    expect(clearRefusal('idle', bridge)).toBe('NOT_AWAITING_CLEAR');
    expect(clearRefusal('maintenance', bridge)).toBe('NOT_AWAITING_CLEAR');
  });

  it('refuses when no bridge serves the machine or its bridge is offline', () => {
    expect(clearRefusal('awaiting_clear', null)).toBe('NO_SERVING_BRIDGE');
    expect(clearRefusal('offline', { id: 'b1', online: false })).toBe('NO_SERVING_BRIDGE');
  });
});
