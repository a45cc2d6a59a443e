/** Thrown by `Agent.start` / `Agent.create` for a bad configuration. Nothing was started. */
export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError';
}

/** Thrown when an agent is used after `close()`. Start a new agent instead. */
export class AgentClosedError extends Error {
  override readonly name = 'AgentClosedError';
}
