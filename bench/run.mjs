#!/usr/bin/env node
// pglint speed benchmark (npm run bench).
//
//   node bench/run.mjs [CORPUS_DIR ...] [--files N] [--seed S] [--runs R] [--quick] [--no-generated]
//                      [--legs bare,estree,eslint,cold,warm,edit] [--eslint-concurrency off|auto|N]
//   env PGLINT_BENCH_BIN=<file>  run that pglint entry point instead of bin/pglint.js
//
// For each corpus (the generated one, bench/.corpus/gen-N, plus every folder given), on the same file list:
//   bare    one node process: read every file + ts.createSourceFile (bench/bare-parse.mjs)
//   eslint  ESLint 9 + @typescript-eslint/parser, only no-await-in-loop, flat config written to a temp folder
//   cold    node bin/pglint.js <dir> --format json --no-cache
//   warm    node bin/pglint.js <dir> --format json --cache-location <tmp> (after one priming run): nothing changed,
//           the run's output is replayed (cli/replay.ts)
//   edit    the same command after one file that runs queries was edited (a comment appended): the per-file
//           cache re-lints that file and the files that import it; the file is restored after the run and the
//           cache primed again, untimed
// Each leg is a child process; legs are interleaved run by run so machine noise spreads evenly.
// Reports medians of wall time, files/s, peak RSS, minor page faults and the ratios; writes bench/.work/last.json.
// A ratio is the median of the runs' own ratios (run i's pglint time over run i's baseline): on a shared host whose
// load changes from minute to minute, two legs of one run see the same load, two medians may not. The ratio of the
// medians is printed beside it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, rmSync, statSync, mkdtempSync } from 'node:fs';
import { join, resolve, basename, relative } from 'node:path';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, REPO_ROOT, WORK_DIR, listSourceFiles, measure, median, machineInfo, hasGnuTime } from './lib.mjs';
import { ensureCorpus, parseIntArg } from './generate.mjs';

const require = createRequire(import.meta.url);
// PGLINT_BENCH_BIN=<file> benchmarks another build of the CLI (e.g. a copy of an older dist/).
const BIN = process.env.PGLINT_BENCH_BIN ? resolve(process.env.PGLINT_BENCH_BIN) : join(REPO_ROOT, 'bin', 'pglint.js');
const CLI = process.env.PGLINT_BENCH_BIN ? BIN : join(REPO_ROOT, 'dist', 'cli.js');
const ALL_LEGS = ['bare', 'estree', 'eslint', 'cold', 'warm', 'edit'];
// estree (typescript-estree parse only) is opt-in. pglint's cold run comes right after the bare parse, each
// run's ratio being taken between legs that ran a few seconds apart (`pairedRatio`); ESLint, the longest, last.
const DEFAULT_LEGS = ['bare', 'cold', 'warm', 'edit', 'eslint'];

