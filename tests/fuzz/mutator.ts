/**
 * Deterministic source mutator for the robustness fuzzer (tests/fuzz/fuzz.test.ts, bench/fuzz-long.mjs).
 * Everything derives from one 32-bit seed: the same seed gives the same mutants, so a failure printed with its
 * seed and mutant index can be replayed exactly (`mutantsFor(text, seed, index)`).
 * No dependency on the engine: the long run bundles this file next to the engine with esbuild.
 */

/** mulberry32: small, fast, good enough for fuzzing, fully deterministic. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Derives a per-mutant seed from the run seed and the mutant's coordinates (stable across runs and file orders). */
export function mutantSeed(runSeed: number, fileKey: string, index: number): number {
  let h = (runSeed ^ 0x9e3779b9) >>> 0;
  const mix = (c: number) => {
    h = Math.imul(h ^ c, 0x01000193) >>> 0;
  };
  for (let i = 0; i < fileKey.length; i++) mix(fileKey.charCodeAt(i));
  mix(index & 0xffff);
  mix(index >>> 16);
  return h >>> 0;
}

const TOKEN_RE = /[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|`|'|"|\/\/|\/\*|\*\/|\$\{|=>|\.\.\.|[{}()[\];,.<>=+\-*/%!?:&|^~@#\\]|\s+/g;

interface Token {
  start: number;
  end: number;
  text: string;
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    if (/^\s+$/.test(m[0])) continue;
    out.push({ start: m.index!, end: m.index! + m[0].length, text: m[0] });
  }
  return out;
}

const INSERT_TOKENS = [
  '(', ')', '{', '}', '[', ']', ';', ',', '.', '=>', '?.', '??', '...', '`', "'", '"', '${', '/*', '*/', '//', '<', '>',
  'await', 'async', 'function', 'for', 'while', 'if', 'else', 'return', 'try', 'catch', 'finally', 'const', 'let', 'var',
  'class', 'new', 'import', 'export', 'from', 'yield', 'throw', 'typeof', 'as', 'satisfies', 'enum', 'namespace',
  'pool', 'client', 'query', 'connect', 'release', 'pool.query(', 'client.release()', 'await pool.connect()',
  "'SELECT 1'", '`SELECT ${x}`', "' + id + '", 'sql`', 'knex.raw(', 'require("pg")', "import { Pool } from 'pg';",
  'for (const x of xs) {', 'try {', '} finally {', '#!', '@', '\\', '\u2028', '\u0000', '\uFFFD', '😀', 'é',
];

const OPENERS = ['(', '[', '{', '`', "'", '"', '${', '/*', '<', 'for (;;) {', 'try {', 'function f() {', '() => {', 'pool.query('];
const CLOSERS = [')', ']', '}', '`', "'", '"', '*/', '>', '} finally {', '} catch {'];

export const MUTATION_KINDS = [
  'deleteToken', 'insertToken', 'swapTokens', 'truncate', 'deleteRange', 'duplicateRange', 'unbalance',
  'hugeString', 'hugeSql', 'deepNesting', 'longChain', 'randomBytes', 'lineEndings', 'bom',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** Where to put an inserted statement: the start of a random line. */
function lineStartAt(text: string, rng: Rng): number {
  if (!text.length) return 0;
  const at = rng.int(text.length);
  const nl = text.lastIndexOf('\n', at);
  return nl + 1;
}

function deep(kind: number, depth: number): string {
  switch (kind) {
    case 0:
      return `const deepParens = ${'('.repeat(depth)}1${')'.repeat(depth)};\n`;
    case 1:
      return `const deepArray = ${'['.repeat(depth)}${']'.repeat(depth)};\n`;
    case 2:
      return `const deepObject = ${'{a:'.repeat(depth)}1${'}'.repeat(depth)};\n`;
    case 3:
      return `function deepIf(x: any) {\n${'if (x) {'.repeat(depth)}pool.query('SELECT ' + x);${'}'.repeat(depth)}\n}\n`;
    case 4:
      return `const deepArrow = ${'() => '.repeat(depth)}pool.query('SELECT 1');\n`;
    case 5:
      return `const deepTemplate = ${'`${'.repeat(depth)}x${'}`'.repeat(depth)};\n`;
    case 6:
      return `async function deepLoop(xs: any[]) {\n${'for (const x of xs) {'.repeat(depth)}await pool.query('SELECT ' + x);${'}'.repeat(depth)}\n}\n`;
    case 7:
      return `const deepCall = ${'f('.repeat(depth)}pool.query('SELECT 1')${')'.repeat(depth)};\n`;
    default:
      // Unclosed: only openers.
      return `${'{('.repeat(depth)}\n`;
  }
}

function randomBytes(rng: Rng, n: number, allowNul: boolean): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    let c = rng.int(256);
    if (!allowNul && c === 0) c = 1;
    // Interpreted as Latin-1 half the time, as lone surrogates / high code points otherwise.
    if (rng.chance(0.1)) s += String.fromCharCode(0xd800 + rng.int(0x800));
    else if (rng.chance(0.05)) s += String.fromCodePoint(0x10000 + rng.int(0xfffff - 0x10000));
    else s += String.fromCharCode(c);
  }
  return s;
}

