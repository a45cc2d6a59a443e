import { expect, it } from 'vitest';
import type { ActorId } from '../../src/store/types.js';
import type { Channel, ChannelFactory } from '../../src/transport/channel.js';

/** What a channel implementation gives the shared contract suite. */
export interface ChannelEnv {
  a: ActorId;
  b: ActorId;
  /** An actor nobody serves. */
  nobody: ActorId;
  fa: ChannelFactory;
  fb: ChannelFactory;
  /** Waits until `pred` holds (virtual or real time); false on timeout. */
  waitFor(pred: () => boolean, maxMs: number): Promise<boolean>;
  /** Factory used for the unanswered open (may have a shorter timeout); default `fa`. */
  fNobody?: ChannelFactory;
  /** Size of a "large" message this implementation must carry. */
  largeBytes: number;
}

/** The contract every {@link Channel} implementation passes. */
export function channelContract(setup: () => Promise<ChannelEnv>, teardown: () => Promise<void>): void {
  async function connect(env: ChannelEnv): Promise<{ ca: Channel; cb: Channel }> {
    let ca: Channel | undefined;
    let cb: Channel | undefined;
    let failed = false;
    env.fb.onIncoming((ch) => {
      cb = ch;
    });
    env.fa.open(env.b, (ch) => {
      if (ch) ca = ch;
      else failed = true;
    });
    expect(await env.waitFor(() => (ca !== undefined && cb !== undefined) || failed, 30_000)).toBe(true);
    expect(failed).toBe(false);
    return { ca: ca as Channel, cb: cb as Channel };
  }

  it('opens a channel that both ends see, naming each other', async () => {
    const env = await setup();
    try {
      const { ca, cb } = await connect(env);
      expect(ca.peer).toBe(env.b);
      expect(cb.peer).toBe(env.a);
      expect(ca.isOpen && cb.isOpen).toBe(true);
    } finally {
      await teardown();
    }
  });

  it('delivers messages in order, both ways, large ones included', async () => {
    const env = await setup();
    try {
      const { ca, cb } = await connect(env);
      const atB: Uint8Array[] = [];
      const atA: Uint8Array[] = [];
      cb.onMessage((m) => atB.push(m));
      ca.onMessage((m) => atA.push(m));
      const sent: Uint8Array[] = [];
      for (let i = 0; i < 40; i++) {
        const size = i === 7 ? env.largeBytes : 1 + ((i * 977) % 3000);
        const m = new Uint8Array(size).map((_, j) => (i + j) % 256);
        sent.push(m);
        expect(ca.send(m)).toBe(true);
      }
      expect(cb.send(new Uint8Array([42]))).toBe(true);
      expect(await env.waitFor(() => atB.length === sent.length && atA.length === 1, 20_000)).toBe(true);
      for (let i = 0; i < sent.length; i++)
        expect(Buffer.from(atB[i] as Uint8Array).equals(sent[i] as Uint8Array)).toBe(true);
      expect(Array.from(atA[0] as Uint8Array)).toEqual([42]);
    } finally {
      await teardown();
    }
  });

  it('refuses messages larger than maxMessageBytes', async () => {
    const env = await setup();
    try {
      const { ca } = await connect(env);
      expect(ca.send(new Uint8Array(ca.maxMessageBytes + 1))).toBe(false);
      expect(ca.isOpen).toBe(true);
    } finally {
      await teardown();
    }
  });

  it('close at one end closes the other; sends then fail', async () => {
    const env = await setup();
    try {
      const { ca, cb } = await connect(env);
      let closedB = false;
      let closedA = false;
      cb.onClose(() => {
        closedB = true;
      });
      ca.onClose(() => {
        closedA = true;
      });
      ca.close();
      expect(closedA).toBe(true);
      expect(ca.send(new Uint8Array([1]))).toBe(false);
      expect(await env.waitFor(() => closedB, 20_000)).toBe(true);
      expect(cb.isOpen).toBe(false);
      expect(cb.send(new Uint8Array([1]))).toBe(false);
    } finally {
      await teardown();
    }
  });

  it('reports failure for a peer that does not answer', async () => {
    const env = await setup();
    try {
      let result: Channel | undefined | 'pending' = 'pending';
      (env.fNobody ?? env.fa).open(env.nobody, (ch) => {
        result = ch;
      });
      expect(await env.waitFor(() => result !== 'pending', 30_000)).toBe(true);
      expect(result).toBeUndefined();
    } finally {
      await teardown();
    }
  });
}
