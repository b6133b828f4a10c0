#!/usr/bin/env node
/**
 * Language-server soak (issue 6): the real server (`node --expose-gc dist/server.js --stdio`) on a temp copy of
 * test-fixtures/ plus a generated 3,000-line file.
 *   1. 10,000 incremental didChange events on the 3,000-line file (typing-sized edits at random places), with a
 *      hover and a code-action request every 50 changes;
 *   2. 1,000 didOpen/didClose cycles over the fixture sources, each followed by a hover on the opened file.
 * Checks: no unhandled rejection in the server, every response and every published diagnostic well-formed, the
 * process stays up, and the server's heap after a forced GC is back within 20 % of its value at the start.
 *
 * Forced GC: the server has no GC request, so it starts with `--expose-gc -r bench/.work/soak-hook.cjs`; the hook
 * (written by this script, not part of the server) runs gc() on SIGUSR2 and prints process.memoryUsage() on stderr,
 * and records unhandled rejections / uncaught exceptions as it sees them.
 *
 *   node bench/soak-lsp.mjs [--changes 10000] [--cycles 1000] [--seed 6]
 * Exit code 0 when every check passes.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');
const WORK = path.join(ROOT, 'bench', '.work');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const CHANGES = opt('changes', 10_000);
const CYCLES = opt('cycles', 1_000);
const SEED = opt('seed', 6) >>> 0;
const MEMORY_TOLERANCE = 0.2;

if (!fs.existsSync(SERVER)) {
  console.error(`soak-lsp: ${SERVER} is missing: run npm run build first`);
  process.exit(2);
}

// ── deterministic randomness ───────────────────────────────────────────────
let s = SEED;
const rnd = () => {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (n) => Math.floor(rnd() * n);

// ── workspace ──────────────────────────────────────────────────────────────
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-soak-'));
fs.cpSync(path.join(ROOT, 'test-fixtures'), ws, { recursive: true });
const demo = path.join(ws, 'demo');
const bigFile = path.join(demo, 'src', 'big.ts');
{
  const lines = ["import { pool } from './db';", ''];
  let k = 0;
  while (lines.length < 3000) {
    k++;
    lines.push(
      `export async function load${k}(ids: string[], name: string) {`,
      `  const out = [];`,
      `  for (const id of ids) {`,
      `    const { rows } = await pool.query('SELECT * FROM products WHERE id = $1', [id]);`,
      `    out.push(rows[0]);`,
      `  }`,
      `  const client = await pool.connect();`,
      `  const r = await client.query("SELECT * FROM products WHERE name = '" + name + "'");`,
      `  client.release();`,
      `  return [out, r.rows];`,
      `}`,
      '',
    );
  }
  fs.writeFileSync(bigFile, lines.join('\n') + '\n'); // whole functions only: ~3,000 lines that parse
}
const fixtureSources = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.(ts|js)$/.test(e.name) && p !== bigFile) fixtureSources.push(p);
  }
})(ws);
fixtureSources.sort();

// ── GC hook, preloaded into the server ─────────────────────────────────────
fs.mkdirSync(WORK, { recursive: true });
const hook = path.join(WORK, 'soak-hook.cjs');
fs.writeFileSync(hook, `
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') { global.gc(); global.gc(); }
  process.stderr.write('SOAK_MEM ' + JSON.stringify(process.memoryUsage()) + '\\n');
});
process.on('unhandledRejection', (reason) => {
  process.stderr.write('SOAK_UNHANDLED_REJECTION ' + String(reason && reason.stack || reason).split('\\n').slice(0, 5).join(' | ') + '\\n');
});
process.on('uncaughtExceptionMonitor', (err) => {
  process.stderr.write('SOAK_UNCAUGHT ' + String(err && err.stack || err).split('\\n').slice(0, 5).join(' | ') + '\\n');
});
`);

const proc = spawn(process.execPath, ['--expose-gc', '-r', hook, SERVER, '--stdio'], { cwd: ws, stdio: 'pipe' });
let stderr = '';
let exited;
proc.stderr.on('data', (d) => (stderr += d.toString()));
proc.on('exit', (code, signal) => (exited = { code, signal }));
const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
const malformed = [];
let published = 0;
const latestDiag = new Map();
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  published++;
  const bad = checkPublish(p);
  if (bad) malformed.push(`publishDiagnostics: ${bad}`);
  latestDiag.set(p.uri, p);
});
conn.onNotification(() => undefined);
conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
conn.onRequest('client/registerCapability', () => null);
conn.onRequest('window/workDoneProgress/create', () => null);
conn.onRequest('workspace/diagnostic/refresh', () => null);
conn.onRequest('window/showMessageRequest', () => null);
conn.listen();

// ── shape checks ───────────────────────────────────────────────────────────
const isPos = (p) => p && Number.isInteger(p.line) && p.line >= 0 && Number.isInteger(p.character) && p.character >= 0;
const isRange = (r) => r && isPos(r.start) && isPos(r.end) && (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character));
function checkPublish(p) {
  if (typeof p?.uri !== 'string' || !Array.isArray(p.diagnostics)) return 'no uri or diagnostics array';
  for (const d of p.diagnostics) {
    if (!isRange(d.range)) return `bad range ${JSON.stringify(d.range)}`;
    if (typeof d.message !== 'string' || !d.message) return 'empty message';
    if (d.severity !== undefined && ![1, 2, 3, 4].includes(d.severity)) return `bad severity ${d.severity}`;
  }
  return undefined;
}
function checkHover(h) {
  if (h === null) return undefined;
  if (!h || !h.contents) return 'hover without contents';
  if (h.range && !isRange(h.range)) return 'hover with a bad range';
  return undefined;
}
function checkActions(a) {
  if (a === null) return undefined;
  if (!Array.isArray(a)) return 'code actions not an array';
  for (const x of a) {
    if (typeof x.title !== 'string') return 'code action without title';
    for (const dc of x.edit?.documentChanges ?? []) for (const e of dc.edits ?? []) if (!isRange(e.range) || typeof e.newText !== 'string') return 'bad edit';
    for (const edits of Object.values(x.edit?.changes ?? {})) for (const e of edits) if (!isRange(e.range) || typeof e.newText !== 'string') return 'bad edit';
  }
  return undefined;
}

async function request(method, params, check) {
  const t0 = performance.now();
  const res = await Promise.race([
    conn.sendRequest(method, params),
    new Promise((_, rej) => setTimeout(() => rej(new Error(`${method}: no answer within 30 s`)), 30_000)),
  ]);
  latencies.push(performance.now() - t0);
  const bad = check(res);
  if (bad) malformed.push(`${method}: ${bad}`);
  return res;
}
const latencies = [];

/** Heap after a forced GC: the lowest of three samples 300 ms apart (the server may be finishing a debounced lint). */
async function memory() {
  const samples = [];
  for (let k = 0; k < 3; k++) {
    samples.push(await memorySample());
    await settle(300);
  }
  return samples.reduce((a, b) => (b.heapUsed < a.heapUsed ? b : a));
}

