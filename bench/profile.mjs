#!/usr/bin/env node
// CPU profile of one pglint CLI run: node --cpu-prof, then the top self-time functions.
//
//   node bench/profile.mjs [DIR] [--top N] [--warm]    profile `pglint DIR --format json --no-cache`
//   node bench/profile.mjs --read FILE_OR_DIR [--top N]    only summarise existing .cpuprofile file(s)
// Prints the top functions by self time, then the time by area (parse, value resolution, each rule, migrations,
// GC …), source-mapped through dist/*.js.map.
//
// DIR defaults to the generated 5,000-file corpus. Profiles go to bench/.work/prof/<time>/ (one file per
// thread: worker threads inherit --cpu-prof). Self and total time are computed from samples/timeDeltas,
// aggregated over all threads by function + location.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, mkdtempSync, rmSync, openSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, REPO_ROOT, WORK_DIR } from './lib.mjs';
import { ensureCorpus, parseIntArg } from './generate.mjs';

// A profile's nodes by id, and each node's parent id.
function indexNodes(prof) {
  const byId = new Map();
  const parent = new Map();
  for (const n of prof.nodes ?? []) byId.set(n.id, n);
  for (const n of prof.nodes ?? []) for (const c of n.children ?? []) parent.set(c, n.id);
  return { byId, parent };
}

// Aggregates one or more parsed .cpuprofile objects; returns rows sorted by self time.
export function summariseProfiles(profiles) {
  const agg = new Map();
  let totalUs = 0;
  for (const prof of profiles) {
    const { byId, parent } = indexNodes(prof);
    const keyOf = (n) => {
      const cf = n.callFrame ?? {};
      let url = cf.url ?? '';
      if (url.startsWith('file://')) { try { url = fileURLToPath(url); } catch { /* keep */ } }
      if (url.startsWith(REPO_ROOT + '/')) url = url.slice(REPO_ROOT.length + 1);
      const where = url ? `${url}:${(cf.lineNumber ?? 0) + 1}` : '';
      return `${cf.functionName || '(anonymous)'}\u0000${where}`;
    };
    const samples = prof.samples ?? [];
    const deltas = prof.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      // A sample lasts until the next one; the last sample gets the mean interval.
      const dur = i + 1 < deltas.length ? Math.max(0, deltas[i + 1]) : (prof.endTime - prof.startTime) / Math.max(1, samples.length);
      totalUs += dur;
      let id = samples[i];
      const node = byId.get(id);
      if (!node) continue;
      const selfKey = keyOf(node);
      const seen = new Set();
      while (id !== undefined) {
        const n = byId.get(id);
        if (!n) break;
        const k = keyOf(n);
        if (!seen.has(k)) {
          seen.add(k);
          let e = agg.get(k);
          if (!e) agg.set(k, (e = { selfUs: 0, totalUs: 0 }));
          e.totalUs += dur;
          if (k === selfKey && seen.size === 1) e.selfUs += dur;
        }
        id = parent.get(id);
      }
    }
  }
  const rows = [...agg.entries()].map(([k, v]) => {
    const [name, where] = k.split('\u0000');
    return { name, where, selfMs: v.selfUs / 1000, totalMs: v.totalUs / 1000 };
  });
  rows.sort((a, b) => b.selfMs - a.selfMs || a.name.localeCompare(b.name));
  return { totalMs: totalUs / 1000, rows };
}