function usage(code) {
  console.log(`usage: node bench/run.mjs [CORPUS_DIR ...] [options]
  --files N              size of the generated corpus (default 5000; 1000 with --quick)
  --seed S               generator seed (default 1)
  --runs R               timed runs per leg (default 5; 1 with --quick)
  --quick                one run on a 1,000-file generated corpus
  --no-generated         only the folders given on the command line
  --legs a,b             legs to run, from ${ALL_LEGS.join(',')} (default ${DEFAULT_LEGS.join(',')};
                         estree = typescript-estree parse of every file, no rules)
  --eslint-concurrency X ESLint's concurrency option (default off = ESLint's default, one thread)
  --keep-env             run every leg in this environment as it is (by default the variables of
                         STARTUP_ONLY_ENV, which only slow down every Node process's start, are left out)`);
  process.exit(code);
}

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
const opt = { files: undefined, seed: 1, runs: undefined, quick: false, generated: true, legs: DEFAULT_LEGS, eslintConcurrency: 'off', keepEnv: false, dirs: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--files') opt.files = parseIntArg('--files', args[++i]);
  else if (a === '--seed') opt.seed = parseIntArg('--seed', args[++i]);
  else if (a === '--runs') opt.runs = parseIntArg('--runs', args[++i]);
  else if (a === '--quick') opt.quick = true;
  else if (a === '--no-generated') opt.generated = false;
  else if (a === '--legs') {
    opt.legs = String(args[++i] ?? '').split(',').filter(Boolean);
    const bad = opt.legs.filter((l) => !ALL_LEGS.includes(l));
    if (bad.length || !opt.legs.length) { console.error(`--legs: unknown leg(s) ${bad.join(',') || '(none given)'}; choose from ${ALL_LEGS.join(',')}`); process.exit(2); }
  } else if (a === '--eslint-concurrency') opt.eslintConcurrency = args[++i] ?? 'off';
  else if (a === '--keep-env') opt.keepEnv = true;
  else if (a === '-h' || a === '--help') usage(0);
  else if (a.startsWith('-')) { console.error(`unknown option ${a}`); usage(2); }
  else opt.dirs.push(a);
}
opt.files ??= opt.quick ? 1000 : 5000;
opt.runs ??= opt.quick ? 1 : 5;
if (opt.runs < 1) { console.error('--runs must be at least 1'); process.exit(2); }
if (opt.files < 20) { console.error('--files must be at least 20'); process.exit(2); }
for (const d of opt.dirs) {
  if (!existsSync(d) || !statSync(d).isDirectory()) { console.error(`not a folder: ${d}`); process.exit(2); }
}
if (!opt.generated && !opt.dirs.length) { console.error('--no-generated needs at least one corpus folder'); process.exit(2); }

// ---------------------------------------------------------------- setup
mkdirSync(WORK_DIR, { recursive: true });
const pglintBuilt = existsSync(CLI);
if (!pglintBuilt) console.log('pglint: not built (run `npm run build`; cold/warm legs skipped)');
if (!hasGnuTime()) console.log('note: /usr/bin/time not found; peak RSS is polled from /proc/<pid>/status VmHWM (apt-get install time for exact figures)');

const corpora = [];
if (opt.generated) {
  const out = join(BENCH_DIR, '.corpus', `gen-${opt.files}`);
  const t0 = performance.now();
  const m = ensureCorpus({ files: opt.files, seed: opt.seed, out });
  console.log(`corpus gen-${opt.files}: ${m.reused ? 'reused' : 'generated'} ${out} (seed ${opt.seed}${m.reused ? '' : `, ${Math.round(performance.now() - t0)} ms`})`);
  corpora.push({ name: `generated (${opt.files} files, seed ${opt.seed})`, root: out });
}
for (const d of opt.dirs) corpora.push({ name: basename(resolve(d)), root: resolve(d) });

const tmpRoot = mkdtempSync(join(WORK_DIR, 'run-'));
const eslintConfig = join(tmpRoot, 'eslint.config.mjs');
const parserUrl = pathToFileURL(require.resolve('@typescript-eslint/parser')).href;
writeFileSync(eslintConfig, `// Written by bench/run.mjs: ESLint with typescript-eslint's parser and only no-await-in-loop.
import parser from ${JSON.stringify(parserUrl)};
export default [
  {
    files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
    languageOptions: { parser, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: { 'no-await-in-loop': 'error' },
  },
];
`);

const versions = {
  node: process.version,
  typescript: require('typescript/package.json').version,
  eslint: require('eslint/package.json').version,
  tsEslintParser: require('@typescript-eslint/parser/package.json').version,
  pglint: require(join(REPO_ROOT, 'package.json')).version,
};

