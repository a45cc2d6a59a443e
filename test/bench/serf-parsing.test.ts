import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSerfLogLine } from '../../bench/lib/serf-agent.js';
import { splitAddr } from '../../bench/lib/serf-rpc.js';
import { addStatsdPacket, parseStatsdLine } from '../../bench/lib/statsd.js';

describe('serf log parsing', () => {
  it('reads suspicions and member events, ignores the rest', () => {
    expect(
      parseSerfLogLine('    2026/11/28 03:58:01 [INFO] memberlist: Suspect n3 has failed, no acks received'),
    ).toEqual({ kind: 'suspect', name: 'n3' });
    expect(parseSerfLogLine('    2026/11/28 03:58:01 [INFO] serf: EventMemberJoin: n12 127.0.0.22')).toEqual({
      kind: 'member',
      event: 'Join',
      name: 'n12',
    });
    expect(parseSerfLogLine('[INFO] serf: EventMemberFailed: n4 127.0.0.14')).toMatchObject({
      event: 'Failed',
    });
    expect(
      parseSerfLogLine(
        '[INFO] memberlist: Marking n3 as failed, suspect timeout reached (0 peer confirmations)',
      ),
    ).toBeNull();
    expect(parseSerfLogLine('[INFO] agent: Received event: member-join')).toBeNull();
  });
});

describe('statsd parsing', () => {
  it('sums counters, honours the sample rate, skips gauges and timers', () => {
    expect(parseStatsdLine('serf-agent.memberlist.udp.sent:123|c')).toEqual({
      name: 'serf-agent.memberlist.udp.sent',
      value: 123,
    });
    expect(parseStatsdLine('x:10|c|@0.5')).toEqual({ name: 'x', value: 20 });
    expect(parseStatsdLine('x:10|g')).toBeNull();
    expect(parseStatsdLine('x:10|ms')).toBeNull();
    expect(parseStatsdLine('x:abc|c')).toBeNull();
    const m = new Map<string, number>();
    addStatsdPacket('a:1|c\nb:2|c\na:3|c\n', m);
    addStatsdPacket('a:4|c', m);
    expect(Object.fromEntries(m)).toEqual({ a: 8, b: 2 });
  });

  it('never throws on arbitrary packets', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        addStatsdPacket(s, new Map());
      }),
    );
  });

  it('splits host:port addresses', () => {
    expect(splitAddr('127.0.0.12:7373')).toEqual(['127.0.0.12', 7373]);
    expect(() => splitAddr('nohost')).toThrow(/host:port/);
  });
});
