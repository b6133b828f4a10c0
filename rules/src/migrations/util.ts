import { createHash } from 'node:crypto';

/** Edit distance (optimal string alignment: a swap of two neighbours counts as one edit). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (!m) return n;
  if (!n) return m;
  // Optimal string alignment distance with three rolling rows (no per-call matrix: this runs for every suggestion).
  let prev2 = new Uint16Array(n + 1);
  let prev = new Uint16Array(n + 1);
  let cur = new Uint16Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[n]!;
}

const closestMemo = new Map<string, string | undefined>();
const relationNamesMemo = new WeakMap<object, Map<string, string[]>>();

/** Relation names as a query would write them (schema-qualified outside the search path), computed once per schema. */
export function relationNamesOf(schema: { relations: Record<string, { schema: string; name: string }> }, searchPath: readonly string[]): string[] {
  const key = searchPath.join(',');
  let bySearchPath = relationNamesMemo.get(schema);
  if (!bySearchPath) relationNamesMemo.set(schema, (bySearchPath = new Map()));
  let names = bySearchPath.get(key);
  if (!names) {
    names = Object.values(schema.relations).map((r) => (searchPath.includes(r.schema) ? r.name : `${r.schema}.${r.name}`));
    bySearchPath.set(key, names);
  }
  return names;
}

/** Closest candidate within a distance that grows with the name's length (at most 3). Memoised: the same names recur across files. */
const closestByList = new WeakMap<readonly string[], Map<string, string | undefined>>();

export function closest(name: string, candidates: Iterable<string>): string | undefined {
  if (Array.isArray(candidates)) {
    // The same list (relationNamesOf) is asked about many names: memoise by its identity, no key to build.
    let memo = closestByList.get(candidates);
    if (!memo) closestByList.set(candidates, (memo = new Map()));
    if (memo.has(name)) return memo.get(name);
    const result = closestUncached(name, candidates as string[]);
    memo.set(name, result);
    return result;
  }
  const list = [...candidates];
  const key = `${name}\u0001${list.join('\u0002')}`;
  if (closestMemo.has(key)) return closestMemo.get(key);
  if (closestMemo.size > 20_000) closestMemo.clear();
  const result = closestUncached(name, list);
  closestMemo.set(key, result);
  return result;
}

function closestUncached(name: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    // The distance is at least the difference in length: skip what cannot be within the limit.
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = levenshtein(lower, c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}

export function sha256(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(String(p.length));
    h.update(':');
    h.update(p);
  }
  return h.digest('hex');
}

/** Maps UTF-8 byte offsets (libpg-query locations) to UTF-16 offsets (JS strings). */
export function byteToCharMapper(text: string): (byte: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return (b) => b;
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < bytes; k++) map.push(i);
    if (cp >= 0x10000) i++;
  }
  return (b) => (b >= map.length ? text.length : map[b]!);
}

export function unquoteIdent(name: string): string {
  return name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}

export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

// The cache key changes with pglint's version (esbuild inlines the JSON).
export { version as PGLINT_VERSION } from '../../../package.json';
