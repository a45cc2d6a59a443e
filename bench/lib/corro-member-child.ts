/**
 * One corro membership node as its own OS process, for the membership comparison (the
 * counterpart of one Serf agent). Arguments: `ADDR KEY_HEX`. It loads, prints
 * `{"t":"spawned"}`, then waits for `{"cmd":"start","bootstrap":[...]}` on stdin, starts
 * `Membership` with the `lan` preset and a sealing key, and prints JSON lines:
 * `{"t":"change","kind","addr","atMs"}` for every member transition it sees and
 * `{"t":"bytes","bytesOut"}` every 200 ms (its own counter: bytes of every packet it sent,
 * seal included). Times are epoch ms with sub-ms precision, comparable across processes.
 */
import { createInterface } from 'node:readline';
import { Membership } from '../../src/membership/membership.js';

const [addr, keyHex] = process.argv.slice(2);
if (!addr || !keyHex) {
  console.error('usage: corro-member-child.ts ADDR KEY_HEX');
  process.exit(2);
}
const key = Uint8Array.from(Buffer.from(keyHex, 'hex'));
const now = () => performance.timeOrigin + performance.now();
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

let node: Membership | undefined;
createInterface({ input: process.stdin }).on('line', (line) => {
  const msg = JSON.parse(line) as { cmd: string; bootstrap?: string[] };
  if (msg.cmd !== 'start' || node) return;
  void Membership.start({ addr, keys: [key], preset: 'lan', bootstrap: msg.bootstrap ?? [] }).then((m) => {
    node = m;
    m.on('change', (c) => out({ t: 'change', kind: c.kind, addr: c.member.addr, atMs: now() }));
    out({ t: 'started', atMs: now() });
    setInterval(() => out({ t: 'bytes', bytesOut: m.metrics.bytesOut }), 200);
  });
});
out({ t: 'spawned' });
