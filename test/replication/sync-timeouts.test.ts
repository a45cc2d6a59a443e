import { describe, expect, it } from 'vitest';
import { Replication } from '../../src/agent/replication.js';
import { encodeMessage } from '../../src/broadcast/codec.js';
import { WireCode } from '../../src/broadcast/wire-codes.js';
import { seededRng } from '../../src/runtime/rng.js';
import { VirtualScheduler } from '../../src/runtime/virtual-scheduler.js';
import type { ActorId } from '../../src/store/types.js';
import type { Channel } from '../../src/transport/channel.js';
import { MemoryChannelNetwork } from '../../src/transport/channel-memory.js';
import { FakeMessagingNet } from './fakes/fake-messaging.js';
import { FakeStore } from './fakes/fake-store.js';

const A = 'a'.repeat(32) as ActorId;
const HOLE = 'b'.repeat(32) as ActorId;

function setup() {
  const sched = new VirtualScheduler();
  const net = new FakeMessagingNet(sched, seededRng(1));
  const chans = new MemoryChannelNetwork(sched);
  const messaging = net.add(A);
  net.add(HOLE); // a member whose channel end swallows everything
  const store = new FakeStore(A, () => sched.now());
  const runtime = { clock: sched.clock, rng: seededRng(2), scheduler: sched };
  const config = { syncStepTimeoutMs: 2000, syncMinIntervalMs: 3_600_000, syncMaxIntervalMs: 3_600_000 };
  const repl = new Replication({ messaging, store, runtime, channels: chans.factory(A), config });
  return { sched, chans, repl, store };
}

describe('anti-entropy timeouts and cleanup', () => {
  it('a client session with a silent server times out and frees its slot', () => {
    const { sched, chans, repl } = setup();
    chans.factory(HOLE).onIncoming((ch) => ch.onMessage(() => {}));
    repl.syncNow();
    sched.runFor(100);
    expect(repl.antiEntropy.activeSessions).toBe(1);
    sched.runFor(2500);
    expect(repl.antiEntropy.activeSessions).toBe(0);
    expect(repl.metrics.syncFailed).toBe(1);
    expect(repl.metrics.syncStarted).toBe(1);
  });

  it('a served session whose client goes silent expires; one past the bound is refused busy', () => {
    const { sched, chans, repl, store } = setup();
    store.write();
    const replies: number[] = [];
    let ch: Channel | undefined;
    chans.factory(HOLE).open(A, (c) => {
      ch = c;
    });
    sched.runFor(100);
    if (!ch) throw new Error('no channel');
    ch.onMessage((m) => replies.push(m[1] as number));
    const state = { actor: HOLE, books: {} };
    for (let sid = 1; sid <= 4; sid++) ch.send(encodeMessage({ type: WireCode.SyncStart, sid, state }));
    sched.runFor(100);
    expect(repl.antiEntropy.servedSessions).toBe(3); // maxServerSessions default
    expect(repl.metrics.syncBusy).toBe(1);
    sched.runFor(2500);
    expect(repl.antiEntropy.servedSessions).toBe(0);
    expect(replies.length).toBe(4);
  });

  it('closing the channel ends the sessions on it', () => {
    const { sched, chans, repl } = setup();
    let ch: Channel | undefined;
    chans.factory(HOLE).open(A, (c) => {
      ch = c;
    });
    sched.runFor(100);
    ch?.send(encodeMessage({ type: WireCode.SyncStart, sid: 9, state: { actor: HOLE, books: {} } }));
    sched.runFor(100);
    expect(repl.antiEntropy.servedSessions).toBe(1);
    ch?.close();
    sched.runFor(100);
    expect(repl.antiEntropy.servedSessions).toBe(0);
    expect(repl.antiEntropy.channels).toBe(0);
  });
});
