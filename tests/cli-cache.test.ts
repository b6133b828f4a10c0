/**
 * The CLI's result cache and worker threads, end to end on the built CLI (bin/pglint.js → dist/cli.js):
 * a warm run prints what a cold run prints and loads no TypeScript; a change re-lints the file and the files
 * that import it (counted with PGLINT_DEBUG_CACHE=1); --no-cache always misses; a corrupt cache is ignored;
 * worker threads (forced with PGLINT_WORKERS=2) give byte-identical output.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { componentKeys, fileKeys } from '../cli/cache';
import { BIN, useBuiltCli, writeFiles } from './helpers/cli';

const tmp = useBuiltCli();


const FILES: Record<string, string> = {
  'package.json': '{"name":"cache-fixture","private":true}\n',
  'src/db.ts': `import { Pool } from 'pg';\nexport const pool = new Pool();\n`,
  'src/repo.ts': `import { pool } from './db';\nexport async function findUser(id: number) {\n  return pool.query('SELECT id, name FROM users WHERE id = $1', [id]);\n}\n`,
  'src/service.ts': `import { findUser } from './repo';\nexport async function all(ids: number[]) {\n  for (const id of ids) {\n    await findUser(id);\n  }\n}\n`,
  'src/concat.ts': `import { pool } from './db';\nexport async function byName(name: string) {\n  return pool.query("SELECT id FROM users WHERE name = '" + name + "'");\n}\n`,
  'src/leak.ts': `import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function leak() {\n  const client = await pool.connect();\n  await client.query('SELECT 1');\n}\n`,
  'src/web/view.tsx': `export function View(props: { name: string }) {\n  return props.name.toUpperCase();\n}\n`,
  'migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n',
};

function project(): string {
  return writeFiles(tmp('pglint-cache-'), FILES);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  hits: number;
  misses: string[];
  typescriptLoaded: boolean;
}

/**
 * Preloaded into the CLI: reports at exit whether the engine (dist/engine.js, which bundles TypeScript's compiler)
 * or TypeScript itself was loaded. The build checks that dist/cli.js bundles no TypeScript.
 */
const PROBE = path.join(os.tmpdir(), `pglint-ts-probe-${process.pid}.cjs`);
fs.writeFileSync(PROBE, `process.on('exit', () => {
  const loaded = Object.keys(require.cache).some((k) => /[\\\\/](engine|typescript)\\.js$/.test(k));
  process.stderr.write('probe: typescript ' + (loaded ? 'loaded' : 'not loaded') + '\\n');
});\n`);
afterAll(() => fs.rmSync(PROBE, { force: true }));

/** The rule ids of a JSON report, in order. */
function findings(r: Run): string[] {
  return (JSON.parse(r.stdout) as { messages: { ruleId: string }[] }[]).flatMap((f) => f.messages.map((m) => m.ruleId));
}

function pglint(cwd: string, args: string[], env: Record<string, string | undefined> = {}): Run {
  const childEnv: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, PGLINT_DEBUG: undefined, PGLINT_WORKERS: undefined, PGLINT_DEBUG_CACHE: '1', ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  const r = spawnSync(process.execPath, ['-r', PROBE, BIN, '.', '--format', 'json', ...args], { cwd, env: childEnv as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 120_000 });
  const counts = /cache: (\d+) hits, (\d+) misses/.exec(r.stderr);
  const misses = [...r.stderr.matchAll(/^cache: miss (.+)$/gm)].map((m) => m[1]!).sort();
  if (counts) expect(Number(counts[2])).toBe(misses.length);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).toMatch(/probe: typescript (not )?loaded/);
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    hits: counts ? Number(counts[1]) : -1,
    misses,
    typescriptLoaded: /probe: typescript loaded/.test(r.stderr),
  };
}

const LINTED = Object.keys(FILES).filter((f) => f !== 'package.json').sort();

