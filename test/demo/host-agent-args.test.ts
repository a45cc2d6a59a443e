import { describe, expect, it } from 'vitest';
import { parseHostAgentArgs } from '../../examples/host-agent.js';
import { DemoUsageError, parseDemoArgs } from '../../src/cli/demo/options.js';

describe('host agent arguments', () => {
  it('parses flags with defaults', () => {
    const o = parseHostAgentArgs([
      '--host-id',
      'fra-1',
      '--region',
      'fra',
      '--data-dir',
      '/tmp/x',
      '--machines',
      'web:2,api:1',
    ]);
    expect(o).toMatchObject({
      hostId: 'fra-1',
      region: 'fra',
      gossipAddr: '127.0.0.1:0',
      bootstrap: [],
      machines: [
        { app: 'web', count: 2 },
        { app: 'api', count: 1 },
      ],
      control: 'none',
      leaveOnExit: false,
    });
  });

  it('names a missing flag or a bad machine list', () => {
    expect(() => parseHostAgentArgs(['--region', 'fra', '--data-dir', '/tmp/x'])).toThrow(
      '--host-id is required',
    );
    expect(() =>
      parseHostAgentArgs(['--host-id', 'a', '--region', 'fra', '--data-dir', '/x', '--machines', 'web:x']),
    ).toThrow('"web:x" is not app:count');
  });
});

describe('demo arguments', () => {
  it('defaults to 5 nodes, 5 rounds, free ports, a temporary directory', () => {
    expect(parseDemoArgs([])).toEqual({
      keepRunning: false,
      plain: false,
      dataDir: undefined,
      basePort: undefined,
      nodes: 5,
      rounds: 5,
      help: false,
    });
  });

  it('rejects a base port range that does not fit', () => {
    expect(() => parseDemoArgs(['--base-port', '65530'])).toThrow(DemoUsageError);
    expect(parseDemoArgs(['--base-port', '20000', '--nodes', '3']).basePort).toBe(20000);
  });
});
