/**
 * Conversions between JSON and SQLite values, following Corrosion's API: a blob travels as
 * an array of byte values, a boolean parameter binds as 0/1, and any other JSON object or
 * array parameter binds as its JSON text.
 */

/** Turns a SQLite cell into its JSON form. */
export function cellToJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    // Integers beyond 2^53 keep their exact digits as a string rather than silently rounding.
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value instanceof Uint8Array) return Array.from(value);
  return value;
}

/** Turns a JSON parameter into a value SQLite can bind. */
export function jsonToParam(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 0 && value.every(isByte)) return Buffer.from(value as number[]);
  return JSON.stringify(value);
}

function isByte(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255;
}