async function memorySample() {
  const before = stderr.length;
  proc.kill('SIGUSR2');
  const t0 = Date.now();
  while (Date.now() - t0 < 10_000) {
    const m = /SOAK_MEM (\{.*\})\n/.exec(stderr.slice(before));
    if (m) return JSON.parse(m[1]);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no memory report from the server (hook not loaded?)');
}

const uriOf = (f) => pathToFileURL(f).href;
const settle = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

// ── run ────────────────────────────────────────────────────────────────────
const tStart = Date.now();
console.log(`soak-lsp: seed ${SEED}; ${CHANGES} didChange on a 3,000-line file, ${CYCLES} open/close cycles over ${fixtureSources.length} fixture files`);
await conn.sendRequest('initialize', {
  processId: process.pid,
  rootUri: uriOf(ws),
  workspaceFolders: [{ uri: uriOf(ws), name: 'soak' }],
  capabilities: {
    workspace: { configuration: true, workspaceFolders: true },
    textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: ['markdown', 'plaintext'] }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } } } },
  },
});
await conn.sendNotification('initialized', {});

const bigUri = uriOf(bigFile);
const original = fs.readFileSync(bigFile, 'utf8');
let text = original;
let version = 1;
await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'typescript', version, text } });
const waitVersion = async (uri, v, timeout = 60_000) => {
  const t0 = Date.now();
  while (Date.now() - t0 < timeout) {
    const p = latestDiag.get(uri);
    if (p && (p.version === undefined || p.version === v)) return p;
    await settle(20);
  }
  throw new Error(`no diagnostics for version ${v} of ${uri} within ${timeout} ms`);
};
const first = await waitVersion(bigUri, 1);
console.log(`big file: ${original.split('\n').length - 1} lines, ${first.diagnostics.length} diagnostics at version 1`);
// Warm-up: one open/close of every fixture file, so the baseline includes loaded code and the per-file caches a
// workspace of this size fills anyway (bounded by the number of files, not by the number of events).
for (const f of fixtureSources) {
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(f), languageId: 'typescript', version: 1, text: fs.readFileSync(f, 'utf8') } });
  await request('textDocument/hover', { textDocument: { uri: uriOf(f) }, position: { line: 0, character: 0 } }, checkHover);
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(f) } });
}
await settle(500);
const memCold = await memory();
let memStart;

