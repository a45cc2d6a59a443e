import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * cr-sqlite in Node, through the WebAssembly build that ships inside `@vlcn.io/wa-sqlite`
 * (`dist/crsqlite-sync.wasm`: SQLite 3.44 with the cr-sqlite extension linked in, built
 * without Asyncify). The package targets browsers: its Emscripten factory would `fetch` the
 * wasm file, so we read the binary from node_modules and hand it over as `wasmBinary`.
 *
 * We use the synchronous build: the Asyncify build (`crsqlite.wasm`) only adds support for
 * asynchronous virtual file systems, which a Node benchmark in memory does not need, and it
 * measured ~3.7x slower on single-row upserts here. Databases are in memory (`:memory:`):
 * wa-sqlite has no Node file-system VFS.
 */

/** SQLite values as wa-sqlite passes them. */
export type WasmValue = number | string | Uint8Array | bigint | null;

/** The part of wa-sqlite's `SQLiteAPI` this module uses (a structural interface, kysely style). */
interface WaSqliteApi {
  open_v2(name: string): Promise<number>;
  close(db: number): Promise<number>;
  exec(db: number, sql: string, cb?: (row: WasmValue[], cols: string[]) => void): Promise<number>;
  str_new(db: number, sql: string): number;
  str_value(str: number): number;
  str_finish(str: number): void;
  prepare_v2(db: number, sql: number): Promise<{ stmt: number; sql: number } | null>;
  bind_collection(stmt: number, values: WasmValue[]): number;
  step(stmt: number): Promise<number>;
  row(stmt: number): WasmValue[];
  reset(stmt: number): Promise<number>;
  finalize(stmt: number): Promise<number>;
  libversion(): string;
}

const SQLITE_ROW = 100;

/** A prepared statement: bind, run to completion, reset. */
export interface WasmStatement {
  /** Runs the statement with these parameters, returning the rows it produced. */
  all(params?: WasmValue[]): Promise<WasmValue[][]>;
  finalize(): Promise<void>;
}

/** One open in-memory database. */
export interface WasmDb {
  exec(sql: string): Promise<void>;
  query(sql: string): Promise<WasmValue[][]>;
  prepare(sql: string): Promise<WasmStatement>;
  /** Closes the database; cr-sqlite needs `crsql_finalize()` first, which this runs. */
  close(): Promise<void>;
}

/** A loaded cr-sqlite WASM module that opens databases. */
export interface CrSqliteWasm {
  open(): Promise<WasmDb>;
  /** SQLite library version inside the WASM build. */
  sqliteVersion: string;
  /** `@vlcn.io/wa-sqlite` package version. */
  packageVersion: string;
}

/** Thrown when the cr-sqlite WASM build cannot be found or started; the message says why. */
export class CrSqliteUnavailableError extends Error {
  constructor(reason: string) {
    super(`cr-sqlite (WASM) cannot run: ${reason}`);
    this.name = 'CrSqliteUnavailableError';
  }
}

/** Loads `@vlcn.io/wa-sqlite`'s cr-sqlite build from node_modules and starts it. */
export async function loadCrSqlite(): Promise<CrSqliteWasm> {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('@vlcn.io/wa-sqlite/package.json'));
  } catch (e) {
    throw new CrSqliteUnavailableError(`package @vlcn.io/wa-sqlite is not installed (${String(e)})`);
  }
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  let wasmBinary: Buffer;
  try {
    wasmBinary = readFileSync(join(pkgDir, 'dist', 'crsqlite-sync.wasm'));
  } catch (e) {
    throw new CrSqliteUnavailableError(
      `dist/crsqlite-sync.wasm missing from @vlcn.io/wa-sqlite (${String(e)})`,
    );
  }
  // The package has no types for its dist files; import them by URL and type what we use.
  const factoryMod = (await import(pathToFileURL(join(pkgDir, 'dist', 'crsqlite-sync.mjs')).href)) as {
    default: (moduleArg: { wasmBinary: Uint8Array }) => Promise<unknown>;
  };
  const apiMod = (await import(pathToFileURL(join(pkgDir, 'src', 'sqlite-api.js')).href)) as {
    Factory: (module: unknown) => WaSqliteApi;
  };
  const module = await factoryMod.default({ wasmBinary });
  const api = apiMod.Factory(module);
  return { open: () => openDb(api), sqliteVersion: api.libversion(), packageVersion: pkg.version };
}

async function openDb(api: WaSqliteApi): Promise<WasmDb> {
  const db = await api.open_v2(':memory:');
  const stmts = new Set<WasmStatement>();
  const self: WasmDb = {
    async exec(sql) {
      await api.exec(db, sql);
    },
    async query(sql) {
      const rows: WasmValue[][] = [];
      await api.exec(db, sql, (r) => rows.push(r));
      return rows;
    },
    async prepare(sql) {
      const str = api.str_new(db, sql);
      const prepared = await api.prepare_v2(db, api.str_value(str));
      if (!prepared) {
        api.str_finish(str);
        throw new Error(`empty statement: ${sql}`);
      }
      const { stmt } = prepared;
      const st: WasmStatement = {
        async all(params) {
          if (params) api.bind_collection(stmt, params);
          const rows: WasmValue[][] = [];
          while ((await api.step(stmt)) === SQLITE_ROW) rows.push(api.row(stmt));
          await api.reset(stmt);
          return rows;
        },
        async finalize() {
          if (!stmts.delete(st)) return;
          await api.finalize(stmt);
          api.str_finish(str);
        },
      };
      stmts.add(st);
      return st;
    },
    async close() {
      for (const s of [...stmts]) await s.finalize();
      await api.exec(db, 'SELECT crsql_finalize()');
      await api.close(db);
    },
  };
  return self;
}