export interface MutationOptions {
  /** Depth of the deep-nesting mutation (the issue asks for 10,000). */
  depth?: number;
  /** Upper bound for huge literals (chars). Kept under the engine's 2 MiB skip limit by default so they are analysed. */
  hugeMax?: number;
}

/** Applies one mutation of the given kind. */
export function mutateOnce(text: string, kind: MutationKind, rng: Rng, opts: MutationOptions = {}): string {
  const depth = opts.depth ?? 10_000;
  const hugeMax = opts.hugeMax ?? 1_500_000;
  const toks = tokens(text);
  const at = () => rng.int(text.length + 1);
  switch (kind) {
    case 'deleteToken': {
      if (!toks.length) return text;
      let out = text;
      const n = rng.range(1, 4);
      for (let k = 0; k < n; k++) {
        const tk = tokens(out);
        if (!tk.length) break;
        const t = rng.pick(tk);
        out = out.slice(0, t.start) + out.slice(t.end);
      }
      return out;
    }
    case 'insertToken': {
      const n = rng.range(1, 3);
      let out = text;
      for (let k = 0; k < n; k++) {
        const tk = tokens(out);
        const p = tk.length && rng.chance(0.7) ? (rng.chance(0.5) ? rng.pick(tk).start : rng.pick(tk).end) : rng.int(out.length + 1);
        const tok = toks.length && rng.chance(0.3) ? rng.pick(toks).text : rng.pick(INSERT_TOKENS);
        out = out.slice(0, p) + (rng.chance(0.5) ? ` ${tok} ` : tok) + out.slice(p);
      }
      return out;
    }
    case 'swapTokens': {
      if (toks.length < 2) return text;
      const a = rng.pick(toks);
      const b = rng.pick(toks);
      const [x, y] = a.start < b.start ? [a, b] : [b, a];
      if (x.end > y.start) return text;
      return text.slice(0, x.start) + y.text + text.slice(x.end, y.start) + x.text + text.slice(y.end);
    }
    case 'truncate': {
      // Keep a prefix, a suffix, or a middle slice.
      const a = at();
      const b = at();
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const mode = rng.int(3);
      return mode === 0 ? text.slice(0, a) : mode === 1 ? text.slice(a) : text.slice(lo, hi);
    }
    case 'deleteRange': {
      const a = at();
      const len = rng.chance(0.7) ? rng.range(1, 40) : rng.range(1, Math.max(1, text.length >> 2));
      return text.slice(0, a) + text.slice(Math.min(text.length, a + len));
    }
    case 'duplicateRange': {
      const a = at();
      const len = rng.range(1, 400);
      const p = at();
      return text.slice(0, p) + text.slice(a, a + len) + text.slice(p);
    }
    case 'unbalance': {
      let out = text;
      const n = rng.range(1, 5);
      for (let k = 0; k < n; k++) {
        const p = rng.int(out.length + 1);
        const s = rng.chance(0.5) ? rng.pick(OPENERS) : rng.pick(CLOSERS);
        out = out.slice(0, p) + s + out.slice(p);
      }
      return out;
    }
    case 'hugeString': {
      const len = rng.range(10_000, hugeMax);
      const q = rng.pick(["'", '"', '`']);
      const body = rng.chance(0.5) ? 'x'.repeat(len) : "ab\\'c\\\\ ".repeat(Math.ceil(len / 8)).slice(0, len);
      const unterminated = rng.chance(0.2);
      const lit = `${q}${q === '`' ? body.replace(/`/g, 'x') : body.replace(new RegExp(q, 'g'), 'x')}${unterminated ? '' : q}`;
      const p = lineStartAt(text, rng);
      return `${text.slice(0, p)}const huge${rng.int(1000)} = ${lit};\n${text.slice(p)}`;
    }
    case 'hugeSql': {
      // A huge SQL text reaching a query call, built by concatenation so the SQL rules look at it.
      const cols = rng.range(1_000, Math.max(1_000, Math.floor(hugeMax / 12)));
      const sql = `SELECT ${Array.from({ length: Math.min(cols, 60_000) }, (_, i) => `c${i}`).join(', ')} FROM t WHERE id = `;
      const p = lineStartAt(text, rng);
      const call = rng.chance(0.5) ? `pool.query('${sql}' + id);\n` : `pool.query(\`${sql}\${id}\`);\n`;
      return text.slice(0, p) + call + text.slice(p);
    }
    case 'deepNesting': {
      const p = lineStartAt(text, rng);
      return text.slice(0, p) + deep(rng.int(9), depth) + text.slice(p);
    }
    case 'longChain': {
      // Long flat chains: binary `+` (a left-deep tree of the same depth), `.then()` chains, `+=` sequences.
      const n = depth;
      const p = lineStartAt(text, rng);
      const mode = rng.int(3);
      const s = mode === 0
        ? `const chain = pool.query('SELECT ' ${"+ x ".repeat(n)});\n`
        : mode === 1
          ? `pool.query('SELECT 1')${'.then((r) => r)'.repeat(n)};\n`
          : `let q = 'SELECT ';\n${"q += x + ',';\n".repeat(Math.min(n, 5000))}pool.query(q);\n`;
      return text.slice(0, p) + s + text.slice(p);
    }
    case 'randomBytes': {
      const a = at();
      const len = rng.range(1, 64);
      const replace = rng.chance(0.5) ? rng.range(0, 32) : 0;
      return text.slice(0, a) + randomBytes(rng, len, rng.chance(0.2)) + text.slice(Math.min(text.length, a + replace));
    }
    case 'lineEndings': {
      const endings = ['\n', '\r\n', '\r', '\u2028', '\u2029', '\n\r'];
      const all = rng.chance(0.3);
      return text.replace(/\r?\n/g, (m) => (all || rng.chance(0.3) ? rng.pick(endings) : m));
    }
    case 'bom': {
      const p = rng.chance(0.6) ? 0 : at();
      const n = rng.range(1, 3);
      return text.slice(0, p) + '\uFEFF'.repeat(n) + text.slice(p);
    }
  }
}

