import { describe, expect, it } from 'vitest';
import { formatAddr, parseAddr } from '../../src/transport/address.js';

describe('host:port addresses', () => {
  it.each([
    ['127.0.0.1:8787', { host: '127.0.0.1', port: 8787 }],
    ['[::1]:53', { host: '::1', port: 53 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['[fe80::1]:65535', { host: 'fe80::1', port: 65535 }],
  ])('parses %s', (addr, parsed) => {
    expect(parseAddr(addr)).toEqual(parsed);
    expect(formatAddr(parsed.host, parsed.port)).toBe(addr);
  });

  it.each([
    '127.0.0.1',
    '127.0.0.1:',
    ':80',
    '127.0.0.1:65536',
    '::1:80',
    '[::1]',
    'a b:1',
    '1.2.3.4:123456',
  ])('rejects %s', (addr) => {
    expect(parseAddr(addr)).toBeUndefined();
  });
});