describe('result cache', () => {
  it('a warm run prints exactly what the cold run printed, hits every file and never loads TypeScript', () => {
    const dir = project();
    const cache = tmp('pglint-cache-loc-');
    const cold = pglint(dir, ['--cache-location', cache]);
    expect(cold.code).toBe(1); // the fixture has errors
    expect(cold.hits).toBe(0);
    expect(cold.misses).toEqual(LINTED);
    expect(cold.typescriptLoaded).toBe(true);
    const results = JSON.parse(cold.stdout) as { filePath: string; messages: { ruleId: string }[] }[];
    const rules = results.flatMap((r) => r.messages.map((m) => `${path.relative(dir, r.filePath)}:${m.ruleId}`)).sort();
    expect(rules).toEqual(expect.arrayContaining(['src/concat.ts:no-sql-concatenation', 'src/leak.ts:no-unreleased-client', 'src/service.ts:no-query-in-loop']));

    const warm = pglint(dir, ['--cache-location', cache]);
    expect(warm.hits).toBe(LINTED.length);
    expect(warm.misses).toEqual([]);
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.code).toBe(cold.code);
    expect(warm.typescriptLoaded).toBe(false);

    const uncached = pglint(dir, ['--no-cache']);
    expect(uncached.stdout).toBe(cold.stdout);
  });

  it('recognises unchanged files by their metadata without reading them (default), or by content', () => {
    const dir = project();
    const cache = tmp('pglint-cache-loc-');
    const cold = pglint(dir, ['--cache-location', cache]);
    const reads = (r: Run): number => Number(/(\d+) files read to hash/.exec(r.stderr)?.[1] ?? NaN);
    expect(reads(cold)).toBeGreaterThanOrEqual(LINTED.length);
    const warm = pglint(dir, ['--cache-location', cache]);
    expect(reads(warm)).toBe(0);
    expect(warm.stdout).toBe(cold.stdout);
    // Touched, same content: only that file is read and hashed again, and it is still a hit.
    const service = path.join(dir, 'src/service.ts');
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(service, later, later);
    const touched = pglint(dir, ['--cache-location', cache]);
    expect(reads(touched)).toBe(1);
    expect(touched.misses).toEqual([]);
    expect(touched.stdout).toBe(cold.stdout);
    // A same-size edit that puts the modification time back is still seen (the change time moved).
    const concat = path.join(dir, 'src/concat.ts');
    const text = fs.readFileSync(concat, 'utf8');
    const stamp = fs.statSync(concat);
    const sameSize = text.replace('SELECT', 'select');
    expect(sameSize).not.toBe(text);
    fs.writeFileSync(concat, sameSize);
    fs.utimesSync(concat, stamp.atime, stamp.mtime);
    expect(pglint(dir, ['--cache-location', cache]).misses).toContain('src/concat.ts');
    // The content strategy reads and hashes every file.
    const byContent = pglint(dir, ['--cache-location', cache, '--cache-strategy', 'content']);
    expect(reads(byContent)).toBeGreaterThanOrEqual(LINTED.length);
    expect(byContent.misses).toEqual([]);
    const bad = spawnSync(process.execPath, [BIN, '.', '--cache-strategy', 'mtime'], { cwd: dir, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--cache-strategy expects "metadata" or "content"');
  });

  it('a change re-lints the file and the files that import it, and the output matches a cold run', () => {
    const dir = project();
    const cache = tmp('pglint-cache-loc-');
    pglint(dir, ['--cache-location', cache]);
    // repo.ts no longer queries: service.ts (which imports it) loses its N+1 finding.
    fs.writeFileSync(path.join(dir, 'src/repo.ts'), `import { pool } from './db';\nexport async function findUser(id: number) {\n  return { id, pool: typeof pool };\n}\n`);
    const after = pglint(dir, ['--cache-location', cache]);
    // The changed file and its importer. Not the migration: nothing in it asked where the code uses a table.
    expect(after.misses).toEqual(['src/repo.ts', 'src/service.ts']);
    expect(after.hits).toBe(LINTED.length - 2);
    expect(after.stderr).toContain('cache: imports resolved again for 1 files');
    const fresh = pglint(dir, ['--no-cache']);
    expect(after.stdout).toBe(fresh.stdout);
    expect(after.stdout).not.toContain('no-query-in-loop');
    // And the next run is warm again.
    const again = pglint(dir, ['--cache-location', cache]);
    expect(again.misses).toEqual([]);
    expect(again.stdout).toBe(fresh.stdout);

    // A migration change re-lints every source file (their SQL is checked against the schema).
    fs.appendFileSync(path.join(dir, 'migrations/001_users.sql'), 'ALTER TABLE users ADD COLUMN email text;\n');
    const migrated = pglint(dir, ['--cache-location', cache]);
    expect(migrated.misses).toEqual(LINTED);
    expect(migrated.stdout).toBe(pglint(dir, ['--no-cache']).stdout);
  });

  it('a migration whose findings name places in the code is linted again when the code changes; the others are not', () => {
    const dir = writeFiles(tmp('pglint-cache-'), {
      ...FILES,
      'migrations/002_drop_name.sql': 'ALTER TABLE users DROP COLUMN name;\n',
    });
    const cache = tmp('pglint-cache-loc-');
    const usages = (r: Run): string[] => (JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; message: string }[] }[])
      .filter((f) => f.filePath.endsWith('002_drop_name.sql')).flatMap((f) => f.messages.map((m) => m.message.match(/used in (\d+) place/)?.[1] ?? 'none'));
    const first = pglint(dir, ['--cache-location', cache]);
    expect(usages(first)).toEqual(['1']); // repo.ts selects name (concat.ts builds its SQL: not a static text)
    // Another file reads the column: the DROP migration misses (and now names 2 places); 001 still hits.
    writeFiles(dir, { 'src/more.ts': "import { pool } from './db';\nexport const names = () => pool.query('SELECT name FROM users');\n" });
    const added = pglint(dir, ['--cache-location', cache]);
    expect(added.misses).toContain('migrations/002_drop_name.sql');
    expect(added.misses).toContain('src/more.ts');
    expect(usages(added)).toEqual(['2']);
    expect(added.misses).not.toContain('migrations/001_users.sql');
    // An edit to a file that is in the graph already.
    fs.writeFileSync(path.join(dir, 'src/more.ts'), "import { pool } from './db';\nexport const ids = () => pool.query('SELECT id FROM users');\n");
    const edited = pglint(dir, ['--cache-location', cache]);
    expect(edited.misses).toEqual(['migrations/002_drop_name.sql', 'src/more.ts']);
    expect(usages(edited)).toEqual(['1']);
    expect(edited.stdout).toBe(pglint(dir, ['--no-cache']).stdout);
  });

  it('an edit that adds an import is followed: the graph is resolved again for that file', () => {
    const dir = project();
    const cache = tmp('pglint-cache-loc-');
    pglint(dir, ['--cache-location', cache]);
    // The front-end file starts to import the repository and calls it in a loop.
    fs.writeFileSync(path.join(dir, 'src/web/view.tsx'), "import { findUser } from '../repo';\nexport async function View(props: { ids: number[] }) {\n  for (const id of props.ids) await findUser(id);\n  return null;\n}\n");
    const after = pglint(dir, ['--cache-location', cache]);
    expect(after.misses).toEqual(['src/web/view.tsx']);
    expect(after.stdout).toContain('no-query-in-loop');
    expect(after.stdout).toBe(pglint(dir, ['--no-cache']).stdout);
  });

  it('path aliases come from the tsconfig.json that governs each package, with `extends` followed; editing the base is seen', () => {
    const dir = writeFiles(tmp('pglint-cache-'), {
      'package.json': '{"name":"cache-aliases","private":true}\n',
      'tsconfig.base.json': '{ "compilerOptions": { "paths": { "@lib/*": ["./lib/*"] } } }\n',
      'lib/repo.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const find = (id: number) => pool.query('SELECT $1::int', [id]);\n",
      'other/repo.ts': 'export const find = async (id: number) => id;\n',
      'packages/app/tsconfig.json': '{ "extends": "../../tsconfig.base.json" }\n',
      'packages/app/src/all.ts': "import { find } from '@lib/repo';\nexport async function all(ids: number[]) {\n  for (const id of ids) await find(id);\n}\n",
    });
    const cache = tmp('pglint-cache-loc-');
    expect(findings(pglint(dir, ['--cache-location', cache]))).toEqual(['no-query-in-loop']);
    expect(pglint(dir, ['--cache-location', cache]).misses).toEqual([]);
    // The base now maps @lib/* to a module that runs no query: the cached result must not be served.
    fs.writeFileSync(path.join(dir, 'tsconfig.base.json'), '{ "compilerOptions": { "paths": { "@lib/*": ["./other/*"] } } }\n');
    const after = pglint(dir, ['--cache-location', cache]);
    expect(findings(after)).toEqual([]);
    expect(after.stdout).toBe(pglint(dir, ['--no-cache']).stdout);
  });

  it('a workspace package imported by name is followed; editing its manifest (or the workspace list) is seen', () => {
    const dir = writeFiles(tmp('pglint-cache-'), {
      'package.json': '{"name":"cache-workspaces","private":true,"workspaces":["packages/*"]}\n',
      'packages/db/package.json': '{"name":"@acme/db","main":"./dist/index.js"}\n',
      'packages/db/src/index.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const find = (id: number) => pool.query('SELECT $1::int', [id]);\n",
      'packages/db/src/fake.ts': 'export const find = async (id: number) => id;\n',
      'packages/app/package.json': '{"name":"@acme/app"}\n',
      'packages/app/src/all.ts': "import { find } from '@acme/db';\nexport async function all(ids: number[]) {\n  for (const id of ids) await find(id);\n}\n",
    });
    const cache = tmp('pglint-cache-loc-');
    expect(findings(pglint(dir, ['--cache-location', cache]))).toEqual(['no-query-in-loop']);
    expect(pglint(dir, ['--cache-location', cache]).misses).toEqual([]);
    // The manifest now points at a module that runs no query: the cached result must not be served.
    fs.writeFileSync(path.join(dir, 'packages/db/package.json'), '{"name":"@acme/db","main":"./src/fake.ts"}\n');
    const after = pglint(dir, ['--cache-location', cache]);
    expect(findings(after)).toEqual([]);
    expect(after.stdout).toBe(pglint(dir, ['--no-cache']).stdout);
    // And back through the workspace list: without it, @acme/db is not a project module.
    fs.writeFileSync(path.join(dir, 'packages/db/package.json'), '{"name":"@acme/db","main":"./dist/index.js"}\n');
    expect(findings(pglint(dir, ['--cache-location', cache]))).toEqual(['no-query-in-loop']);
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"cache-workspaces","private":true}\n');
    expect(findings(pglint(dir, ['--cache-location', cache]))).toEqual([]);
  });

  it('--no-cache always misses and writes nothing', () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, 'node_modules'));
    for (let i = 0; i < 2; i++) {
      const r = pglint(dir, ['--no-cache']);
      expect(r.hits).toBe(0);
      expect(r.misses).toEqual(LINTED);
    }
    expect(fs.existsSync(path.join(dir, 'node_modules', '.cache', 'pglint'))).toBe(false);
  });

  it('defaults to node_modules/.cache/pglint under the project root', () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, 'node_modules'));
    pglint(dir, []);
    const files = fs.readdirSync(path.join(dir, 'node_modules', '.cache', 'pglint'));
    expect(files.some((f) => /^results-[0-9a-f]+\.json$/.test(f))).toBe(true);
    expect(pglint(dir, []).misses).toEqual([]);
  });

  it('a corrupt or truncated cache file is ignored: full run, same output, no crash', () => {
    const dir = project();
    const cache = tmp('pglint-cache-loc-');
    const cold = pglint(dir, ['--cache-location', cache]);
    const file = fs.readdirSync(cache).find((f) => f.startsWith('results-'))!;
    expect(file).toBeDefined();
    const full = fs.readFileSync(path.join(cache, file), 'utf8');
    for (const garbage of ['{not json', full.slice(0, Math.floor(full.length / 2)), '{"format":1,"globalKey":42}', 'null']) {
      fs.writeFileSync(path.join(cache, file), garbage);
      const r = pglint(dir, ['--cache-location', cache]);
      expect(r.code).toBe(cold.code);
      expect(r.hits).toBe(0);
      expect(r.stdout).toBe(cold.stdout);
    }
    // The run rewrote a valid cache.
    expect(pglint(dir, ['--cache-location', cache]).misses).toEqual([]);
  });
});

