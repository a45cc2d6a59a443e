import { actorIdToBytes, bytesToActorId } from '../../src/membership/actor-id.js';
import { type MembershipConfig, resolveConfig } from '../../src/membership/config.js';
import { MembershipCore } from '../../src/membership/core.js';
import type { CoreNotification } from '../../src/membership/core-types.js';
import { decodeMessage, encodeMessage, type Message } from '../../src/membership/messages.js';
import type { MembershipTimer } from '../../src/membership/timers.js';
import { seededRng } from '../../src/runtime/rng.js';
import type { ActorId } from '../../src/store/types.js';
import { Keyring } from '../../src/transport/keyring.js';
import { Sealer } from '../../src/transport/seal.js';
import { decodeEnvelope, encodeEnvelope } from '../../src/transport/wire-codec.js';

/** A fake id: the byte `n` repeated. */
export function fakeId(n: number): ActorId {
  return bytesToActorId(new Uint8Array(16).fill(n));
}

/** One core driven by hand: packets in, recorded sends/timers/notifications out. */
export interface CoreHarness {
  core: MembershipCore;
  self: ActorId;
  now: { ms: number };
  sent: { to: string; messages: Message[] }[];
  timers: { timer: MembershipTimer; at: number }[];
  notes: CoreNotification[];
  sealer: Sealer;
  /** Delivers `messages` as one packet from member `from` at `addr`. */
  deliver(from: ActorId, addr: string, messages: Message[]): void;
  /** Fires every recorded timer due by `ms` (in due order), advancing the clock. */
  advance(ms: number): void;
  /** Fires timers one at a time until `pred()` holds (or `maxMs` passes); returns `pred()`. */
  stepUntil(pred: () => boolean, maxMs?: number): boolean;
  /** Adds alive members 1..n (fake ids) through an alive message each. */
  addMembers(n: number): ActorId[];
}

export const KEY = new Uint8Array(32).fill(9);

export function makeCore(
  overrides: Partial<MembershipConfig> = {},
  { seed = 1, plaintext = false }: { seed?: number; plaintext?: boolean } = {},
): CoreHarness {
  const now = { ms: 1_000_000 };
  const self = fakeId(200);
  const sealer = new Sealer('corro', plaintext ? undefined : new Keyring(KEY));
  const h: CoreHarness = {
    self,
    now,
    sent: [],
    timers: [],
    notes: [],
    sealer,
    core: undefined as unknown as MembershipCore,
    deliver(from, addr, messages) {
      const body = encodeEnvelope('corro', actorIdToBytes(from), messages.map(encodeMessage));
      h.core.handlePacket(addr, sealer.seal(body));
    },
    advance(ms) {
      const until = now.ms + ms;
      for (;;) {
        h.timers.sort((a, b) => a.at - b.at);
        const next = h.timers[0];
        if (!next || next.at > until) break;
        h.timers.shift();
        now.ms = Math.max(now.ms, next.at);
        h.core.handleTimer(next.timer);
      }
      now.ms = until;
    },
    stepUntil(pred, maxMs = 60_000) {
      const until = now.ms + maxMs;
      while (!pred()) {
        h.timers.sort((a, b) => a.at - b.at);
        const next = h.timers[0];
        if (!next || next.at > until) return pred();
        h.timers.shift();
        now.ms = Math.max(now.ms, next.at);
        h.core.handleTimer(next.timer);
      }
      return true;
    },
    addMembers(n) {
      const ids: ActorId[] = [];
      for (let i = 1; i <= n; i++) {
        const id = fakeId(i);
        ids.push(id);
        h.deliver(id, `10.0.0.${i}:1`, [
          { type: 'alive', id, addr: `10.0.0.${i}:1`, incarnation: 0, meta: {} },
        ]);
      }
      return ids;
    },
  };
  h.core = new MembershipCore(
    {
      config: resolveConfig('lan', overrides),
      actorId: self,
      addr: '10.0.0.200:1',
      clusterName: 'corro',
      meta: {},
      bootstrap: [],
      sealer,
      clock: { now: () => now.ms },
      rng: seededRng(seed),
    },
    {
      send: (to, packet) => {
        const o = sealer.open(packet);
        if (!o.ok) throw new Error('core sent an unopenable packet');
        const env = decodeEnvelope(o.body, 'corro');
        if (!env.ok) throw new Error('core sent an undecodable envelope');
        const messages = env.envelope.messages.map((m) => {
          const d = decodeMessage(m, 512);
          if (!d.ok) throw new Error('core sent an undecodable message');
          return d.message;
        });
        h.sent.push({ to, messages });
      },
      schedule: (timer, delayMs) => h.timers.push({ timer, at: now.ms + delayMs }),
      notify: (n) => h.notes.push(n),
    },
  );
  h.core.start();
  return h;
}
