import type { Clock } from './clock.js';
import type { Rng } from './rng.js';
import type { Scheduler } from './scheduler.js';

/**
 * Everything nondeterministic a component may use, injected as one value. The real one comes
 * from {@link realRuntime}; the simulator builds one per node on a {@link VirtualScheduler}.
 */
export interface Runtime {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly scheduler: Scheduler;
}
