/**
 * The child process of `memoryProbe` (see memory-probe.ts). Arguments: `raw|corro rows
 * batchRows path`. Prints one JSON line `{ bytesPerRow, rssBefore, rssAfter }`.
 */
import { CorroWorkload } from './corro-store-workload.js';
import { RawSqlite } from './raw-sqlite.js';

const [kind, rowsArg, batchArg, path] = process.argv.slice(2);
const rows = Number(rowsArg);
const batchRows = Number(batchArg);
if (!path || !(rows > 0) || !(batchRows > 0) || (kind !== 'raw' && kind !== 'corro')) {
  console.error('usage: memory-probe-child.ts raw|corro ROWS BATCH_ROWS PATH');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with --expose-gc');
  process.exit(2);
}

async function settle(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 200));
  }
  return process.memoryUsage().rss;
}

const rssBefore = await settle();
const batches = Math.ceil(rows / batchRows);
let close: () => void;
if (kind === 'raw') {
  const db = new RawSqlite(path);
  db.batchedRows(0, batches, batchRows);
  close = () => db.close();
} else {
  const store = CorroWorkload.open(path);
  store.batchedRows(0, batches, batchRows);
  close = () => store.close();
}
const rssAfter = await settle();
console.log(
  JSON.stringify({ bytesPerRow: (rssAfter - rssBefore) / (batches * batchRows), rssBefore, rssAfter }),
);
close();