// ---------------------------------------------------------------- legs
function legCommand(leg, c) {
  switch (leg) {
    case 'bare': return { cmd: process.execPath, args: [join(BENCH_DIR, 'bare-parse.mjs'), c.listFile] };
    case 'estree': return { cmd: process.execPath, args: [join(BENCH_DIR, 'estree-parse.mjs'), c.listFile] };
    case 'eslint': return { cmd: process.execPath, args: [join(BENCH_DIR, 'eslint-run.mjs'), eslintConfig, c.listFile, c.root, opt.eslintConcurrency] };
    case 'cold': return { cmd: process.execPath, args: [BIN, c.root, '--format', 'json', '--no-cache'], okCodes: [0, 1] };
    case 'warm':
    case 'edit': return { cmd: process.execPath, args: [BIN, c.root, '--format', 'json', '--cache-location', c.cacheDir], okCodes: [0, 1] };
  }
  throw new Error(leg);
}

const LABEL = { bare: 'bare parse (ts.createSourceFile)', estree: 'typescript-estree parse only', eslint: 'ESLint 9 + ts-parser, no-await-in-loop', cold: 'pglint cold (--no-cache)', warm: 'pglint warm (cache)', edit: 'pglint, one file edited (cache)' };

/** The file the edit leg edits: the middle one (in path order) of the files that call .query( — a repository. */
function editTarget(files) {
  const candidates = files.filter((f) => { try { return readFileSync(f, 'utf8').includes('.query('); } catch { return false; } });
  return candidates[Math.floor(candidates.length / 2)] ?? files[Math.floor(files.length / 2)];
}

function summarisePglintOutput(file) {
  try {
    const text = readFileSync(file, 'utf8');
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
    let findings, files;
    try {
      const j = JSON.parse(text);
      const arr = Array.isArray(j) ? j : Array.isArray(j.findings) ? j.findings : Array.isArray(j.results) ? j.results : undefined;
      if (arr) findings = arr.reduce((n, r) => n + (Array.isArray(r.findings) ? r.findings.length : Array.isArray(r.messages) ? r.messages.length : 1), 0);
      files = Array.isArray(j) ? j.length : j.summary?.files ?? j.stats?.files ?? j.filesLinted ?? j.files;
      if (typeof files !== 'number') files = undefined;
    } catch { /* not JSON */ }
    return { bytes: text.length, hash, findings, files };
  } catch { return undefined; }
}