export interface Mutant {
  text: string;
  kinds: MutationKind[];
  seed: number;
}

/** Kinds that produce big texts; drawn less often so a run's time stays dominated by ordinary mutants. */
const HEAVY: ReadonlySet<MutationKind> = new Set(['hugeString', 'hugeSql', 'deepNesting', 'longChain']);

/** One mutant: 1 to 3 stacked mutations; heavy kinds (huge, deep) about 1 time in `heavyEvery`. */
export function mutate(text: string, seed: number, opts: MutationOptions & { heavyEvery?: number; kind?: MutationKind } = {}): Mutant {
  const rng = new Rng(seed);
  const heavyEvery = opts.heavyEvery ?? 25;
  const kinds: MutationKind[] = [];
  let out = text;
  if (opts.kind) {
    kinds.push(opts.kind);
    out = mutateOnce(out, opts.kind, rng, opts);
  } else {
    const n = rng.range(1, 3);
    for (let k = 0; k < n; k++) {
      let kind: MutationKind;
      if (k === 0 && rng.int(heavyEvery) === 0) kind = rng.pick([...HEAVY]);
      else {
        do kind = rng.pick(MUTATION_KINDS);
        while (HEAVY.has(kind));
      }
      kinds.push(kind);
      out = mutateOnce(out, kind, rng, opts);
    }
  }
  return { text: out, kinds, seed };
}
