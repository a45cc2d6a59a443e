/**
 * Small lexical helpers over SQL text: splitting statements, extracting column definitions,
 * quoting. They understand quotes ('', "", ``, []) and comments, which is all that is needed to
 * find statement boundaries and top-level commas; SQLite itself parses everything else.
 */

/** Quotes an identifier for SQL (`"name"`, doubling inner quotes). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for SQL. */
export function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * If a quoted literal or identifier ('', "", ``, []) or a comment starts at `i`, returns the
 * index just past it and whether it was a comment; otherwise undefined. An unterminated one
 * runs to the end of the text.
 */
function skipNonCode(sql: string, i: number): { end: number; comment: boolean } | undefined {
  const ch = sql[i];
  if (ch === '-' && sql[i + 1] === '-') {
    const nl = sql.indexOf('\n', i);
    return { end: nl < 0 ? sql.length : nl + 1, comment: true };
  }
  if (ch === '/' && sql[i + 1] === '*') {
    const e = sql.indexOf('*/', i + 2);
    return { end: e < 0 ? sql.length : e + 2, comment: true };
  }
  if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
    const close = ch === '[' ? ']' : ch;
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === close) {
        // A doubled quote is an escaped quote; `]` has no escape.
        if (close !== ']' && sql[j + 1] === close) {
          j += 2;
          continue;
        }
        break;
      }
      j++;
    }
    return { end: Math.min(j + 1, sql.length), comment: false };
  }
  return undefined;
}

/**
 * Walks `sql` calling `visit(index, char)` for every character outside quotes and comments.
 * Returns early when `visit` returns true.
 */
function scan(sql: string, visit: (i: number, ch: string) => boolean | undefined): void {
  let i = 0;
  while (i < sql.length) {
    const skip = skipNonCode(sql, i);
    if (skip) {
      i = skip.end;
      continue;
    }
    if (visit(i, sql[i] as string)) return;
    i++;
  }
}

/** Removes comments and surrounding whitespace (quoted text is kept as is). */
export function stripComments(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const skip = skipNonCode(sql, i);
    if (skip) {
      out += skip.comment ? ' ' : sql.slice(i, skip.end);
      i = skip.end;
      continue;
    }
    out += sql[i];
    i++;
  }
  return out.trim();
}

/** Splits SQL text into statements at top-level semicolons; empty statements are dropped. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  scan(sql, (i, ch) => {
    if (ch === ';') {
      out.push(sql.slice(start, i));
      start = i + 1;
    }
    return false;
  });
  out.push(sql.slice(start));
  return out.map((s) => s.trim()).filter((s) => stripComments(s).length > 0);
}

/** Unquotes an identifier token (`"a""b"` -> `a"b`, `[x]` -> `x`, bare names unchanged). */
export function unquoteIdent(token: string): string {
  const f = token[0];
  if (f === '"' || f === '`')
    return token
      .slice(1, -1)
      .split(f + f)
      .join(f);
  if (f === '[') return token.slice(1, -1);
  if (f === "'") return token.slice(1, -1).split("''").join("'");
  return token;
}

const TABLE_CONSTRAINT = /^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)\b/i;

/**
 * The column definitions of a `CREATE TABLE` statement, by column name, as written (for
 * `ALTER TABLE ... ADD COLUMN`). Table constraints are skipped.
 */
export function columnDefinitions(createTableSql: string): Map<string, string> {
  let open = -1;
  let depth = 0;
  const parts: string[] = [];
  let partStart = -1;
  scan(createTableSql, (i, ch) => {
    if (ch === '(') {
      depth++;
      if (depth === 1) {
        open = i;
        partStart = i + 1;
      }
    } else if (ch === ')') {
      depth--;
      if (depth === 0) {
        parts.push(createTableSql.slice(partStart, i));
        return true;
      }
    } else if (ch === ',' && depth === 1) {
      parts.push(createTableSql.slice(partStart, i));
      partStart = i + 1;
    }
    return false;
  });
  const out = new Map<string, string>();
  if (open < 0) return out;
  for (const raw of parts) {
    const def = stripComments(raw);
    if (def === '' || TABLE_CONSTRAINT.test(def)) continue;
    const m = /^("(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|'(?:[^']|'')*'|[^\s(]+)/.exec(def);
    if (!m) continue;
    out.set(unquoteIdent(m[1] as string), def);
  }
  return out;
}
