/**
 * The control protocol between `npm start` (the parent) and the host agents it runs as child
 * processes (`examples/host-agent.ts --control ipc`), over Node's IPC channel.
 * @packageDocumentation
 */

/** What the parent asks a host agent. */
export type ControlRequest =
  | { readonly op: 'status' }
  | { readonly op: 'start-machine'; readonly app: string; readonly processGroup?: string }
  | { readonly op: 'destroy-machine'; readonly id: string }
  /** Where would a machine of this size go, near `region`? Answers `HostCandidate | null` from the local copy. */
  | { readonly op: 'place'; readonly region: string; readonly memoryMb: number; readonly cpus: number }
  /** Deletes the host's rows (leaves for good), closes the agent, exits. */
  | { readonly op: 'leave' }
  /** Closes the agent gracefully (rows stay: the host comes back), exits. */
  | { readonly op: 'shutdown' };

/** A request on the wire, with its correlation id. */
export interface ControlEnvelope {
  readonly t: 'req';
  readonly id: number;
  readonly req: ControlRequest;
}

/** A host agent's view of the cluster and of its local tables. */
export interface NodeStatus {
  readonly hostId: string;
  readonly region: string;
  readonly actorId: string;
  /** Members by state, as this node sees them (itself included). */
  readonly members: Readonly<Record<string, number>>;
  /** Rows in its local copy. */
  readonly hosts: number;
  readonly machines: number;
  /** A short digest of its local `machines` table: equal digests, equal tables. */
  readonly digest: string;
  readonly dnsQueries: number;
}

/** What a host agent sends the parent. */
export type ControlMessage =
  | {
      readonly t: 'ready';
      readonly hostId: string;
      readonly actorId: string;
      readonly gossipAddr: string;
      readonly dnsPort: number;
      /** Machines the host runs, after start (from its rows when it restarted). */
      readonly machines: readonly { id: string; app: string; ipv6: string }[];
    }
  | { readonly t: 'res'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: 'res'; readonly id: number; readonly ok: false; readonly error: string }
  /** Startup failed; `code` is the OS error code when there is one (e.g. `EADDRINUSE`). */
  | { readonly t: 'fatal'; readonly message: string; readonly code?: string };
