import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { claim, partition, sharedRanges } from '../cli/worker';
import { dependenciesFirst } from '../cli/run';
import { foldComponents } from '../rules/src/engine/graph';
import { Project } from '../rules/src/engine/project';
import { BIN, useBuiltCli, writeFiles } from './helpers/cli';

describe('work sharing between CLI worker threads', () => {
  it('partition gives one contiguous range per worker, covering every file once, by weight', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const ranges = partition(items, 3, (i) => (i < 5 ? 10 : 1));
    expect(ranges[0]![0]).toBe(0);
    expect(ranges[ranges.length - 1]![1]).toBe(10);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
    // The heavy first half is split; the light tail goes to the last range.
    expect(ranges[0]![1]).toBeLessThanOrEqual(3);
  });

  it('partition always gives n ranges, and claim ends at once when there is nothing to take', () => {
    expect(partition([], 2, () => 1)).toEqual([[0, 0], [0, 0]]);
    expect(partition(['a'], 3, () => 1)).toEqual([[0, 1], [1, 1], [1, 1]]);
    const buf = sharedRanges([...partition([], 1, () => 1), [0, 0]]);
    expect(claim(buf, 0)).toBeUndefined();
    expect(claim(buf, 1)).toBeUndefined();
    expect(claim(buf, 5)).toBeUndefined(); // no such range
  });

  it('claim takes chunks from the own range, then steals the back half of the largest range', () => {
    const buf = sharedRanges([[0, 4], [4, 40]]);
    const taken: number[][] = [[], []];
    const take = (w: number): boolean => {
      const r = claim(buf, w, 3);
      if (!r) return false;
      for (let i = r[0]; i < r[1]; i++) taken[w]!.push(i);
      return true;
    };
    expect(take(0)).toBe(true);
    expect(taken[0]).toEqual([0, 1, 2]);
    expect(take(0)).toBe(true); // the rest of its range: [3]
    expect(taken[0]).toEqual([0, 1, 2, 3]);
    expect(take(0)).toBe(true); // stolen: the back half of worker 1's range
    expect(taken[0]!.at(-1)).toBeGreaterThanOrEqual(22);
    while (take(1) || take(0)) { /* drain */ }
    const all = [...taken[0]!, ...taken[1]!].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(claim(buf, 0)).toBeUndefined();
    expect(claim(buf, 1)).toBeUndefined();
  });

  it('threads claiming at the same time get every index exactly once', async () => {
    const n = 20_000;
    const buf = sharedRanges(partition(Array.from({ length: n }, (_, i) => i), 3, () => 1));
    const counts = new SharedArrayBuffer(4 * n);
    // The same claim() logic, inlined in the worker (the test runs from the TypeScript sources).
    const src = `
      const { workerData, parentPort } = require('node:worker_threads');
      const claim = ${claim.toString()};
      const c = new Int32Array(workerData.counts);
      for (let r = claim(workerData.buf, workerData.index, 1); r; r = claim(workerData.buf, workerData.index, 1))
        for (let i = r[0]; i < r[1]; i++) Atomics.add(c, i, 1);
      parentPort.postMessage('done');
    `;
    const workers = [0, 1, 2].map((index) => new Worker(src.replace(/\bCHUNK\b/g, '8'), { eval: true, workerData: { buf, counts, index } }));
    await Promise.all(workers.map((w) => new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); })));
    await Promise.all(workers.map((w) => w.terminate()));
    const c = new Int32Array(counts);
    expect(c.every((x) => x === 1)).toBe(true);
  });

  it('dependenciesFirst puts each file right after what it imports, keeps every file once, survives cycles', () => {
    const deps: Record<string, string[]> = {
      'route-a': ['service-a'], 'service-a': ['repo-a', 'db'], 'repo-a': ['db'], db: [],
      'route-b': ['service-b'], 'service-b': ['repo-b'], 'repo-b': ['db', 'cycle-1'], 'cycle-1': ['cycle-2'], 'cycle-2': ['cycle-1'],
    };
    const files = Object.keys(deps).sort();
    const order = dependenciesFirst(files, (f) => deps[f] ?? []);
    expect([...order].sort()).toEqual(files);
    const at = (f: string): number => order.indexOf(f);
    for (const [f, ds] of Object.entries(deps)) for (const d of ds) if (!(f.startsWith('cycle') && d.startsWith('cycle'))) expect(at(d)).toBeLessThan(at(f));
    // A vertical slice stays together: route-a's service and repository come just before it.
    expect(at('route-a') - at('repo-a')).toBe(2);
  });
});