const fmtMs = (ms) => (Number.isFinite(ms) ? (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`) : '–');
const fmtRatio = (r) => (Number.isFinite(r) ? (r >= 0.1 ? r.toFixed(2) : r.toFixed(3)) : '–');

async function benchCorpus(c) {
  const files = listSourceFiles(c.root);
  if (!files.length) { console.log(`\n${c.name}: no TypeScript/JavaScript files under ${c.root}; skipped`); return undefined; }
  const slug = createHash('sha1').update(c.root).digest('hex').slice(0, 8);
  c.listFile = join(tmpRoot, `files-${slug}.txt`);
  writeFileSync(c.listFile, files.join('\n') + '\n');
  c.cacheDir = join(tmpRoot, `cache-${slug}`);
  let bytes = 0;
  for (const f of files) bytes += statSync(f).size;
  console.log(`\n== ${c.name}: ${c.root}\n   ${files.length} source files, ${(bytes / 1e6).toFixed(1)} MB; ${opt.runs} run(s) per leg`);

  const legs = opt.legs.filter((l) => pglintBuilt || (l !== 'cold' && l !== 'warm' && l !== 'edit'));
  const edited = legs.includes('edit') ? editTarget(files) : undefined;
  if (edited) console.log(`   edit leg: appends a comment to ${relative(c.root, edited)}, restored after each run`);
  const res = Object.fromEntries(opt.legs.map((l) => [l, { runsMs: [], byRun: [], peakKb: [], minorFaults: [], status: legs.includes(l) ? 'ok' : 'pending (pglint not built)' }]));

  // Untimed: warm the page cache with one bare parse; prime the pglint cache for the warm leg.
  await measure(process.execPath, [join(BENCH_DIR, 'bare-parse.mjs'), c.listFile], { env: legEnv });
  const prime = async () => {
    const { cmd, args, okCodes } = legCommand('warm', c);
    return measure(cmd, args, { stdoutFile: join(tmpRoot, `prime-${slug}.json`), okCodes, env: legEnv });
  };
  if (legs.includes('warm') || legs.includes('edit')) {
    const { cmd, args, okCodes } = legCommand('warm', c);
    const r = await measure(cmd, args, { stdoutFile: join(tmpRoot, `prime-${slug}.json`), okCodes, env: legEnv });
    if (!r.ok) { for (const l of ["warm", "edit"]) if (legs.includes(l)) { res[l].status = `failed priming (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`; legs.splice(legs.indexOf(l), 1); } }
  }

  for (let run = 1; run <= opt.runs; run++) {
    const line = [];
    for (const leg of [...legs]) {
      const { cmd, args, okCodes } = legCommand(leg, c);
      const outFile = join(tmpRoot, `${leg}-${slug}.out`);
      const original = leg === 'edit' ? readFileSync(edited) : undefined;
      if (original) writeFileSync(edited, Buffer.concat([original, Buffer.from(`\n// pglint bench edit ${run}\n`)]));
      let r;
      try {
        r = await measure(cmd, args, { stdoutFile: outFile, okCodes, env: legEnv });
      } finally {
        if (original) {
          // Restored, then (untimed) primed again once the restore is older than the replay's racy window.
          writeFileSync(edited, original);
          await new Promise((resolve) => setTimeout(resolve, 1200));
          await prime();
        }
      }
      if (!r.ok) {
        res[leg].status = `failed (exit ${r.code ?? r.signal}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
        legs.splice(legs.indexOf(leg), 1);
        line.push(`${leg} FAILED`);
        continue;
      }
      res[leg].runsMs.push(r.ms);
      res[leg].byRun[run - 1] = r.ms;
      res[leg].peakKb.push(r.peakKb);
      if (r.minorFaults !== undefined) res[leg].minorFaults.push(r.minorFaults);
      if (leg === 'bare' || leg === 'eslint' || leg === 'estree') {
        try { res[leg].report = JSON.parse(readFileSync(outFile, 'utf8').trim().split('\n').pop()); } catch { /* keep going */ }
      } else {
        res[leg].report = summarisePglintOutput(outFile);
      }
      line.push(`${leg} ${fmtMs(r.ms)}`);
    }
    console.log(`   run ${run}/${opt.runs}: ${line.join(', ')}`);
  }

  for (const leg of opt.legs) {
    const x = res[leg];
    x.medianMs = median(x.runsMs);
    x.filesPerSec = x.runsMs.length ? files.length / (x.medianMs / 1000) : undefined;
    x.peakRssMb = x.peakKb.length ? Math.max(...x.peakKb) / 1024 : undefined;
    x.medianMinorFaults = x.minorFaults.length ? median(x.minorFaults) : undefined;
  }
  // Sanity: every leg saw the same files.
  if (res.bare?.report && res.bare.report.files !== files.length) console.log(`   WARNING: bare parse read ${res.bare.report.files} files, expected ${files.length}`);
  if (res.eslint?.report && res.eslint.report.linted !== files.length) console.log(`   WARNING: ESLint linted ${res.eslint.report.linted} of ${files.length} files (${res.eslint.report.ignored} ignored)`);
  if (res.estree?.report?.failed) console.log(`   WARNING: typescript-estree failed to parse ${res.estree.report.failed} files`);
  if (res.eslint?.report?.fatal) console.log(`   WARNING: ESLint had ${res.eslint.report.fatal} fatal parse errors`);
  const m = (l) => res[l]?.medianMs;
  const pair = (a, b) => pairedRatio(res[a]?.byRun, res[b]?.byRun);
  const ratios = {
    pglintColdOverEslint: pair('cold', 'eslint'),
    pglintColdOverBare: pair('cold', 'bare'),
    warmOverCold: pair('warm', 'cold'),
    editOverCold: pair('edit', 'cold'),
    eslintOverBare: pair('eslint', 'bare'),
    estreeOverBare: pair('estree', 'bare'),
  };
  // The same ratios from the legs' medians (what earlier versions of this script printed).
  const ofMedians = {
    pglintColdOverEslint: m('cold') / m('eslint'),
    pglintColdOverBare: m('cold') / m('bare'),
    warmOverCold: m('warm') / m('cold'),
  };
  if (res.cold?.report && res.warm?.report) ratios.warmOutputSameAsCold = res.cold.report.hash === res.warm.report.hash;
  printTable(c, files.length, res, ratios, ofMedians);
  return { name: c.name, root: c.root, sourceFiles: files.length, bytes, runs: opt.runs, legs: res, ratios, ratiosOfMedians: ofMedians };
}

/** Median over the runs of a[i] / b[i] (runs where both legs ran); NaN when there is none. */
function pairedRatio(a, b) {
  const r = [];
  for (let i = 0; i < (a?.length ?? 0); i++) if (Number.isFinite(a[i]) && Number.isFinite(b?.[i]) && b[i] > 0) r.push(a[i] / b[i]);
  return r.length ? median(r) : NaN;
}

function printTable(c, nFiles, res, ratios, ofMedians) {
  const rows = [['leg', 'median', 'min', 'max', 'files/s', 'peak RSS', 'page faults', 'status']];
  for (const leg of opt.legs) {
    const x = res[leg];
    const has = x.runsMs.length > 0;
    rows.push([
      LABEL[leg],
      has ? fmtMs(x.medianMs) : '–',
      has ? fmtMs(Math.min(...x.runsMs)) : '–',
      has ? fmtMs(Math.max(...x.runsMs)) : '–',
      has ? Math.round(x.filesPerSec).toLocaleString('en-US') : '–',
      has ? `${Math.round(x.peakRssMb)} MB` : '–',
      has && x.medianMinorFaults !== undefined ? Math.round(x.medianMinorFaults).toLocaleString('en-US') : '–',
      x.status,
    ]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const fmt = (r) => '   ' + r.map((v, i) => (i === 0 || i === r.length - 1 ? String(v).padEnd(w[i]) : String(v).padStart(w[i]))).join('  ');
  console.log('');
  console.log(fmt(rows[0]));
  console.log('   ' + w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of rows.slice(1)) console.log(fmt(r));
  const target = (r, limit, dir) => (Number.isFinite(r) ? ((dir === '<=' ? r <= limit : r >= limit) ? 'meets target' : 'MISSES target') : '');
  console.log('');
  if (opt.legs.includes('estree')) console.log(`   typescript-estree / bare     ${fmtRatio(ratios.estreeOverBare)}`);
  console.log(`   ESLint / bare parse          ${fmtRatio(ratios.eslintOverBare)}`);
  const also = (k) => (Number.isFinite(ofMedians?.[k]) ? `; ratio of the medians ${fmtRatio(ofMedians[k])}` : '');
  console.log(`   pglint cold / ESLint         ${fmtRatio(ratios.pglintColdOverEslint)}  (target <= 0.125, i.e. 8x faster) ${target(ratios.pglintColdOverEslint, 0.125, '<=')}${also('pglintColdOverEslint')}`);
  console.log(`   pglint cold / bare parse     ${fmtRatio(ratios.pglintColdOverBare)}  (target <= 1.5) ${target(ratios.pglintColdOverBare, 1.5, '<=')}${also('pglintColdOverBare')}`);
  console.log(`   pglint warm / cold           ${fmtRatio(ratios.warmOverCold)}  (target <= 0.05, i.e. 20x faster) ${target(ratios.warmOverCold, 0.05, '<=')}${also('warmOverCold')}`);
  console.log('   (each ratio: the median of the runs\' own ratios, legs of one run being minutes apart at most)');
  if (ratios.warmOutputSameAsCold !== undefined) console.log(`   warm output identical to cold: ${ratios.warmOutputSameAsCold ? 'yes' : 'NO'}`);
  if (Number.isFinite(ratios.editOverCold)) console.log(`   pglint one file edited / cold ${fmtRatio(ratios.editOverCold)}  (no target: the per-file cache re-lints the file and its importers)`);
}

// ---------------------------------------------------------------- environment
// Variables that change no tool's output but make every Node process start slower. NODE_EXTRA_CA_CERTS makes Node
// parse the whole certificate bundle before any JavaScript runs (≈ 40 ms per process on the machine of
// bench/RESULTS.md, whose sandbox sets it): a cost of that machine, paid once by ESLint's and the bare parse's
// single process and by every pglint run, where it is a fifth of the warm leg. No leg opens a TLS connection.
const STARTUP_ONLY_ENV = ['NODE_EXTRA_CA_CERTS'];
const legEnv = { ...process.env };
const leftOut = opt.keepEnv ? [] : STARTUP_ONLY_ENV.filter((k) => legEnv[k] !== undefined);
for (const k of leftOut) delete legEnv[k];

/** Median wall time of `node -e 0` in an environment (ms). */
async function nodeStartMs(env) {
  const ms = [];
  for (let i = 0; i < 7; i++) ms.push((await measure(process.execPath, ['-e', '0'], { env })).ms);
  return median(ms);
}

/**
 * What this host charges for memory a process touches for the first time (µs per 4 KB page): a child writes one
 * byte per page of a fresh 256 MB buffer. On the virtual machines of bench/RESULTS.md it is 10–14 µs, 50–100 times
 * a bare-metal page fault, so every 100 MB of peak RSS costs a run ≈ 0.3 s: compare the legs' peak RSS too.
 */
async function firstTouchUsPerPage() {
  const code = "const n=256<<20,b=Buffer.allocUnsafeSlow(n),t=performance.now();for(let i=0;i<n;i+=4096)b[i]=1;console.log((performance.now()-t)*1000/(n/4096))";
  const r = spawnSync(process.execPath, ['-e', code], { env: legEnv, encoding: 'utf8' });
  const us = Number(r.stdout.trim());
  return Number.isFinite(us) ? us : undefined;
}

// ---------------------------------------------------------------- main
const machine = machineInfo();
console.log(`machine: ${machine.nproc} cores, ${machine.cpuModel}, ${machine.memTotalGb} GB; node ${versions.node}, typescript ${versions.typescript}, eslint ${versions.eslint}, @typescript-eslint/parser ${versions.tsEslintParser}`);
const nodeStart = { legs: await nodeStartMs(legEnv), ...(leftOut.length ? { asSet: await nodeStartMs(process.env) } : {}), leftOut };
console.log(leftOut.length
  ? `environment: legs run without ${leftOut.join(', ')} (startup cost only; --keep-env keeps it): node -e 0 takes ${fmtMs(nodeStart.legs)}, ${fmtMs(nodeStart.asSet)} with it`
  : `environment: as given; node -e 0 takes ${fmtMs(nodeStart.legs)}`);
const pageUs = await firstTouchUsPerPage();
if (pageUs !== undefined) console.log(`memory: first touch of a fresh page costs ${pageUs.toFixed(1)} µs (4 KB), ≈ ${Math.round((pageUs * 25_600) / 1000)} ms per 100 MB of peak RSS`);
const started = new Date();
const results = [];
try {
  for (const c of corpora) {
    const r = await benchCorpus(c);
    if (r) results.push(r);
  }
} finally {
  rmSync(tmpRoot, { recursive: true, force: true });
}
const report = {
  date: started.toISOString(),
  machine,
  versions,
  command: ['node', 'bench/run.mjs', ...args].join(' '),
  options: { ...opt, dirs: opt.dirs.map((d) => resolve(d)) },
  pglintBuilt,
  rssMethod: hasGnuTime() ? '/usr/bin/time %M' : '/proc/<pid>/status VmHWM polling',
  nodeStartMs: nodeStart,
  firstTouchUsPerPage: pageUs,
  corpora: results,
};
const lastJson = join(WORK_DIR, 'last.json');
writeFileSync(lastJson, JSON.stringify(report, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
console.log(`\nwrote ${lastJson}`);
