import { afterAll, describe } from 'vitest';
import { decodeMessage } from '../../src/broadcast/codec.js';
import type { SignalMsg } from '../../src/broadcast/messages.js';
import { realRuntime } from '../../src/runtime/real-runtime.js';
import type { ActorId } from '../../src/store/types.js';
import { DataChannelFactory, releaseDataChannels } from '../../src/transport/channel-datachannel.js';
import { channelContract } from './channel-contract.js';

const A = 'a'.repeat(32) as ActorId;
const B = 'b'.repeat(32) as ActorId;
const C = 'c'.repeat(32) as ActorId;

async function waitFor(pred: () => boolean, maxMs: number): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return pred();
}

let factories: DataChannelFactory[] = [];

describe('node-datachannel channel on loopback (contract)', () => {
  afterAll(() => {
    releaseDataChannels();
  });
  channelContract(
    async () => {
      const byActor = new Map<ActorId, DataChannelFactory>();
      // Signalling straight between the two factories (in the agent it rides on membership).
      const signal = (from: ActorId) => (to: ActorId, payload: Uint8Array) => {
        const msg = decodeMessage(payload) as SignalMsg | undefined;
        setTimeout(() => {
          if (msg) byActor.get(to)?.handleSignal(from, msg);
        }, 1);
        return true;
      };
      // Generous timeout: the machine running the tests may be heavily loaded.
      const mk = (actor: ActorId, connectTimeoutMs = 20_000) =>
        new DataChannelFactory({
          actorId: actor,
          runtime: realRuntime(),
          sendSignal: signal(actor),
          connectTimeoutMs,
        });
      const fa = mk(A);
      const fb = mk(B);
      byActor.set(A, fa);
      byActor.set(B, fb);
      const fNobody = mk('d'.repeat(32) as ActorId, 2000);
      factories = [fa, fb, fNobody];
      return { a: A, b: B, nobody: C, fa, fb, fNobody, waitFor, largeBytes: 1024 * 1024 };
    },
    async () => {
      for (const f of factories) f.close();
      factories = [];
    },
  );
});
