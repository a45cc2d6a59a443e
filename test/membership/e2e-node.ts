/**
 * One membership node as an OS process, for the end-to-end test and the benchmark.
 * Input: a JSON config in argv[2]. Output: one JSON object per line on stdout:
 * `{type:'ready', actorId, addr}`, then `{type:'state', members, metrics}` every `reportMs`.
 */
import { Membership } from '../../src/membership/membership.js';
import type { ActorId } from '../../src/store/types.js';

interface NodeArgs {
  actorId?: ActorId;
  bootstrap?: string[];
  keyHex: string;
  reportMs?: number;
  config?: Record<string, number>;
}

const args = JSON.parse(process.argv[2] ?? '{}') as NodeArgs;
const m = await Membership.start({
  addr: '127.0.0.1:0',
  keys: [Buffer.from(args.keyHex, 'hex')],
  ...(args.actorId ? { actorId: args.actorId } : {}),
  bootstrap: args.bootstrap ?? [],
  preset: 'lan',
  ...args.config,
});
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
out({ type: 'ready', actorId: m.actorId, addr: m.localAddr, incarnation: m.incarnation });
setInterval(() => {
  out({
    type: 'state',
    t: Date.now(),
    members: m.members().map((x) => ({ id: x.actorId, state: x.state, incarnation: x.incarnation })),
    metrics: m.metrics,
  });
}, args.reportMs ?? 100);
process.on('SIGTERM', () => {
  void m.close().then(() => process.exit(0));
});
