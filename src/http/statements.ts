import type { ApiStatement } from './backend.js';
import { BadRequestError } from './errors.js';
import { jsonToParam } from './json-values.js';

/**
 * Decodes one statement from any of Corrosion's JSON forms:
 * `"SQL"`, `["SQL", [params]]`, `["SQL", {named}]` or
 * `{"query": "SQL", "params": [...], "named_params": {...}}`.
 * `where` names the statement in error messages (e.g. "statement 2").
 * Throws {@link BadRequestError} naming what is wrong.
 */
export function parseStatement(value: unknown, where = 'statement'): ApiStatement {
  if (typeof value === 'string') return { sql: nonEmptySql(value, where) };
  if (Array.isArray(value)) {
    if (value.length !== 2 || typeof value[0] !== 'string') {
      throw new BadRequestError(
        `${where}: an array statement must be ["SQL", [params]] or ["SQL", {named params}]`,
      );
    }
    const sql = nonEmptySql(value[0], where);
    const args: unknown = value[1];
    if (Array.isArray(args)) return { sql, params: args.map(jsonToParam) };
    if (isPlainObject(args)) return { sql, named: parseNamed(args) };
    throw new BadRequestError(`${where}: parameters must be an array or an object of named parameters`);
  }
  if (isPlainObject(value)) {
    const unknownKeys = Object.keys(value).filter((k) => !['query', 'params', 'named_params'].includes(k));
    if (unknownKeys.length > 0) {
      throw new BadRequestError(
        `${where}: unknown key(s) ${unknownKeys.join(', ')}; expected query, params, named_params`,
      );
    }
    if (typeof value.query !== 'string') throw new BadRequestError(`${where}: "query" must be a string`);
    const sql = nonEmptySql(value.query, where);
    const out: { sql: string; params?: unknown[]; named?: Record<string, unknown> } = { sql };
    if (value.params !== undefined && value.params !== null) {
      if (!Array.isArray(value.params)) throw new BadRequestError(`${where}: "params" must be an array`);
      out.params = value.params.map(jsonToParam);
    }
    if (value.named_params !== undefined && value.named_params !== null) {
      if (!isPlainObject(value.named_params)) {
        throw new BadRequestError(`${where}: "named_params" must be an object`);
      }
      out.named = parseNamed(value.named_params);
    }
    if (out.params && out.named) {
      throw new BadRequestError(`${where}: give either "params" or "named_params", not both`);
    }
    return out;
  }
  throw new BadRequestError(
    `${where}: expected "SQL", ["SQL", params] or {"query": "SQL", ...}, got ${describe(value)}`,
  );
}

/**
 * Decodes the body of `POST /v1/transactions`: a non-empty array of statements, at most
 * `maxStatements` long.
 */
export function parseStatements(value: unknown, maxStatements: number): ApiStatement[] {
  if (!Array.isArray(value)) {
    throw new BadRequestError(`expected a JSON array of statements, got ${describe(value)}`);
  }
  if (value.length === 0) throw new BadRequestError('at least 1 statement is required');
  if (value.length > maxStatements) {
    throw new BadRequestError(
      `too many statements: ${value.length} > ${maxStatements}; split the transaction`,
    );
  }
  return value.map((v, i) => parseStatement(v, `statement ${i + 1}`));
}

function parseNamed(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Corrosion's clients send keys with their SQL prefix (":id"); better-sqlite3 wants "id".
  for (const [k, v] of Object.entries(obj)) out[k.replace(/^[:@$]/, '')] = jsonToParam(v);
  return out;
}

function nonEmptySql(sql: string, where: string): string {
  if (sql.trim() === '') throw new BadRequestError(`${where}: the SQL text is empty`);
  return sql;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
