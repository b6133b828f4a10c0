#!/usr/bin/env node
/**
 * Long fuzz run of the engine (issue 6): mutates every file under test-fixtures/ (tests/fuzz/mutator.ts) and lints
 * each mutant in-process with the engine, bundled with esbuild into bench/.work/fuzz-engine.cjs.
 *
 *   node bench/fuzz-long.mjs [--mutants 20000] [--seed 6] [--replay <index>] [--heavy-every 25]
 *
 * Prints the seed first, then progress, then: mutants, crashes (by kind), time (total and per mutant).
 * A failure line names the run seed, the mutant index and the file: `--seed S --replay I` rebuilds that exact
 * mutant, writes it to bench/.work/replay-<I>.<ext> and re-checks it.
 * Exit code: 0 when no problem was found, 1 otherwise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(ROOT, 'bench', '.work');
const FIXTURES = path.join(ROOT, 'test-fixtures');


if (!isMainThread) {
  // Worker: lint mutants [from, to) and post one message per mutant.
  const { from, to, seed, heavyEvery, bundle: b } = workerData;
  const require = createRequire(import.meta.url);
  const E = require(b);
  const corpus = E.fixtureCorpus(FIXTURES);
  await E.initSqlParser();
  const projects = new Map();
  for (const root of new Set(corpus.map((c) => c.root))) {
    const p = new E.Project({ root });
    await p.prepare();
    projects.set(root, p);
  }
  parentPort.postMessage({ ready: true });
  for (let i = from; i < to; i++) {
    const c = corpus[i % corpus.length];
    const m = E.mutate(c.text, E.mutantSeed(seed, c.key, i), { heavyEvery });
    const r = E.checkMutant(projects.get(c.root), c.file, m.text, m.kinds);
    parentPort.postMessage({ i, key: c.key, kinds: m.kinds, heavy: m.kinds.some((k) => E.HEAVY_KINDS.has(k)), ms: r.ms, findings: r.findings, fixesChecked: r.fixesChecked, skipped: r.skipped, problems: r.problems });
  }
  process.exit(0);
}

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const MUTANTS = Number(opt('mutants', process.env.FUZZ_MUTANTS ?? 20000));
const SEED = Number(opt('seed', process.env.FUZZ_SEED ?? 6)) >>> 0;
const REPLAY = opt('replay', undefined);
const HEAVY_EVERY = Number(opt('heavy-every', 25));

fs.mkdirSync(WORK, { recursive: true });
const bundle = path.join(WORK, 'fuzz-engine.cjs');
await build({
  stdin: {
    contents: [
      "export { Project } from './rules/src/engine/project';",
      "export { initSqlParser } from './rules/src/engine/sqlparse';",
      "export * from './tests/fuzz/mutator';",
      "export * from './tests/fuzz/engine-check';",
      "export * from './tests/fuzz/corpus';",
    ].join('\n'),
    resolveDir: ROOT,
    loader: 'ts',
    sourcefile: 'fuzz-entry.ts',
  },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: bundle,
  sourcemap: 'inline',
  logLevel: 'warning',
  external: ['libpg-query', '@electric-sql/pglite', 'pg', 'pg-native', 'vscode'],
});
const require = createRequire(import.meta.url);
const E = require(bundle);

console.log(`fuzz-long: seed ${SEED}, ${REPLAY !== undefined ? `replay of mutant #${REPLAY}` : `${MUTANTS} mutants`}, heavy mutations 1 in ${HEAVY_EVERY}`);
console.log(`time bound per file: ${E.TIME_BOUND_MS} ms (${E.HEAVY_TIME_BOUND_MS} ms for huge/deep mutants)`);

const corpus = E.fixtureCorpus(FIXTURES);
await E.initSqlParser();
const projects = new Map();
const t0 = Date.now();
for (const root of new Set(corpus.map((c) => c.root))) {
  const p = new E.Project({ root });
  await p.prepare();
  projects.set(root, p);
}
console.log(`corpus: ${corpus.length} files in ${projects.size} projects (prepared in ${Date.now() - t0} ms)`);

const mutantAt = (i) => {
  const c = corpus[i % corpus.length];
  const seed = E.mutantSeed(SEED, c.key, i);
  return { c, m: E.mutate(c.text, seed, { heavyEvery: HEAVY_EVERY }) };
};

if (REPLAY !== undefined) {
  const i = Number(REPLAY);
  const { c, m } = mutantAt(i);
  const out = path.join(WORK, `replay-${i}${path.extname(c.file)}`);
  fs.writeFileSync(out, m.text);
  console.log(`mutant #${i}: ${c.key}, mutations ${m.kinds.join('+')}, ${m.text.length} chars, written to ${path.relative(ROOT, out)}`);
  const r = E.checkMutant(projects.get(c.root), c.file, m.text, m.kinds);
  console.log(JSON.stringify({ ms: Math.round(r.ms), findings: r.findings, fixesChecked: r.fixesChecked, skipped: r.skipped, problems: r.problems }, null, 2));
  process.exit(r.problems.length ? 1 : 0);
}

// The mutants run in a worker thread so that a hang (a mutant that never finishes) is caught: when the worker
// reports nothing for HANG_MS, it is terminated, the mutant is recorded as a hang, and a new worker resumes after it.
const HANG_MS = Number(opt('hang-ms', 30_000));
const times = [];
let maxOrdinary = 0;
let maxHeavy = 0;
const byKind = new Map();
const signatures = new Map();
let findings = 0;
let fixes = 0;
let skipped = 0;
let failures = 0;
const start = Date.now();
let lastReport = start;
const record = (i, key, kinds, problems) => {
  if (problems.length) failures++;
  for (const p of problems) {
    byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + 1);
    const sig = `${p.kind}: ${p.detail.split('\n').slice(0, 2).join(' | ').replace(/\d+ ms/g, 'N ms').slice(0, 200)}`;
    if (!signatures.has(sig)) {
      signatures.set(sig, 1);
      console.log(`FAIL ${p.kind} in ${key} (run seed ${SEED}, mutant #${i}, mutations ${kinds.join('+')}): ${p.detail}`);
      console.log(`     replay: node bench/fuzz-long.mjs --seed ${SEED} --replay ${i}`);
    } else signatures.set(sig, signatures.get(sig) + 1);
  }
};
let next = 0;
while (next < MUTANTS) {
  const from = next;
  await new Promise((resolve) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { from, to: MUTANTS, seed: SEED, heavyEvery: HEAVY_EVERY, bundle }, argv: [] });
    let timer;
    const arm = (ms = HANG_MS) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const c = corpus[next % corpus.length];
        const { m } = mutantAt(next);
        record(next, c.key, m.kinds, [{ kind: 'hang', detail: `no result after ${HANG_MS} ms` }]);
        next++;
        void w.terminate();
      }, ms);
    };
    arm(120_000); // start-up (parser, migrations) before the first mutant
    w.on('message', (r) => {
      arm();
      if (r.ready) return;
      times.push(r.ms);
      if (r.heavy) maxHeavy = Math.max(maxHeavy, r.ms);
      else maxOrdinary = Math.max(maxOrdinary, r.ms);
      findings += r.findings;
      fixes += r.fixesChecked;
      if (r.skipped) skipped++;
      record(r.i, r.key, r.kinds, r.problems);
      next = r.i + 1;
      if (Date.now() - lastReport > 15000) {
        lastReport = Date.now();
        console.log(`  … ${next}/${MUTANTS} mutants, ${failures} failing, ${Math.round((Date.now() - start) / 1000)} s`);
      }
    });
    w.on('error', (err) => {
      // An exception that escaped the worker (e.g. out of memory): record it on the mutant in progress.
      const c = corpus[next % corpus.length];
      record(next, c.key, mutantAt(next).m.kinds, [{ kind: 'worker-crash', detail: String(err?.stack ?? err).split('\n').slice(0, 4).join(' | ') }]);
      next++;
    });
    w.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
const total = Date.now() - start;
times.sort((a, b) => a - b);
if (!times.length) times.push(0);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log('');
console.log(`mutants: ${MUTANTS} (${corpus.length} fixture files, seed ${SEED})`);
console.log(`findings reported: ${findings}; fixes applied and re-parsed: ${fixes}; skipped files (binary/too large): ${skipped}`);
console.log(`failing mutants: ${failures}; problems by kind: ${JSON.stringify(Object.fromEntries(byKind))}; distinct signatures: ${signatures.size}`);
console.log(`time: ${(total / 1000).toFixed(1)} s total; per mutant p50 ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms, max ${times[times.length - 1].toFixed(0)} ms (ordinary ${maxOrdinary.toFixed(0)} ms, huge/deep ${maxHeavy.toFixed(0)} ms)`);
for (const [sig, n] of signatures) console.log(`  ${n}× ${sig}`);
process.exit(failures ? 1 : 0);
