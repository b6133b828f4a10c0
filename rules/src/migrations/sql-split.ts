/**
 * Splits SQL text into statements on top-level semicolons, aware of quotes, dollar quotes, comments and
 * BEGIN ... END bodies (SQL-standard function bodies). Offsets are UTF-16 offsets into `text` (plus `base`).
 * Comment-only chunks are dropped; each statement's range starts at its first non-blank, non-comment character.
 */
export interface SqlChunk {
  sql: string;
  start: number;
  end: number;
}

export function splitSql(text: string, base = 0): SqlChunk[] {
  const out: SqlChunk[] = [];
  let i = 0;
  let stmtStart = -1;
  const n = text.length;
  let depth = 0;
  const push = (end: number) => {
    if (stmtStart >= 0) {
      let e = end;
      while (e > stmtStart && /\s/.test(text[e - 1]!)) e--;
      out.push({ sql: text.slice(stmtStart, e), start: base + stmtStart, end: base + e });
    }
    stmtStart = -1;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      let d = 1;
      let j = i + 2;
      while (j < n && d > 0) {
        if (text[j] === '/' && text[j + 1] === '*') (d++, (j += 2));
        else if (text[j] === '*' && text[j + 1] === '/') (d--, (j += 2));
        else j++;
      }
      i = j;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (stmtStart < 0) {
      if (c === ';') {
        i++;
        continue;
      }
      stmtStart = i;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      // E'...' strings allow backslash escapes.
      const escapes = c === "'" && i > 0 && /[eE]/.test(text[i - 1]!) && !/[\w]/.test(text[i - 2] ?? ' ');
      while (j < n) {
        if (escapes && text[j] === '\\') j += 2;
        else if (text[j] === c) {
          if (text[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      i = j + 1;
      continue;
    }
    if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (m && !/[\w]/.test(text[i - 1] ?? ' ')) {
        const tag = m[0];
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 ? n : close + tag.length;
        continue;
      }
    }
    if (/[A-Za-z_]/.test(c) && !/[\w$]/.test(text[i - 1] ?? ' ')) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i, i + 64))!;
      const word = m[0].toUpperCase();
      // BEGIN ATOMIC ... END, CASE ... END inside bodies: track depth only for BEGIN ATOMIC and CASE.
      if (word === 'CASE') depth++;
      else if (word === 'BEGIN' && /^BEGIN\s+ATOMIC\b/i.test(text.slice(i, i + 40))) depth++;
      else if (word === 'END' && depth > 0) depth--;
      i += m[0].length;
      continue;
    }
    if (c === ';' && depth === 0) {
      push(i);
      i++;
      continue;
    }
    i++;
  }
  push(n);
  return out;
}
