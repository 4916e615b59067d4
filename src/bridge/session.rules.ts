/**
 * firmware-bridge/CONTRACT.md's ordering rules for what bridges publish, as plain functions and one small stateful
 * tracker. `session` grows at every bridge (re)connect and rides in its last will; `seq` counts
 * per topic within a session.
 */

export type SessionVerdict = 'newer' | 'current' | 'stale';

/**
 * A message of an older session is dropped: it is a late will or a retained message of a
 * connection that has since been replaced, and applying it would roll the machine back.
 */
export function compareSession(current: number | undefined, incoming: number): SessionVerdict {
  if (current === undefined || incoming > current) return 'newer';
  return incoming < current ? 'stale' : 'current';
}

export type SeqVerdict = 'first' | 'next' | 'gap' | 'replay';

/**
 * `first`: nothing seen on this topic in this session (the service may have joined mid-session,
 * so no gap can be claimed). `gap`: messages were lost in between, ask the bridge to resync.
 * `replay`: seen already (a QoS 1 redelivery, or the broker's retained copy after a reconnect).
 */
export function checkSeq(last: number | undefined, seq: number): SeqVerdict {
  if (last === undefined) return 'first';
  if (seq === last + 1) return 'next';
  return seq > last ? 'gap' : 'replay';
}

/**
 * The current session of each bridge and the last `seq` per topic within it. Callers only pass
 * bridges whose credentials they know and topics of machines those credentials cover, so the
 * maps are bounded by the fleet.
 */
export class BridgeSessions {
  private readonly bridges = new Map<string, { session: number; seqs: Map<string, number> }>();

  /** Checks `session` against the bridge's current one, adopting it when newer (seqs restart). */
  observe(bridgeId: string, session: number): SessionVerdict {
    const known = this.bridges.get(bridgeId);
    const verdict = compareSession(known?.session, session);
    if (verdict === 'newer') this.bridges.set(bridgeId, { session, seqs: new Map() });
    return verdict;
  }

  /** Checks `seq` on `topic` within the bridge's current session (call `observe` first). */
  sequence(bridgeId: string, topic: string, seq: number): SeqVerdict {
    const known = this.bridges.get(bridgeId);
    if (!known) return 'first';
    const last = known.seqs.get(topic);
    const verdict = checkSeq(last, seq);
    if (verdict !== 'replay') known.seqs.set(topic, seq);
    return verdict;
  }

  forget(bridgeId: string): void {
    this.bridges.delete(bridgeId);
  }

  bridgeIds(): IterableIterator<string> {
    return this.bridges.keys();
  }

  /** Bridges tracked and topics tracked across them. */
  size(): { bridges: number; topics: number } {
    let topics = 0;
    for (const bridge of this.bridges.values()) topics += bridge.seqs.size;
    return { bridges: this.bridges.size, topics };
  }
}
