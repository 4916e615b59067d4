import { describe, expect, it } from '@jest/globals';
import { BridgeSessions, checkSeq, compareSession } from './session.rules.js';

describe('compareSession', () => {
  it('adopts the first session seen and any later one', () => {
    expect(compareSession(undefined, 0)).toBe('newer');
    expect(compareSession(3, 4)).toBe('newer');
    expect(compareSession(3, 1_700_000_000_000)).toBe('newer');
  });

  it('keeps the current session and refuses an older one', () => {
    expect(compareSession(3, 3)).toBe('current');
    expect(compareSession(3, 2)).toBe('stale');
  });
});

describe('checkSeq', () => {
  it('takes anything as the first message of a topic, since the service may join mid-session', () => {
    expect(checkSeq(undefined, 57)).toBe('first');
  });

  it('tells the next message, a gap and a replay apart', () => {
    expect(checkSeq(4, 5)).toBe('next');
    expect(checkSeq(4, 7)).toBe('gap');
    expect(checkSeq(4, 4)).toBe('replay');
    expect(checkSeq(4, 1)).toBe('replay');
  });
});

describe('BridgeSessions', () => {
  it('restarts sequence tracking when the bridge starts a new session', () => {
    const sessions = new BridgeSessions();
    expect(sessions.observe('b1', 1)).toBe('newer');
    expect(sessions.sequence('b1', 'm1/state', 0)).toBe('first');
    expect(sessions.sequence('b1', 'm1/state', 1)).toBe('next');
    expect(sessions.observe('b1', 2)).toBe('newer');
    expect(sessions.sequence('b1', 'm1/state', 0)).toBe('first');
  });

  it('refuses an old session after a newer one, such as a late last will', () => {
    const sessions = new BridgeSessions();
    sessions.observe('b1', 2);
    expect(sessions.observe('b1', 1)).toBe('stale');
    expect(sessions.observe('b1', 2)).toBe('current');
  });

  it('tracks topics separately and keeps the highest seq after a gap', () => {
    const sessions = new BridgeSessions();
    sessions.observe('b1', 1);
    sessions.sequence('b1', 'm1/state', 0);
    sessions.sequence('b1', 'm1/events', 0);
    expect(sessions.sequence('b1', 'm1/events', 3)).toBe('gap');
    expect(sessions.sequence('b1', 'm1/events', 2)).toBe('replay');
    expect(sessions.sequence('b1', 'm1/events', 4)).toBe('next');
    expect(sessions.sequence('b1', 'm1/state', 1)).toBe('next');
    expect(sessions.size()).toEqual({ bridges: 1, topics: 2 });
  });

  it('forgets a bridge entirely', () => {
    const sessions = new BridgeSessions();
    sessions.observe('b1', 5);
    sessions.forget('b1');
    expect(sessions.observe('b1', 1)).toBe('newer');
  });
});
