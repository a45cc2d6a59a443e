import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemberTable, type NewMemberRecord } from '../../src/membership/member-table.js';
import type { MemberState } from '../../src/membership/messaging.js';
import type { ActorId } from '../../src/store/types.js';

const states: MemberState[] = ['alive', 'suspect', 'dead', 'left'];
const idOf = (n: number) => n.toString(16).padStart(32, '0') as ActorId;
const SELF = idOf(0);

function record(id: ActorId, state: MemberState): NewMemberRecord {
  return { actorId: id, addr: 'h:1', incarnation: 0, state, meta: {}, stateChangedMs: 0, srttMs: undefined };
}

const opArb = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), id: fc.nat(12), state: fc.nat(3) }),
  fc.record({ kind: fc.constant('set' as const), id: fc.nat(12), state: fc.nat(3) }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.nat(12) }),
);

describe('MemberTable', () => {
  it('keeps its live and dead lists equal to filtering every record in insertion order', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 150, size: 'max' }), (ops) => {
        const t = new MemberTable(SELF);
        t.add(record(SELF, 'alive'));
        for (const o of ops) {
          const id = idOf(o.id);
          const r = t.get(id);
          if (o.kind === 'add') {
            // A new record, or one replacing the record with that id in its place.
            t.add(record(id, states[o.state] as MemberState));
          } else if (o.kind === 'set' && r) {
            r.state = states[o.state] as MemberState;
            t.touched(r);
          } else if (o.kind === 'delete' && o.id !== 0) {
            t.delete(id);
          }
          const all = [...t.all()];
          const live = all.filter(
            (x) => x.actorId !== SELF && (x.state === 'alive' || x.state === 'suspect'),
          );
          expect(t.liveOthers()).toEqual(live);
          expect(t.deadOthers()).toEqual(all.filter((x) => x.state === 'dead'));
          const self = t.get(SELF);
          const selfLive = self && (self.state === 'alive' || self.state === 'suspect') ? 1 : 0;
          expect(t.liveCount()).toBe(live.length + selfLive);
        }
      }),
      { numRuns: 300 },
    );
  });
});