// 1. didChange storm.
const lineStarts = (t) => {
  const out = [0];
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) === 10) out.push(i + 1);
  return out;
};
let starts = lineStarts(text);
const pos = (off) => {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= off) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: off - starts[lo] };
};
const SNIPPETS = ['x', ' ', 'a', '(', ')', "'", '+ id', ';', '\n', 'await ', 'pool.query(', '{', '}', '`${v}`', '// ', 'é'];
// Warm-up edits first (WARMUP incremental changes, then a whole-text revert): the baseline is taken after them,
// once every kind of event in the soak has been seen (the first whole-text replacement keeps ~4 MB for good,
// measured flat over repeated reverts; see the end of the run).
const WARMUP = opt('warmup', 300);
let tChanges = Date.now();
for (let w = 1; w <= WARMUP; w++) {
  const at = int(text.length + 1);
  const ins = SNIPPETS[int(SNIPPETS.length)];
  const range = { start: pos(at), end: pos(at) };
  text = text.slice(0, at) + ins + text.slice(at);
  starts = lineStarts(text);
  version++;
  await conn.sendNotification('textDocument/didChange', { textDocument: { uri: bigUri, version }, contentChanges: [{ range, text: ins }] });
  if (w % 50 === 0) await request('textDocument/hover', { textDocument: { uri: bigUri }, position: pos(at) }, checkHover);
}
text = original;
starts = lineStarts(text);
version++;
await conn.sendNotification('textDocument/didChange', { textDocument: { uri: bigUri, version }, contentChanges: [{ text }] });
await waitVersion(bigUri, version);
await settle(1000);
memStart = await memory();
console.log(`memory at start (after GC): heapUsed ${mb(memStart.heapUsed)}, rss ${mb(memStart.rss)} (cold, before the warm-up edits: heapUsed ${mb(memCold.heapUsed)})`);
tChanges = Date.now();
for (let i = 1; i <= CHANGES; i++) {
  const at = int(text.length + 1);
  let del = 0;
  let ins = '';
  if (rnd() < 0.35) del = Math.min(text.length - at, 1 + int(4));
  else ins = SNIPPETS[int(SNIPPETS.length)];
  // Every 1,000 changes, put the original text back (an undo-all), so the file keeps its shape and findings.
  let range;
  if (i % 1000 === 0) {
    range = { start: { line: 0, character: 0 }, end: pos(text.length) };
    ins = original;
    del = 0;
    text = original;
  } else {
    range = { start: pos(at), end: pos(at + del) };
    text = text.slice(0, at) + ins + text.slice(at + del);
  }
  starts = lineStarts(text);
  version++;
  await conn.sendNotification('textDocument/didChange', { textDocument: { uri: bigUri, version }, contentChanges: [{ range, text: ins }] });
  if (i % 50 === 0) {
    const p = pos(int(text.length + 1));
    await request('textDocument/hover', { textDocument: { uri: bigUri }, position: p }, checkHover);
    await request('textDocument/codeAction', { textDocument: { uri: bigUri }, range: { start: p, end: p }, context: { diagnostics: latestDiag.get(bigUri)?.diagnostics ?? [] } }, checkActions);
  }
  if (i % 2000 === 0) console.log(`  … ${i} changes, ${Math.round((Date.now() - tChanges) / 1000)} s, ${published} diagnostics published`);
  if (exited) break;
}
const last = await waitVersion(bigUri, version);
const memAfterChanges = await memory();
const changesMs = Date.now() - tChanges;
console.log(`changes: ${CHANGES} in ${(changesMs / 1000).toFixed(1)} s; final version ${version} has ${last.diagnostics.length} diagnostics (text ${text === original ? 'equal to' : 'different from'} the original)`);