describe('import graph folded per strongly connected component', () => {
  it('answers for every node of a 200,000-deep chain without recursion, calling deps once per node', () => {
    const N = 200_000;
    let calls = 0;
    const deps = (n: string): string[] => { calls++; const i = Number(n.slice(1)); return i + 1 < N ? [`f${i + 1}`] : []; };
    const reach = foldComponents<boolean>(['f0'], deps, (members, imported) => imported.includes(true) || members.includes(`f${N - 1}`));
    expect(reach.size).toBe(N);
    expect([...reach.values()].every(Boolean)).toBe(true);
    expect(calls).toBe(N);
  });

  it('gives a cycle one value and uses known values without visiting their imports', () => {
    const deps: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a', 'd'], d: ['e'], e: [] };
    const seen: string[] = [];
    const v = foldComponents<string>(['a'], (n) => (seen.push(n), deps[n]!), (members, imported) => `${members.join('')}[${[...imported].sort().join(',')}]`, (n) => (n === 'd' ? 'D' : undefined));
    expect(v.get('a')).toBe('abc[D]');
    expect(v.get('b')).toBe(v.get('a'));
    expect(v.get('d')).toBe('D');
    expect(seen).not.toContain('d');
    expect(seen).not.toContain('e');
  });

  it('Project.reachAll agrees with a file-by-file search on a project with a cycle and a front-end part', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-reach-'));
    const write = (rel: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    write('db.ts', "import { Pool } from 'pg';\nexport const pool = new Pool();\n");
    write('repo.ts', "import { pool } from './db';\nimport { helper } from './cyc1';\nexport const q = () => pool.query('SELECT 1');\n");
    write('cyc1.ts', "import { two } from './cyc2';\nexport const helper = 1;\n");
    write('cyc2.ts', "import { helper } from './cyc1';\nexport const two = 2;\n");
    write('ui/a.tsx', "import { b } from './b';\nexport const a = b;\n");
    write('ui/b.tsx', "import { helper } from '../cyc1';\nexport const b = helper;\n");
    write('service.ts', "import { q } from './repo';\nexport const s = q;\n");
    try {
      const files = ['db.ts', 'repo.ts', 'cyc1.ts', 'cyc2.ts', 'ui/a.tsx', 'ui/b.tsx', 'service.ts'].map((f) => path.join(dir, f));
      const all = new Project({ root: dir }).reachAll(files);
      const expected: Record<string, boolean> = { 'db.ts': true, 'repo.ts': true, 'service.ts': true, 'cyc1.ts': false, 'cyc2.ts': false, 'ui/a.tsx': false, 'ui/b.tsx': false };
      for (const f of files) {
        const rel = path.relative(dir, f);
        expect(all.get(f), rel).toBe(expected[rel]);
        expect(new Project({ root: dir }).reachesDatabase(f), rel).toBe(expected[rel]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('two-phase lint (workers lint while the schema is built)', () => {
  it('lintFileEarly, then lintFile with the schema, gives exactly the findings of one lintFile after prepare()', async () => {
    // The demo project, plus a file whose query names a column no migration creates (a schema finding).
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-two-phase-'));
    fs.cpSync(path.resolve(__dirname, '../test-fixtures/demo'), root, { recursive: true });
    fs.writeFileSync(path.join(root, 'src/drift.ts'), [
      "import { pool } from './db';",
      'export async function loyalty(ids: number[]) {',
      '  for (const id of ids) await pool.query(\'SELECT loyalty_points FROM customers WHERE id = $1\', [id]);',
      '}',
      '',
    ].join('\n'));
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(e.name)) files.push(p);
      }
    };
    walk(path.join(root, 'src'));
    const whole = new Project({ root });
    await whole.prepare({ cacheDir: false });
    expect(whole.migrationSchema()).toBeDefined();
    // A worker: lints before it has any schema, then adopts the main thread's prepared state.
    const worker = new Project({ root });
    const early = new Map(files.map((f) => [f, worker.lintFileEarly(f)]));
    expect([...early.values()].some((e) => !e.done && e.findings.length > 0)).toBe(true);
    expect([...early.values()].flatMap((e) => e.findings).some((f) => f.ruleId === 'no-missing-migration')).toBe(false);
    await worker.adoptPrepared(whole.preparedState()!);
    let schemaFindings = 0;
    for (const f of files) {
      const expected = whole.lintFile(f);
      const got = worker.lintFile(f, { early: early.get(f) });
      expect(got, path.relative(root, f)).toEqual(expected);
      schemaFindings += expected.findings.filter((x) => x.ruleId === 'no-missing-migration').length;
    }
    expect(schemaFindings).toBeGreaterThan(0); // the schema rule ran in the second phase
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('threads with nothing for the workers', () => {
  const tmp = useBuiltCli();
  it('a project with migrations and many files that reach no database finishes (no thread waits for work)', () => {
    const files: Record<string, string> = { 'package.json': '{"name":"p"}', 'migrations/001_init.sql': 'CREATE TABLE t (id int);\n' };
    for (let i = 0; i < 260; i++) files[`src/f${i}.ts`] = `export const x${i} = ${i};\n`;
    const dir = writeFiles(tmp('pglint-idle-workers-'), files);
    const run = (workers: string) => spawnSync(process.execPath, [BIN, '.', '--no-cache', '--format', 'json'], {
      cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PGLINT_WORKERS: workers, PGLINT_DEBUG_CACHE: '1' },
    });
    const threaded = run('2');
    expect(threaded.status).toBe(0);
    expect(threaded.stderr).toContain('workers: 2 threads');
    expect(threaded.stdout).toBe(run('1').stdout);
  }, 120_000);
});

describe('how many threads a cold run uses, left to itself (no PGLINT_WORKERS)', () => {
  const tmp = useBuiltCli();
  // 260 files that reach a database, all through src/db.ts: above the threshold for threads.
  const project = (migration: string): string => {
    const files: Record<string, string> = {
      'package.json': '{"name":"p"}',
      'migrations/001_init.sql': migration,
      'src/db.ts': "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
    };
    for (let i = 0; i < 260; i++) files[`src/f${i}.ts`] = `import { pool } from './db';\nexport const q${i} = () => pool.query('SELECT id FROM t');\n`;
    return writeFiles(tmp('pglint-threads-'), files);
  };
  const run = (dir: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PGLINT_DEBUG: '1' };
    delete env.PGLINT_WORKERS;
    const r = spawnSync(process.execPath, [BIN, '.', '--no-cache', '--format', 'json'], { cwd: dir, encoding: 'utf8', timeout: 120_000, env });
    expect(r.status, r.stderr).toBe(0);
    return r.stderr;
  };
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  // One parse per file: each model is released after its own lint, but db.ts, which all 260 others import (a hub:
  // HUB_IMPORTERS), stays until the last of them is linted.
  const oneThread = 'pglint: one thread: 261 files parsed for 261 analysed, each model released after its lint';

  it(`migrations the engine works out alone: ${cores >= 3 ? 'threads (3 cores or more)' : 'one thread, each model released after its own lint'}`, () => {
    const stderr = run(project('CREATE TABLE t (id int PRIMARY KEY);\n'));
    expect(stderr).toContain('PGlite not needed');
    if (cores >= 3) expect(stderr).toContain(`workers: ${Math.min(cores, 4)} threads`);
    else {
      // db.ts first (every file imports it), then each file, released once linted.
      expect(stderr).toContain(oneThread);
      expect(stderr).not.toContain('workers:');
    }
  }, 120_000);

  it(`migrations PGlite must replay: ${cores >= 2 ? 'threads, which lint while it runs' : 'one thread'}`, () => {
    const stderr = run(project('CREATE TABLE t (id int PRIMARY KEY);\nCREATE VIEW v AS SELECT id FROM t;\n'));
    if (cores >= 2) {
      expect(stderr).toContain(`workers: ${Math.min(cores, 4)} threads`);
      expect(stderr).not.toContain('pglint: one thread');
    } else expect(stderr).toContain(oneThread);
  }, 120_000);

  it('one thread keeps the models of the files linted last: a repository is still parsed when its service follows it', () => {
    const files: Record<string, string> = {
      'package.json': '{"name":"p"}',
      'src/db.ts': "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
    };
    // 40 repositories, each imported by one service that calls it in a loop: dependencies first, each service comes
    // right after its repository, which its lint asks about (nothing the repository's own lint worked out).
    for (let i = 0; i < 40; i++) {
      files[`src/repo${i}.ts`] = `import { pool } from './db';\nexport const find${i} = (id: number) => pool.query('SELECT * FROM t WHERE id = $1', [id]);\n`;
      files[`src/service${i}.ts`] = `import { find${i} } from './repo${i}';\nexport async function all${i}(ids: number[]) {\n  for (const id of ids) await find${i}(id);\n}\n`;
    }
    const dir = writeFiles(tmp('pglint-recent-'), files);
    const stderr = run(dir);
    // 81 parses: without the models of the last files linted (RECENT_MODELS), each repository would be parsed again.
    expect(stderr).toContain('pglint: one thread: 81 files parsed for 81 analysed');
    const r = spawnSync(process.execPath, [BIN, '.', '--no-cache', '--format', 'json'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(JSON.parse(r.stdout).flatMap((f: { messages: { ruleId: string }[] }) => f.messages.map((m) => m.ruleId)).filter((id: string) => id === 'no-query-in-loop')).toHaveLength(40);
  }, 120_000);
});
