import fc from 'fast-check';
import type { MemberEntry, Message } from '../../src/membership/messages.js';
import type { ActorId } from '../../src/store/types.js';

/** fast-check generators of valid wire messages. */
export const actorIdArb = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => Buffer.from(b).toString('hex') as ActorId);
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const addrArb = fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 65535 })).map(([h, p]) => `${h}:${p}`);
export const metaArb = fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 16 }), {
  maxKeys: 4,
});
const stateArb = fc.constantFrom('alive', 'suspect', 'dead', 'left' as const);
export const entryArb: fc.Arbitrary<MemberEntry> = fc.record({
  id: actorIdArb,
  addr: addrArb,
  incarnation: u32,
  state: stateArb,
  meta: metaArb,
});

export const messageArb: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('ping' as const), seq: u32, target: actorIdArb }),
  fc.record({
    type: fc.constant('ping-req' as const),
    seq: u32,
    target: actorIdArb,
    targetAddr: addrArb,
    nack: fc.boolean(),
  }),
  fc.record({ type: fc.constant('ack' as const), seq: u32 }),
  fc.record({ type: fc.constant('nack' as const), seq: u32 }),
  fc.record({
    type: fc.constant('alive' as const),
    id: actorIdArb,
    addr: addrArb,
    incarnation: u32,
    meta: metaArb,
  }),
  fc.record({ type: fc.constant('suspect' as const), id: actorIdArb, incarnation: u32, from: actorIdArb }),
  fc.record({ type: fc.constant('dead' as const), id: actorIdArb, incarnation: u32, from: actorIdArb }),
  fc.record({ type: fc.constant('left' as const), id: actorIdArb, incarnation: u32 }),
  fc.record({
    type: fc.constant('push-pull' as const),
    session: u32,
    chunk: u32,
    join: fc.boolean(),
    reply: fc.boolean(),
    entries: fc.array(entryArb, { maxLength: 5 }),
  }),
  fc.record({
    type: fc.constant('user-broadcast' as const),
    origin: actorIdArb,
    seq: u32,
    payload: fc.uint8Array({ maxLength: 64 }),
  }),
  fc.record({ type: fc.constant('user-direct' as const), payload: fc.uint8Array({ maxLength: 64 }) }),
  fc.integer({ min: 0, max: 10 }).chain((bucketBits) => {
    const n = 1 << bucketBits;
    return fc.integer({ min: 1, max: Math.min(256, n) }).chain((k) =>
      fc.record({
        type: fc.constant('digest' as const),
        session: u32,
        bucketBits: fc.constant(bucketBits),
        first: fc.integer({ min: 0, max: n - k }),
        digests: fc.array(u32, { minLength: k, maxLength: k }).map((a) => Uint32Array.from(a)),
      }),
    );
  }),
  fc.integer({ min: 0, max: 10 }).chain((bucketBits) =>
    fc.record({
      type: fc.constant('digest-entries' as const),
      session: u32,
      bucketBits: fc.constant(bucketBits),
      reply: fc.boolean(),
      buckets: fc.array(fc.integer({ min: 0, max: (1 << bucketBits) - 1 }), { maxLength: 40 }),
      entries: fc.array(entryArb, { maxLength: 5 }),
    }),
  ),
);