// 2. open/close cycles.
const tCycles = Date.now();
for (let i = 0; i < CYCLES && !exited; i++) {
  const f = fixtureSources[i % fixtureSources.length];
  const uri = uriOf(f);
  const t = fs.readFileSync(f, 'utf8');
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: f.endsWith('.js') ? 'javascript' : 'typescript', version: 1, text: t } });
  const st = lineStarts(t);
  const line = int(st.length);
  await request('textDocument/hover', { textDocument: { uri }, position: { line, character: int(40) } }, checkHover);
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
}
const cyclesMs = Date.now() - tCycles;
const memAfterCycles = await memory();
console.log(`open/close: ${CYCLES} cycles in ${(cyclesMs / 1000).toFixed(1)} s`);

// Back to the starting state: the big file holds its original text, the fixtures are closed. Done ROUNDS times
// (whole-text replacements, as a "revert file" does) to tell a one-off retained version from a growing leak.
const ROUNDS = opt('final-rounds', 3);
const roundHeaps = [];
let memEnd;
for (let r = 0; r < ROUNDS; r++) {
  version++;
  await conn.sendNotification('textDocument/didChange', { textDocument: { uri: bigUri, version }, contentChanges: [{ text: original }] });
  await waitVersion(bigUri, version);
  await settle(1000);
  memEnd = await memory();
  roundHeaps.push(mb(memEnd.heapUsed));
}
console.log(`heap after GC after each whole-text revert: ${roundHeaps.join(', ')}`);
const alive = exited === undefined;
const unhandled = stderr.split('\n').filter((l) => /SOAK_UNHANDLED|SOAK_UNCAUGHT/.test(l));
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
const heapRatio = memEnd.heapUsed / memStart.heapUsed;
const rssRatio = memEnd.rss / memStart.rss;
console.log('');
console.log(`requests: ${latencies.length} (latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${latencies[latencies.length - 1].toFixed(0)} ms); diagnostics published: ${published}`);
console.log(`malformed responses/notifications: ${malformed.length}${malformed.length ? ` (first: ${malformed[0]})` : ''}`);
console.log(`unhandled rejections / uncaught exceptions in the server: ${unhandled.length}${unhandled.length ? ` (first: ${unhandled[0]})` : ''}`);
console.log(`server alive at the end: ${alive}`);
console.log(`heap after GC by phase: cold ${mb(memCold.heapUsed)}, start (after warm-up) ${mb(memStart.heapUsed)}, after the changes ${mb(memAfterChanges.heapUsed)}, after the open/close cycles ${mb(memAfterCycles.heapUsed)}, end ${mb(memEnd.heapUsed)}`);
console.log(`memory after GC: heapUsed ${mb(memStart.heapUsed)} -> ${mb(memEnd.heapUsed)} (${((heapRatio - 1) * 100).toFixed(1)} %), rss ${mb(memStart.rss)} -> ${mb(memEnd.rss)} (${((rssRatio - 1) * 100).toFixed(1)} %)`);
console.log(`total time: ${((Date.now() - tStart) / 1000).toFixed(1)} s`);

try {
  await Promise.race([conn.sendRequest('shutdown'), settle(3000)]);
  await conn.sendNotification('exit');
} catch {
  // gone
}
await settle(300);
if (exited === undefined) proc.kill();
conn.dispose();
fs.rmSync(ws, { recursive: true, force: true });

const ok = alive && malformed.length === 0 && unhandled.length === 0 && heapRatio <= 1 + MEMORY_TOLERANCE;
console.log(ok ? 'soak-lsp: PASS' : 'soak-lsp: FAIL');
process.exit(ok ? 0 : 1);
