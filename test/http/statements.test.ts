import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/http/errors.js';
import { cellToJson, jsonToParam } from '../../src/http/json-values.js';
import { parseStatement, parseStatements } from '../../src/http/statements.js';

describe('statement forms', () => {
  it('decode to SQL with positional or named parameters', () => {
    expect(parseStatement('SELECT 1')).toEqual({ sql: 'SELECT 1' });
    expect(parseStatement(['SELECT ?', [1, true, null, [1, 2], { a: 1 }]])).toEqual({
      sql: 'SELECT ?',
      params: [1, 1, null, Buffer.from([1, 2]), '{"a":1}'],
    });
    expect(parseStatement(['SELECT :a', { ':a': 'x', $b: 2, c: false }])).toEqual({
      sql: 'SELECT :a',
      named: { a: 'x', b: 2, c: 0 },
    });
    expect(parseStatement({ query: 'SELECT ?', params: [5] })).toEqual({ sql: 'SELECT ?', params: [5] });
    expect(parseStatement({ query: 'SELECT @x', named_params: { '@x': 5 } })).toEqual({
      sql: 'SELECT @x',
      named: { x: 5 },
    });
    expect(parseStatement({ query: 'SELECT 1', params: null })).toEqual({ sql: 'SELECT 1' });
  });

  it('any JSON value either decodes or is refused with a BadRequestError, never anything else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          const s = parseStatement(v);
          expect(typeof s.sql).toBe('string');
        } catch (err) {
          expect(err).toBeInstanceOf(BadRequestError);
        }
        try {
          parseStatements(v, 10);
        } catch (err) {
          expect(err).toBeInstanceOf(BadRequestError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('cells round-trip to JSON: blobs as byte arrays, big integers as exact text', () => {
    expect(cellToJson(Buffer.from([0, 255]))).toEqual([0, 255]);
    expect(cellToJson(2n ** 60n)).toBe('1152921504606846976');
    expect(cellToJson(42n)).toBe(42);
    expect(jsonToParam([])).toBe('[]');
  });
});
