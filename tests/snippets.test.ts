/**
 * Every snippet, expanded with its default placeholders as VS Code would insert it, parses (TypeScript, or the
 * PostgreSQL parser for SQL snippets) and has zero pglint findings.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../rules/src/engine/project';
import { initSqlParser } from '../rules/src/engine/sqlparse';

beforeAll(() => initSqlParser());

const ROOT = path.resolve(__dirname, '..');

interface SnippetFile {
  [name: string]: { prefix: string | string[]; description?: string; body: string | string[] };
}

// ── TextMate snippet expansion (the subset VS Code implements) ─────────────────

export interface ExpandContext {
  variables?: Record<string, string>;
}

/**
 * Expands a snippet body with default values: `$1` / `${1}` take the default given to the same tab stop
 * elsewhere (`${1:default}`, possibly nested), `${1|a,b|}` its first choice, `$0` nothing, `$VAR` / `${VAR:default}`
 * / `${VAR/regex/format/flags}` the variable (its default, or its name when unknown, as VS Code does). `\$`, `\}`,
 * `\\` are literal characters.
 */
export function expandSnippet(body: string, ctx: ExpandContext = {}): string {
  const vars = ctx.variables ?? {};
  const defaults = new Map<string, string>();
  let pos = 0;

  const parseUntil = (stop: string | undefined): string => {
    let out = '';
    while (pos < body.length) {
      const c = body[pos]!;
      if (c === '\\' && pos + 1 < body.length && '$}\\'.includes(body[pos + 1]!)) {
        out += body[pos + 1];
        pos += 2;
        continue;
      }
      if (stop !== undefined && c === stop) return out;
      if (c === '$') {
        out += parseDollar();
        continue;
      }
      out += c;
      pos++;
    }
    if (stop !== undefined) throw new Error(`unterminated placeholder in snippet: expected "${stop}"`);
    return out;
  };

  const tabstop = (n: string, value: string | undefined): string => {
    if (value !== undefined && !defaults.has(n)) defaults.set(n, value);
    return `\u0000${n}\u0000`; // resolved after the whole body is read (a later occurrence may hold the default)
  };

  const parseDollar = (): string => {
    pos++; // '$'
    let m = /^(\d+)/.exec(body.slice(pos));
    if (m) {
      pos += m[1]!.length;
      return tabstop(m[1]!, undefined);
    }
    m = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(body.slice(pos));
    if (m) {
      pos += m[1]!.length;
      return variable(m[1]!, undefined);
    }
    if (body[pos] !== '{') return '$';
    pos++;
    m = /^(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(body.slice(pos));
    if (!m) throw new Error(`bad placeholder at ${pos}`);
    const name = m[1]!;
    pos += name.length;
    const numeric = /^\d+$/.test(name);
    const next = body[pos];
    if (next === '}') {
      pos++;
      return numeric ? tabstop(name, undefined) : variable(name, undefined);
    }
    if (next === ':') {
      pos++;
      const value = parseUntil('}');
      pos++;
      return numeric ? tabstop(name, value) : variable(name, value);
    }
    if (next === '|' && numeric) {
      pos++;
      const end = body.indexOf('|}', pos);
      if (end < 0) throw new Error('unterminated choice');
      const choices = body.slice(pos, end).split(/(?<!\\),/).map((s) => s.replace(/\\([,|\\])/g, '$1'));
      pos = end + 2;
      return tabstop(name, choices[0] ?? '');
    }
    if (next === '/') {
      // transform: ${VAR/regex/format/flags}
      const parts: string[] = [];
      pos++;
      for (let i = 0; i < 3; i++) {
        let s = '';
        while (pos < body.length && body[pos] !== (i < 2 ? '/' : '}')) {
          if (body[pos] === '\\') s += body[pos++];
          s += body[pos++];
        }
        parts.push(s);
        pos++;
      }
      const value = numeric ? tabstop(name, undefined) : (vars[name] ?? '');
      if (numeric) return value;
      return value.replace(new RegExp(parts[0]!, parts[2]!.replace('}', '')), parts[1]!.replace(/\$(\d+)/g, '$$$1'));
    }
    throw new Error(`bad placeholder "\${${name}${next}"`);
  };

  const variable = (name: string, fallback: string | undefined): string => vars[name] ?? fallback ?? name;

  const raw = parseUntil(undefined);
  const resolve = (s: string, depth: number): string =>
    s.replace(/\u0000(\d+)\u0000/g, (_, n: string) => (n === '0' || depth > 10 ? '' : resolve(defaults.get(n) ?? '', depth + 1)));
  return resolve(raw, 0);
}

function bodyOf(s: { body: string | string[] }): string {
  return Array.isArray(s.body) ? s.body.join('\n') : s.body;
}

function readSnippets(file: string): SnippetFile {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets', file), 'utf8')) as SnippetFile;
}

const VARIABLES = { TM_FILENAME: 'users.ts', TM_FILENAME_BASE: 'users', CURRENT_YEAR: '2026', TM_SELECTED_TEXT: '' };

describe('expandSnippet', () => {
  it('uses defaults, mirrors, choices and variables', () => {
    expect(expandSnippet('a ${1:x} $1 ${2|p,q|} $0 \\$1 ${TM_FILENAME} ${NOPE:dflt} $UNKNOWN', { variables: VARIABLES })).toBe(
      'a x x p  $1 users.ts dflt UNKNOWN',
    );
    expect(expandSnippet('$1-${1:late}')).toBe('late-late');
    expect(expandSnippet('${1:outer ${2:inner}} $2')).toBe('outer inner inner');
    expect(expandSnippet('`\\${x}` ${1:a\\}b}')).toBe('`${x}` a}b');
    expect(expandSnippet('${TM_FILENAME/(.*)\\.ts/$1/}', { variables: VARIABLES })).toBe('users');
    expect(() => expandSnippet('${1:open')).toThrow(/unterminated/);
  });
});

const tsSnippets = readSnippets('pglint.code-snippets.json');
const sqlSnippets = readSnippets('pglint-sql.code-snippets.json');

describe('snippets', () => {
  it('has at least 12 TypeScript snippets, all prefixed pg- and described', () => {
    const all = { ...tsSnippets, ...sqlSnippets };
    expect(Object.keys(tsSnippets).length).toBeGreaterThanOrEqual(12);
    const prefixes = Object.values(all).flatMap((s) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]));
    for (const p of prefixes) expect(p).toMatch(/^pg-[a-z-]+$/);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const s of Object.values(all)) expect(s.description?.length ?? 0).toBeGreaterThan(10);
  });

  it('package.json contributes both snippet files', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { snippets: { language: string; path: string }[] } };
    const contributed = pkg.contributes.snippets;
    for (const lang of ['typescript', 'javascript', 'typescriptreact', 'javascriptreact']) {
      expect(contributed).toContainEqual({ language: lang, path: './snippets/pglint.code-snippets.json' });
    }
    expect(contributed).toContainEqual({ language: 'sql', path: './snippets/pglint-sql.code-snippets.json' });
  });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-snippets-'));
  fs.writeFileSync(path.join(tmp, 'package.json'), '{"name":"snippet-check","private":true}\n');
  const project = new Project({ root: tmp });

  const lintAsInserted = (prefix: string, code: string) => {
    // The snippet is inserted into a module that already uses node-postgres.
    const declaresPool = /\bconst pool\b/.test(code);
    const text = `import { Pool, Client, type PoolClient } from 'pg';\n${declaresPool ? '' : 'declare const pool: Pool;\n'}${code}\n`;
    const file = path.join(tmp, `${prefix}.ts`);
    project.setOverlay(file, text);
    return { text, file, result: project.lintFile(file) };
  };

  it('the same harness reports a bad pattern (control)', () => {
    const { result } = lintAsInserted('control', 'export async function f(ids: number[]) {\n  for (const id of ids) await pool.query("SELECT * FROM t WHERE id = " + id);\n}');
    expect(result.findings.map((f) => f.ruleId).sort()).toEqual(['no-query-in-loop', 'no-sql-concatenation']);
  });

  for (const [name, snippet] of Object.entries(tsSnippets)) {
    it(`${snippet.prefix as string} (${name}) expands to TypeScript that parses and lints clean`, () => {
      const code = expandSnippet(bodyOf(snippet), { variables: VARIABLES });
      const { text, file, result } = lintAsInserted(String(snippet.prefix), code);
      const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      const syntax = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
      expect(syntax.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), text).toEqual([]);
      expect(result.skipped).toBeUndefined();
      expect(result.findings.map((f) => `${f.ruleId}: ${f.message} @${f.start}`), text).toEqual([]);
    });
  }

  for (const [name, snippet] of Object.entries(sqlSnippets)) {
    it(`${snippet.prefix as string} (${name}) expands to SQL PostgreSQL parses`, async () => {
      const sql = expandSnippet(bodyOf(snippet), { variables: VARIABLES });
      const { parse } = (await import('libpg-query')) as { parse: (s: string) => Promise<{ stmts: unknown[] }> };
      const tree = await parse(sql);
      expect(tree.stmts.length).toBeGreaterThan(0);
    });
  }
});