// ---------------------------------------------------------------- areas
// Attributes every sample to an area of pglint, from its stack: the innermost frame whose (source-mapped) file
// is recognised decides. Frames of Node internals and natives (readFileSync, Map.get …) are charged to their
// nearest recognised caller, so "value resolution" includes the Map lookups values.ts does.
const sourceMaps = new Map();
function originalSource(url, line, col) {
  if (!url) return '';
  let file = url;
  if (file.startsWith('file://')) { try { file = fileURLToPath(file); } catch { return url; } }
  if (!file.endsWith('.js') || !existsSync(`${file}.map`)) return file;
  let sm = sourceMaps.get(file);
  if (sm === undefined) {
    try { sm = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))); } catch { sm = null; }
    sourceMaps.set(file, sm);
  }
  if (!sm) return file;
  const e = sm.findEntry(line, col);
  return e && e.originalSource ? resolve(dirname(file), e.originalSource.replace(/^file:\/\//, '')) : file;
}

export function areaOf(functionName, src) {
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle (thread waiting)';
  if (functionName === '(program)') return 'VM (program: compile, IC misses)';
  if (!src || src.startsWith('node:')) return undefined;
  const rel = src.startsWith(REPO_ROOT + '/') ? src.slice(REPO_ROOT.length + 1) : src;
  let m;
  if (/node_modules\/typescript\//.test(rel)) return 'TypeScript parse (ts.createSourceFile)';
  if (/node_modules\/@electric-sql\/pglite\//.test(rel)) return 'migrations: PGlite (schema build)';
  if (/node_modules\/libpg-query\//.test(rel)) return 'SQL parse (libpg-query)';
  if ((m = /^rules\/src\/rules\/([\w-]+)\.ts$/.exec(rel))) return `rule ${m[1]}`;
  if ((m = /^rules\/src\/migrations\/([\w-]+)\.ts$/.exec(rel))) return `migrations: ${m[1]}.ts`;
  if (rel === 'rules/src/engine/values.ts') return 'value resolution (engine/values.ts)';
  if (rel === 'rules/src/engine/model.ts') return 'file model, dbCalls, summaries (engine/model.ts)';
  if ((m = /^rules\/src\/engine\/([\w-]+)\.ts$/.exec(rel))) return `engine/${m[1]}.ts`;
  if ((m = /^rules\/src\/([\w-]+)\.ts$/.exec(rel))) return `rules/src/${m[1]}.ts`;
  if ((m = /^cli\/(.+)\.ts$/.exec(rel))) return `CLI ${m[1]}.ts`;
  if ((m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(rel))) return `package ${m[1]}`;
  return undefined;
}

export function summariseAreas(profiles) {
  const agg = new Map();
  let totalUs = 0;
  for (const prof of profiles) {
    const { byId, parent } = indexNodes(prof);
    const areaOfNode = new Map();
    const nodeArea = (id) => {
      if (areaOfNode.has(id)) return areaOfNode.get(id);
      const chain = [];
      let area;
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        if (areaOfNode.has(cur)) { area = areaOfNode.get(cur); break; }
        chain.push(cur);
        const cf = byId.get(cur)?.callFrame ?? {};
        area = areaOf(cf.functionName, originalSource(cf.url, cf.lineNumber ?? 0, cf.columnNumber ?? 0));
        if (area) break;
      }
      area ??= 'other (Node internals, startup)';
      for (const c of chain) areaOfNode.set(c, area);
      return area;
    };
    const samples = prof.samples ?? [];
    const deltas = prof.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const dur = i + 1 < deltas.length ? Math.max(0, deltas[i + 1]) : (prof.endTime - prof.startTime) / Math.max(1, samples.length);
      totalUs += dur;
      const a = nodeArea(samples[i]);
      agg.set(a, (agg.get(a) ?? 0) + dur);
    }
  }
  const rows = [...agg.entries()].map(([area, us]) => ({ area, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return { totalMs: totalUs / 1000, rows };
}

function printAreas({ totalMs, rows }) {
  console.log(`\nBy area (every thread; innermost recognised frame, source-mapped), ${(totalMs / 1000).toFixed(2)} s sampled:`);
  for (const r of rows) console.log(`  ${r.ms.toFixed(0).padStart(8)} ms ${((100 * r.ms) / (totalMs || 1)).toFixed(1).padStart(5)} %  ${r.area}`);
}

function printTop({ totalMs, rows }, top, nProfiles) {
  console.log(`\n${nProfiles} profile(s), ${(totalMs / 1000).toFixed(2)} s sampled; top ${top} by self time:`);
  const show = rows.slice(0, top);
  const wName = Math.min(60, Math.max(8, ...show.map((r) => r.name.length)));
  console.log(`  ${'self ms'.padStart(9)} ${'self %'.padStart(6)} ${'total ms'.padStart(9)}  ${'function'.padEnd(wName)}  location`);
  for (const r of show) {
    const name = r.name.length > wName ? r.name.slice(0, wName - 1) + '…' : r.name;
    console.log(`  ${r.selfMs.toFixed(1).padStart(9)} ${((100 * r.selfMs) / (totalMs || 1)).toFixed(1).padStart(6)} ${r.totalMs.toFixed(1).padStart(9)}  ${name.padEnd(wName)}  ${r.where}`);
  }
}

function readProfiles(path) {
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => join(path, f))
    : [path];
  if (!files.length) throw new Error(`no .cpuprofile under ${path}`);
  return files.map((f) => {
    try { return JSON.parse(readFileSync(f, 'utf8')); } catch (err) { throw new Error(`${f}: not a CPU profile (${err.message})`); }
  });
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  let dir, top = 25, read, warm = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--top') top = parseIntArg('--top', args[++i]);
    else if (a === '--read') read = args[++i];
    else if (a === '--warm') warm = true;
    else if (a === '-h' || a === '--help') { console.log('usage: node bench/profile.mjs [DIR] [--top N] [--warm] | --read FILE_OR_DIR [--top N]'); process.exit(0); }
    else if (a.startsWith('-')) { console.error(`unknown option ${a}`); process.exit(2); }
    else dir = a;
  }
  try {
    if (read) {
      if (!existsSync(read)) throw new Error(`not found: ${read}`);
      const profs = readProfiles(read);
      printTop(summariseProfiles(profs), top, profs.length);
      printAreas(summariseAreas(profs));
    } else {
      const bin = process.env.PGLINT_BENCH_BIN ? resolve(process.env.PGLINT_BENCH_BIN) : join(REPO_ROOT, 'bin', 'pglint.js');
      if (!process.env.PGLINT_BENCH_BIN && !existsSync(join(REPO_ROOT, 'dist', 'cli.js'))) {
        console.log('pglint: not built (run `npm run build`)');
        process.exit(0);
      }
      if (!dir) {
        dir = join(BENCH_DIR, '.corpus', 'gen-5000');
        ensureCorpus({ files: 5000, seed: 1, out: dir });
      }
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`not a folder: ${dir}`);
      const profRoot = join(WORK_DIR, 'prof');
      mkdirSync(profRoot, { recursive: true });
      const profDir = mkdtempSync(join(profRoot, new Date().toISOString().replace(/[:.]/g, '-') + '-'));
      const cliArgs = [resolve(dir), '--format', 'json'];
      let cacheDir;
      if (warm) {
        // Prime a cache without profiling, then profile the warm run.
        cacheDir = mkdtempSync(join(WORK_DIR, 'prof-cache-'));
        cliArgs.push('--cache-location', cacheDir);
        spawnSync(process.execPath, [bin, ...cliArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
      } else cliArgs.push('--no-cache');
      const outFile = join(profDir, 'stdout.json');
      const fd = openSync(outFile, 'w');
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, bin, ...cliArgs], { stdio: ['ignore', fd, 'inherit'], cwd: REPO_ROOT });
      closeSync(fd);
      const ms = performance.now() - t0;
      if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
      console.log(`pglint ${warm ? 'warm' : 'cold'} run on ${dir}: exit ${r.status}, ${Math.round(ms)} ms (with profiling overhead); profiles in ${profDir}`);
      if (r.status !== 0 && r.status !== 1) throw new Error(`pglint failed (exit ${r.status ?? r.signal})`);
      const profs = readProfiles(profDir);
      printTop(summariseProfiles(profs), top, profs.length);
      printAreas(summariseAreas(profs));
    }
  } catch (err) {
    console.error(`profile: ${err.message}`);
    process.exit(1);
  }
}
