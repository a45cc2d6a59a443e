import type { ActorId, SyncState } from '../store/types.js';
import { computeNeeds, lackFromHeads, rangeCount } from './needs.js';

/**
 * What this node has learnt about other peers' holdings: per peer, the highest version seen
 * per actor (from changesets they sent, announcements, and sync states they exchanged).
 * Bounded: at most `maxPeers` peers and `maxHeadsPerPeer` actors per peer; at either bound
 * the least recently updated entry is forgotten (insertion order), which only makes peer
 * choice less informed, never wrong.
 */
export class PeerKnowledge {
  private readonly heads = new Map<ActorId, Map<string, number>>();

  constructor(
    readonly maxPeers = 32,
    readonly maxHeadsPerPeer = 16,
  ) {}

  /** `peer` holds `actor`'s versions up to at least `version`. */
  noteHead(peer: ActorId, actor: string, version: number): void {
    let m = this.heads.get(peer);
    if (m) this.heads.delete(peer);
    else m = new Map();
    this.heads.set(peer, m);
    if (this.heads.size > this.maxPeers) {
      const oldest = this.heads.keys().next().value;
      if (oldest !== undefined) this.heads.delete(oldest);
    }
    const prev = m.get(actor) ?? 0;
    m.delete(actor);
    m.set(actor, Math.max(prev, version));
    if (m.size > this.maxHeadsPerPeer) {
      const oldest = m.keys().next().value;
      if (oldest !== undefined) m.delete(oldest);
    }
  }

  /**
   * Records the heads of a peer's full sync state, keeping the actors on which it holds most
   * versions we lack. Only versions the peer really holds count: a gap we share with it is not
   * a lead (heads keep no gaps, so counting it would make the peer look useful forever, and
   * anti-entropy would keep choosing a peer that cannot fill the gap).
   */
  noteState(peer: ActorId, state: SyncState, local: SyncState): void {
    const leads: [string, number][] = [];
    for (const [actor, need] of Object.entries(computeNeeds(local, state))) {
      leads.push([actor, rangeCount(need)]);
    }
    leads.sort((a, b) => a[1] - b[1]);
    this.heads.delete(peer);
    for (const [actor] of leads.slice(-this.maxHeadsPerPeer)) {
      this.noteHead(peer, actor, state.books[actor]?.max ?? 0);
    }
  }

  /** Versions we are known to lack that `peer` holds. */
  lack(peer: ActorId, local: SyncState): number {
    const m = this.heads.get(peer);
    return m ? lackFromHeads(local, m) : 0;
  }

  /** Peers we know something about. */
  knownPeers(): ActorId[] {
    return [...this.heads.keys()];
  }

  /** Forgets a peer (it left or died). */
  forget(peer: ActorId): void {
    this.heads.delete(peer);
  }
}