describe('result cache: import cycles', () => {
  const CYCLE: Record<string, string> = {
    // a → b → c → a, and c imports shared.ts (a file imported by the cycle).
    'src/cycle/a.ts': `import { b } from './b';\nexport async function a(ids: number[]): Promise<void> {\n  if (ids.length) await b(ids.slice(1));\n}\n`,
    'src/cycle/b.ts': `import { c } from './c';\nexport async function b(ids: number[]): Promise<void> {\n  await c(ids);\n}\n`,
    'src/cycle/c.ts': `import { a } from './a';\nimport { lookup } from './shared';\nexport async function c(ids: number[]): Promise<void> {\n  for (const id of ids) {\n    await lookup(id);\n  }\n  await a([]);\n}\n`,
    'src/cycle/shared.ts': `import { pool } from '../db';\nexport async function lookup(id: number) {\n  return pool.query('SELECT id FROM users WHERE id = $1', [id]);\n}\n`,
    // Imports the cycle: a dependent of it.
    'src/cycle/caller.ts': `import { a } from './a';\nexport async function run(): Promise<void> {\n  await a([1, 2]);\n}\n`,
  };

  it('a cycle of imports is linted and cached; a change in a file the cycle imports re-lints the whole cycle and its dependents', () => {
    const dir = project();
    for (const [name, text] of Object.entries(CYCLE)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const all = [...LINTED, ...Object.keys(CYCLE)].sort();
    const cache = tmp('pglint-cache-loc-');
    const cold = pglint(dir, ['--cache-location', cache]);
    expect(cold.misses).toEqual(all);
    expect(cold.stdout).toContain('no-query-in-loop'); // c.ts: lookup() in a loop
    const warm = pglint(dir, ['--cache-location', cache]);
    expect(warm.misses).toEqual([]);
    expect(warm.stdout).toBe(cold.stdout);

    // shared.ts no longer queries: the loop in c.ts is no longer an N+1.
    fs.writeFileSync(path.join(dir, 'src/cycle/shared.ts'), `import { pool } from '../db';\nexport async function lookup(id: number) {\n  return { id, pool: typeof pool };\n}\n`);
    const changed = pglint(dir, ['--cache-location', cache]);
    expect(changed.misses).toEqual(['src/cycle/a.ts', 'src/cycle/b.ts', 'src/cycle/c.ts', 'src/cycle/caller.ts', 'src/cycle/shared.ts']);
    const fresh = pglint(dir, ['--no-cache']);
    expect(changed.stdout).toBe(fresh.stdout);
    expect(changed.stdout).not.toBe(cold.stdout);

    // A change inside the cycle re-lints the cycle and its dependents, not the file the cycle imports.
    fs.appendFileSync(path.join(dir, 'src/cycle/b.ts'), '// touched\n');
    const inCycle = pglint(dir, ['--cache-location', cache]);
    expect(inCycle.misses).toEqual(['src/cycle/a.ts', 'src/cycle/b.ts', 'src/cycle/c.ts', 'src/cycle/caller.ts']);
    expect(inCycle.stdout).toBe(pglint(dir, ['--no-cache']).stdout);
  });
});

describe('fileKeys (component keys over the import graph)', () => {
  const keysOf = (graph: Record<string, string[]>, hashes: Record<string, string>): Map<string, string> =>
    fileKeys({
      files: Object.keys(graph),
      globalKey: 'g',
      deps: (r) => graph[r] ?? [],
      hash: (r) => hashes[r],
      isSource: () => true,
      migrationFiles: [],
      fileSetContentKey: 'set',
    });
  const changedKeys = (before: Map<string, string>, after: Map<string, string>): string[] =>
    [...before.keys()].filter((k) => before.get(k) !== after.get(k)).sort();

  it('a change changes the keys of the file, of its dependents and of its whole cycle, and no others', () => {
    // top → x → (p ↔ q) → leaf ; side → leaf2 ; self imports itself
    const graph: Record<string, string[]> = {
      top: ['x'], x: ['p'], p: ['q'], q: ['p', 'leaf'], leaf: [], side: ['leaf2'], leaf2: [], self: ['self'],
    };
    const hashes = Object.fromEntries(Object.keys(graph).map((k) => [k, `h-${k}`]));
    const base = keysOf(graph, hashes);
    expect(new Set(base.values()).size).toBe(base.size); // every file its own key (path is part of it)
    expect(keysOf(graph, { ...hashes })).toEqual(base); // deterministic
    expect(changedKeys(base, keysOf(graph, { ...hashes, leaf: 'h2' }))).toEqual(['leaf', 'p', 'q', 'top', 'x']);
    expect(changedKeys(base, keysOf(graph, { ...hashes, p: 'h2' }))).toEqual(['p', 'q', 'top', 'x']);
    expect(changedKeys(base, keysOf(graph, { ...hashes, q: 'h2' }))).toEqual(['p', 'q', 'top', 'x']);
    expect(changedKeys(base, keysOf(graph, { ...hashes, x: 'h2' }))).toEqual(['top', 'x']);
    expect(changedKeys(base, keysOf(graph, { ...hashes, leaf2: 'h2' }))).toEqual(['leaf2', 'side']);
    expect(changedKeys(base, keysOf(graph, { ...hashes, self: 'h2' }))).toEqual(['self']);
    // An import resolved elsewhere (same content: e.g. a new file shadows the old target) changes the importers.
    expect(changedKeys(base, keysOf({ ...graph, q: ['p', 'leaf2'] }, hashes))).toEqual(['p', 'q', 'top', 'x']);
    // Unreadable files get no key (always analysed), and their importers' keys still change.
    const { leaf: _leaf, ...noLeaf } = hashes;
    const unreadable = keysOf(graph, noLeaf);
    expect(unreadable.has('leaf')).toBe(false);
    expect(changedKeys(base, unreadable)).toEqual(['leaf', 'p', 'q', 'top', 'x']);
  });

  it('members of one cycle share a component key; a 200,000-deep import chain needs no recursion and stays linear', () => {
    const ring = ['r0', 'r1', 'r2', 'r3'];
    const ringGraph = (n: string): string[] => (n.startsWith('r') ? [`r${(Number(n.slice(1)) + 1) % 4}`, 'out'] : []);
    const ck = componentKeys(['r2'], ringGraph, (n) => `h-${n}`);
    expect(new Set(ring.map((r) => ck.get(r))).size).toBe(1);
    expect(ck.get('out')).not.toBe(ck.get('r0'));

    const N = 200_000;
    const chain = (n: string): string[] => {
      const i = Number(n.slice(1));
      return i + 1 < N ? [`f${i + 1}`] : ['f0']; // the last file closes one huge cycle
    };
    let calls = 0;
    const t0 = performance.now();
    const keys = componentKeys(['f0'], (n) => (calls++, chain(n)), (n) => `h-${n}`);
    const ms = performance.now() - t0;
    expect(keys.size).toBe(N);
    expect(new Set(keys.values()).size).toBe(1);
    expect(calls).toBeLessThanOrEqual(2 * N); // each node's imports read a bounded number of times
    expect(ms).toBeLessThan(20_000);
    // Open chain: every file its own component, keys all distinct.
    const open = componentKeys(['f0'], (n) => { const i = Number(n.slice(1)); return i + 1 < N ? [`f${i + 1}`] : []; }, (n) => `h-${n}`);
    expect(new Set(open.values()).size).toBe(N);
  });
});

describe('worker threads', () => {
  it('give byte-identical JSON output to the single-thread run', () => {
    const dir = project();
    // More files in more folders, so each worker gets its share and cross-file calls span the split.
    for (let i = 0; i < 12; i++) {
      fs.mkdirSync(path.join(dir, `src/mod${i}`), { recursive: true });
      fs.writeFileSync(path.join(dir, `src/mod${i}/handler.ts`), `import { findUser } from '../repo';\nimport { pool } from '../db';\nexport async function h${i}(ids: number[], name: string) {\n  for (const id of ids) {\n    await findUser(id);\n  }\n  await pool.query('SELECT ' + name);\n}\n`);
    }
    const single = pglint(dir, ['--no-cache'], { PGLINT_WORKERS: '1' });
    const threaded = pglint(dir, ['--no-cache'], { PGLINT_WORKERS: '2' });
    expect(single.stderr).not.toContain('workers:');
    expect(threaded.stderr).toContain('workers: 2');
    expect(threaded.code).toBe(single.code);
    expect(threaded.stdout).toBe(single.stdout);
    expect(JSON.parse(single.stdout).filter((r: { messages: unknown[] }) => r.messages.length).length).toBeGreaterThan(12);
    // With the cache too: workers fill it, the warm run reads it.
    const cache = tmp('pglint-cache-loc-');
    const filled = pglint(dir, ['--cache-location', cache], { PGLINT_WORKERS: '2' });
    expect(filled.stdout).toBe(single.stdout);
    const warm = pglint(dir, ['--cache-location', cache], { PGLINT_WORKERS: '2' });
    expect(warm.misses).toEqual([]);
    expect(warm.stdout).toBe(single.stdout);
  });
});
