import { randomInt } from '../../src/runtime/rng.js';
import type { SimMemberState, SimNode, SimNodeContext, SimProtocol } from '../../src/sim/protocol.js';

/**
 * A tiny stand-in protocol for testing the simulator engine (never shipped in src/): naive
 * heartbeats to every known peer for membership, flooding plus periodic full-set
 * anti-entropy for writes. Deliberately simple; the real protocols plug in the same way.
 */
export interface FloodOptions {
  /** Planted bug: this node index silently drops this write id when it arrives from a peer. */
  readonly dropWrite?: { node: number; writeId: string };
  /** Planted bug: the writer acknowledges this write id but never stores it. */
  readonly ackWithoutStore?: string;
  /** Planted bug: a node never marks a silent peer dead. */
  readonly neverSuspect?: boolean;
  /** Planted bug: the queue reported by node 0 exceeds its bound. */
  readonly overflowQueue?: boolean;
}

const HEARTBEAT_MS = 500;
const SUSPECT_AFTER_MS = 2000;
const DEAD_AFTER_MS = 4000;
const ANTI_ENTROPY_MS = 1000;

type Msg = { t: 'hb'; peers: string[] } | { t: 'w'; id: string } | { t: 'ids'; ids: string[] };

const enc = new TextEncoder();
const dec = new TextDecoder();

export function floodProtocol(opts: FloodOptions = {}): SimProtocol {
  return { name: 'flood', replicates: true, start: (ctx) => startFlood(ctx, opts) };
}

function startFlood(ctx: SimNodeContext, opts: FloodOptions): SimNode {
  const { transport, runtime, report } = ctx;
  const held = new Set<string>((ctx.persisted as string[] | undefined) ?? []);
  const lastHeard = new Map<string, number>();
  const state = new Map<string, SimMemberState>();
  for (const b of ctx.bootstrap) lastHeard.set(b, runtime.clock.now());
  let stopped = false;
  const send = (to: string, m: Msg) => transport.send(to, enc.encode(JSON.stringify(m)));
  const peers = () => [...lastHeard.keys()];
  const setState = (addr: string, s: SimMemberState) => {
    if (state.get(addr) === s) return;
    state.set(addr, s);
    report.member(addr, s);
  };
  const store = (id: string, fromPeer: boolean): boolean => {
    if (held.has(id)) return false;
    if (fromPeer && opts.dropWrite && opts.dropWrite.node === ctx.index && opts.dropWrite.writeId === id)
      return false;
    held.add(id);
    report.held(id);
    return true;
  };
  transport.onPacket((from, bytes) => {
    const m = JSON.parse(dec.decode(bytes)) as Msg;
    lastHeard.set(from, runtime.clock.now());
    setState(from, 'alive');
    if (m.t === 'hb') {
      for (const p of m.peers) if (p !== ctx.addr && !lastHeard.has(p)) lastHeard.set(p, runtime.clock.now());
    } else if (m.t === 'w') {
      if (store(m.id, true)) for (const p of peers()) if (p !== from) send(p, m);
    } else {
      for (const id of m.ids) store(id, true);
    }
  });
  const heartbeat = () => {
    if (stopped) return;
    const now = runtime.clock.now();
    const list = peers();
    for (const p of list) {
      send(p, { t: 'hb', peers: list });
      const silent = now - (lastHeard.get(p) ?? now);
      if (!opts.neverSuspect && state.has(p)) {
        if (silent > DEAD_AFTER_MS) setState(p, 'dead');
        else if (silent > SUSPECT_AFTER_MS) setState(p, 'suspect');
      }
    }
    runtime.scheduler.after(HEARTBEAT_MS, heartbeat);
  };
  const antiEntropy = () => {
    if (stopped) return;
    const alive = peers().filter((p) => state.get(p) === 'alive');
    const target = alive[randomInt(runtime.rng, alive.length)];
    if (target) send(target, { t: 'ids', ids: [...held] });
    runtime.scheduler.after(ANTI_ENTROPY_MS, antiEntropy);
  };
  runtime.scheduler.after(runtime.rng.next() * HEARTBEAT_MS, heartbeat);
  runtime.scheduler.after(runtime.rng.next() * ANTI_ENTROPY_MS, antiEntropy);
  return {
    stop: () => {
      stopped = true;
    },
    view: () => state,
    write: (id) => {
      if (opts.ackWithoutStore === id) return true;
      store(id, false);
      for (const p of peers()) send(p, { t: 'w', id });
      return true;
    },
    heldWrites: () => held,
    digest: () => [...held].sort().join(','),
    persist: () => [...held],
    queues: () => [
      { name: 'flood.pending', size: opts.overflowQueue && ctx.index === 0 ? 11 : 0, bound: 10 },
    ],
    counters: () => ({ held: held.size }),
  };
}
