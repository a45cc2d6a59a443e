import { describe, expect, it } from 'vitest';
import type { DnsName } from '../../src/dns/names.js';
import { parseName } from '../../src/dns/names.js';

const cases: [string, DnsName | null][] = [
  ['internal', { kind: 'apex' }],
  ['INTERNAL.', { kind: 'apex' }],
  ['_apps.internal', { kind: 'apps' }],
  ['web.internal', { kind: 'app', app: 'web' }],
  ['Web.Internal.', { kind: 'app', app: 'web' }],
  ['ams.web.internal', { kind: 'region', app: 'web', region: 'ams' }],
  ['regions.web.internal', { kind: 'regions', app: 'web' }],
  ['vms.web.internal', { kind: 'vms', app: 'web' }],
  ['worker.process.web.internal', { kind: 'group', app: 'web', group: 'worker' }],
  ['3d8d9e1c.vm.web.internal', { kind: 'vm', app: 'web', machineId: '3d8d9e1c' }],
  ['top3.nearest.of.web.internal', { kind: 'nearest', app: 'web', count: 3 }],
  ['top256.nearest.of.web.internal', { kind: 'nearest', app: 'web', count: 256 }],
  ['top257.nearest.of.web.internal', { kind: 'none' }],
  ['top0.nearest.of.web.internal', { kind: 'none' }],
  ['top01.nearest.of.web.internal', { kind: 'none' }],
  ['topx.nearest.of.web.internal', { kind: 'none' }],
  ['top3.closest.of.web.internal', { kind: 'none' }],
  ['vm.internal', { kind: 'none' }],
  ['regions.internal', { kind: 'none' }],
  ['x.y.web.internal', { kind: 'none' }],
  ['a.b.c.d.e.internal', { kind: 'none' }],
  ['we b.internal', { kind: 'none' }],
  ['.internal', { kind: 'none' }],
  ['_x.web.internal', { kind: 'none' }],
  ['example.com', null],
  ['internal.example.com', null],
  ['xinternal', null],
];

describe('parseName', () => {
  it.each(cases)('%s', (name, want) => {
    expect(parseName(name, 'internal', 256)).toEqual(want);
  });

  it('works with a multi-label zone', () => {
    expect(parseName('web.corro.internal', 'corro.internal', 8)).toEqual({ kind: 'app', app: 'web' });
    expect(parseName('web.internal', 'corro.internal', 8)).toBeNull();
  });
});
