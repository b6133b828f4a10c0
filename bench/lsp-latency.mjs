#!/usr/bin/env node
// Language-server latency: drives the real pglint server (node dist/server.js --stdio) over stdio with a
// hand-written Content-Length JSON-RPC framer, on the generated corpus.
//
//   node bench/lsp-latency.mjs [--corpus DIR | --files N] [--bursts B] [--edits K] [--interval MS] [--server FILE]
//
// Measures: initialize round trip; time from didOpen to the first publishDiagnostics of an ordinary file;
// server RSS once background indexing has settled; on a 3,000-line file, didChange -> publishDiagnostics
// p50/p95/p99 under B bursts of K edits sent every MS ms (and, for reference, edits sent one at a time);
// hover and codeAction latency. Writes bench/.work/lsp-last.json.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, BENCH_DIR, WORK_DIR, median, percentile, readProcStatus, machineInfo } from './lib.mjs';
import { ensureCorpus, parseIntArg, BIG_FILE } from './generate.mjs';

const args = process.argv.slice(2);
const opt = { corpus: undefined, files: 5000, bursts: 20, edits: 10, interval: 30, server: join(REPO_ROOT, 'dist', 'server.js'), timeoutMs: 60_000, sequential: 30, samples: 20 };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--corpus') opt.corpus = args[++i];
  else if (a === '--files') opt.files = parseIntArg('--files', args[++i]);
  else if (a === '--bursts') opt.bursts = parseIntArg('--bursts', args[++i]);
  else if (a === '--edits') opt.edits = parseIntArg('--edits', args[++i]);
  else if (a === '--interval') opt.interval = parseIntArg('--interval', args[++i]);
  else if (a === '--sequential') opt.sequential = parseIntArg('--sequential', args[++i]);
  else if (a === '--server') opt.server = resolve(args[++i] ?? '');
  else if (a === '--timeout') opt.timeoutMs = parseIntArg('--timeout', args[++i]) * 1000;
  else if (a === '-h' || a === '--help') {
    console.log('usage: node bench/lsp-latency.mjs [--corpus DIR | --files N (default 5000)] [--bursts B (20)] [--edits K per burst (10)] [--interval MS (30)] [--sequential K (30)] [--server FILE (dist/server.js)] [--timeout S (60)]');
    process.exit(0);
  } else { console.error(`unknown argument ${a} (try --help)`); process.exit(2); }
}

if (!existsSync(opt.server)) {
  console.log(`server: not built (${opt.server} is missing; run \`npm run build\`)`);
  process.exit(0);
}

let root;
if (opt.corpus) {
  root = resolve(opt.corpus);
  if (!existsSync(root) || !statSync(root).isDirectory()) { console.error(`not a folder: ${opt.corpus}`); process.exit(2); }
} else {
  root = join(BENCH_DIR, '.corpus', `gen-${opt.files}`);
  const m = ensureCorpus({ files: opt.files, seed: 1, out: root });
  console.log(`corpus: ${m.reused ? 'reused' : 'generated'} ${root}`);
}
const bigPath = join(root, BIG_FILE);
if (!existsSync(bigPath)) { console.error(`${BIG_FILE} not found under ${root}: use a generated corpus (bench/generate.mjs)`); process.exit(2); }
const uriOf = (p) => pathToFileURL(p).href;

// ---------------------------------------------------------------- JSON-RPC over stdio
const now = () => performance.now();
const child = spawn(process.execPath, [opt.server, '--stdio'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
let stderrTail = '';
child.stderr.on('data', (d) => { stderrTail = (stderrTail + d).slice(-4000); });
let exited = false;
child.on('exit', (code, sig) => { exited = true; if (!shuttingDown) { console.error(`server exited early (code ${code}, signal ${sig})\n${stderrTail}`); process.exit(1); } });
let shuttingDown = false;

let buf = Buffer.alloc(0);
const pending = new Map();
const diagnostics = []; // {uri, version, count, t, diags}
const diagWaiters = [];
const progress = { begun: new Set(), ended: new Set(), lastEnd: undefined };
const logs = [];
let nextId = 1;

function send(msg) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
  child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  child.stdin.write(body);
}
function request(method, params) {
  const id = nextId++;
  const t0 = now();
  return new Promise((res, rej) => {
    const timer = setTimeout(() => { pending.delete(id); rej(new Error(`${method}: no answer in ${opt.timeoutMs} ms`)); }, opt.timeoutMs);
    pending.set(id, { res: (v) => { clearTimeout(timer); res({ result: v, ms: now() - t0 }); }, rej: (e) => { clearTimeout(timer); rej(e); } });
    send({ id, method, params });
  });
}
const notify = (method, params) => send({ method, params });

function answerServerRequest(msg) {
  let result = null;
  if (msg.method === 'workspace/configuration') result = (msg.params?.items ?? []).map(() => null);
  else if (msg.method === 'workspace/applyEdit') result = { applied: false };
  else if (msg.method === 'workspace/workspaceFolders') result = [{ uri: uriOf(root), name: 'corpus' }];
  send({ id: msg.id, result });
}

function onMessage(msg) {
  if (msg.id !== undefined && msg.method === undefined) {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.rej(new Error(`${msg.error.code}: ${msg.error.message}`));
    else p.res(msg.result);
    return;
  }
  if (msg.id !== undefined) return answerServerRequest(msg);
  if (msg.method === 'textDocument/publishDiagnostics') {
    const d = { uri: msg.params.uri, version: msg.params.version, count: msg.params.diagnostics.length, diags: msg.params.diagnostics, t: now() };
    diagnostics.push(d);
    for (const w of [...diagWaiters]) if (w.test(d)) { diagWaiters.splice(diagWaiters.indexOf(w), 1); w.res(d); }
  } else if (msg.method === '$/progress') {
    const k = msg.params?.value?.kind;
    if (k === 'begin') progress.begun.add(msg.params.token);
    if (k === 'end') { progress.ended.add(msg.params.token); progress.lastEnd = now(); }
  } else if (msg.method === 'window/logMessage' || msg.method === 'window/showMessage') {
    logs.push(msg.params?.message);
    if (logs.length > 50) logs.shift();
  }
}

child.stdout.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const headerEnd = buf.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const header = buf.subarray(0, headerEnd).toString('ascii');
    const m = /Content-Length:\s*(\d+)/i.exec(header);
    if (!m) { console.error(`bad header from server: ${JSON.stringify(header)}`); process.exit(1); }
    const len = Number(m[1]);
    if (buf.length < headerEnd + 4 + len) return;
    const body = buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
    buf = buf.subarray(headerEnd + 4 + len);
    try { onMessage(JSON.parse(body)); } catch (err) { console.error(`bad message from server: ${err.message}`); }
  }
});

function waitDiagnostics(test, timeoutMs = opt.timeoutMs) {
  const found = diagnostics.find(test);
  if (found) return Promise.resolve(found);
  return new Promise((res) => {
    const w = { test, res };
    diagWaiters.push(w);
    setTimeout(() => { const i = diagWaiters.indexOf(w); if (i >= 0) { diagWaiters.splice(i, 1); res(undefined); } }, timeoutMs);
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- scenario
const result = { date: new Date().toISOString(), machine: machineInfo(), server: opt.server, corpus: root, options: opt };
const fmt = (ms) => (ms === undefined || !Number.isFinite(ms) ? '–' : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
const mb = (kb) => (kb ? `${Math.round(kb / 1024)} MB` : '–');

try {
  const tSpawn = now();
  const init = await request('initialize', {
    processId: process.pid,
    clientInfo: { name: 'pglint-bench', version: '1' },
    rootUri: uriOf(root),
    workspaceFolders: [{ uri: uriOf(root), name: 'corpus' }],
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true, applyEdit: true },
      window: { workDoneProgress: true },
      textDocument: {
        synchronization: { dynamicRegistration: false, didSave: true },
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source', 'source.fixAll'] } }, isPreferredSupport: true },
      },
    },
  });
  result.initializeMs = now() - tSpawn;
  const sync = init.result?.capabilities?.textDocumentSync;
  const syncKind = typeof sync === 'number' ? sync : sync?.change ?? 1;
  result.syncKind = syncKind === 2 ? 'incremental' : 'full';
  notify('initialized', {});

  // 1. First diagnostics for an ordinary opened file (a service with a repository call in a loop).
  const svcDir = join(root, 'src', 'services');
  const svc = readdirSync(svcDir).sort().map((f) => join(svcDir, f)).find((f) => f !== bigPath && /for \(const id of ids\) \{\n\s+const row = await find/.test(readFileSync(f, 'utf8')))
    ?? readdirSync(svcDir).sort().map((f) => join(svcDir, f)).find((f) => f !== bigPath);
  const svcUri = uriOf(svc);
  const tOpen = now();
  notify('textDocument/didOpen', { textDocument: { uri: svcUri, languageId: 'typescript', version: 1, text: readFileSync(svc, 'utf8') } });
  const first = await waitDiagnostics((d) => d.uri === svcUri);
  result.firstDiagnostics = { file: svc.slice(root.length + 1), ms: first ? first.t - tOpen : undefined, sinceSpawnMs: first ? first.t - tSpawn : undefined, count: first?.count };

  // 2. Indexing settles: wait for every work-done progress to end, or RSS to stay flat (±2 MB) for 3 s.
  const tIdx = now();
  let last = readProcStatus(child.pid)?.rssKb ?? 0, flatSince = now();
  while (now() - tIdx < 180_000) {
    await sleep(250);
    const s = readProcStatus(child.pid);
    if (!s) break;
    if (Math.abs(s.rssKb - last) > 2048) { last = s.rssKb; flatSince = now(); }
    const progressDone = progress.begun.size > 0 && progress.ended.size >= progress.begun.size;
    if (progressDone || now() - flatSince > 3000) break;
  }
  const st = readProcStatus(child.pid);
  result.afterIndexing = { settledAfterMs: now() - tIdx, via: progress.begun.size ? 'work-done progress' : 'flat RSS for 3 s', rssKb: st?.rssKb, hwmKb: st?.hwmKb };

  // 3. The 3,000-line file: open, then a burst of edits in comment lines, then edits one at a time.
  const bigUri = uriOf(bigPath);
  let text = readFileSync(bigPath, 'utf8');
  let version = 1;
  const tBig = now();
  notify('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'typescript', version, text } });
  const bigFirst = await waitDiagnostics((d) => d.uri === bigUri);
  result.bigFile = { lines: text.split('\n').length, firstDiagnosticsMs: bigFirst ? bigFirst.t - tBig : undefined, count: bigFirst?.count };

  const lines = text.split('\n');
  const commentLines = lines.map((l, i) => (/^\s*\/\/ note \d+/.test(l) ? i : -1)).filter((i) => i >= 0);
  const lineStart = (n) => { let off = 0; for (let i = 0; i < n; i++) off += lines[i].length + 1; return off; };
  function edit(k) {
    // Type one character at the end of a comment line spread over the file.
    const line = commentLines[(k * 37) % commentLines.length];
    const ch = lines[line].length;
    const insert = String.fromCharCode(97 + (k % 26));
    const off = lineStart(line) + ch;
    text = text.slice(0, off) + insert + text.slice(off);
    lines[line] += insert;
    version++;
    const change = syncKind === 2 ? { range: { start: { line, character: ch }, end: { line, character: ch } }, text: insert } : { text };
    notify('textDocument/didChange', { textDocument: { uri: bigUri, version }, contentChanges: [change] });
    return { version, t: now() };
  }
  const versioned = () => diagnostics.some((d) => d.uri === bigUri && d.version !== undefined);

  // Bursts: B bursts of K keystrokes MS ms apart (typing), each followed by a wait for the diagnostics of
  // its last version and a short pause. Per edit: time to the first publish whose version covers it.
  // Per burst: time from its last edit to that publish (what the user sees when they stop typing).
  const sent = [];
  const settle = [];
  const burstStart = now();
  let k = 0;
  for (let b = 0; b < opt.bursts; b++) {
    for (let j = 0; j < opt.edits; j++) {
      sent.push(edit(k++));
      if (j + 1 < opt.edits) await sleep(opt.interval);
    }
    const lastSent = sent[sent.length - 1];
    const d = await waitDiagnostics((x) => x.uri === bigUri && x.t > lastSent.t && (x.version === undefined || x.version >= lastSent.version), 10_000);
    if (d) settle.push(d.t - lastSent.t);
    await sleep(150);
  }
  const bigDiags = diagnostics.filter((d) => d.uri === bigUri && d.t >= burstStart);
  const lat = [];
  let unanswered = 0;
  for (const s of sent) {
    const d = bigDiags.find((x) => x.t > s.t && (x.version === undefined || x.version >= s.version));
    if (d) lat.push(d.t - s.t); else unanswered++;
  }
  result.burst = {
    bursts: opt.bursts, editsPerBurst: opt.edits, intervalMs: opt.interval, publishes: bigDiags.length, versioned: versioned(), unanswered,
    p50: percentile(lat, 50), p95: percentile(lat, 95), p99: percentile(lat, 99), max: Math.max(...lat),
    afterLastEdit: { p50: percentile(settle, 50), p95: percentile(settle, 95), p99: percentile(settle, 99) },
    latencies: lat.map((x) => Math.round(x)),
  };

  const seq = [];
  for (let k = 0; k < opt.sequential; k++) {
    const s = edit(opt.bursts * opt.edits + k);
    const d = await waitDiagnostics((x) => x.uri === bigUri && x.t > s.t && (x.version === undefined || x.version >= s.version), 10_000);
    if (d) seq.push(d.t - s.t);
    await sleep(50);
  }
  result.sequential = { edits: opt.sequential, p50: percentile(seq, 50), p95: percentile(seq, 95), p99: percentile(seq, 99), max: Math.max(...seq) };

  // 4. Hover and code actions on the first finding of the big file (or on a repository call in a loop).
  const lastBig = diagnostics.filter((d) => d.uri === bigUri).pop();
  const diag = lastBig?.diags?.[0];
  let pos = diag?.range?.start;
  if (!pos) {
    const li = lines.findIndex((l) => /rows\.push\(await find/.test(l));
    pos = { line: Math.max(0, li), character: Math.max(0, lines[Math.max(0, li)].indexOf('find')) };
  }
  const hov = [], act = [];
  let hoverHit = 0, actionCount = 0;
  for (let k = 0; k < opt.samples; k++) {
    const h = await request('textDocument/hover', { textDocument: { uri: bigUri }, position: pos });
    hov.push(h.ms);
    if (h.result) hoverHit++;
    const range = diag?.range ?? { start: pos, end: pos };
    const a = await request('textDocument/codeAction', { textDocument: { uri: bigUri }, range, context: { diagnostics: diag ? [diag] : [], triggerKind: 1 } });
    act.push(a.ms);
    actionCount = Array.isArray(a.result) ? a.result.length : 0;
  }
  result.hover = { samples: hov.length, p50: percentile(hov, 50), p95: percentile(hov, 95), nonEmpty: hoverHit, position: pos, onDiagnostic: !!diag };
  result.codeAction = { samples: act.length, p50: percentile(act, 50), p95: percentile(act, 95), actions: actionCount };
  const end = readProcStatus(child.pid);
  result.atEnd = { rssKb: end?.rssKb, hwmKb: end?.hwmKb };

  // ---------------------------------------------------------------- report
  const r = result;
  const rows = [
    ['initialize round trip', fmt(r.initializeMs), ''],
    [`first diagnostics after didOpen (${r.firstDiagnostics.file})`, fmt(r.firstDiagnostics.ms), `target <= 1000 ms; ${r.firstDiagnostics.count ?? 0} diagnostics`],
    ['indexing settled after', fmt(r.afterIndexing.settledAfterMs), `via ${r.afterIndexing.via}`],
    ['server RSS after indexing', mb(r.afterIndexing.rssKb), `target <= 400 MB; peak ${mb(r.afterIndexing.hwmKb)}`],
    [`3,000-line file: first diagnostics`, fmt(r.bigFile.firstDiagnosticsMs), `${r.bigFile.count ?? 0} diagnostics, sync ${r.syncKind}`],
    [`burst didChange->diagnostics p50`, fmt(r.burst.p50), `${r.burst.bursts} bursts of ${r.burst.editsPerBurst} edits ${r.burst.intervalMs} ms apart, ${r.burst.publishes} publishes${r.burst.versioned ? '' : ' (no version in publishDiagnostics: matched by time)'}`],
    [`burst p95`, fmt(r.burst.p95), 'target <= 50 ms'],
    [`burst p99`, fmt(r.burst.p99), r.burst.unanswered ? `${r.burst.unanswered} edits never answered` : ''],
    [`last edit of a burst->diagnostics p50 / p95`, `${fmt(r.burst.afterLastEdit.p50)} / ${fmt(r.burst.afterLastEdit.p95)}`, ''],
    [`one edit at a time p50 / p95`, `${fmt(r.sequential.p50)} / ${fmt(r.sequential.p95)}`, `${r.sequential.edits} edits`],
    ['hover p50 / p95', `${fmt(r.hover.p50)} / ${fmt(r.hover.p95)}`, `${r.hover.nonEmpty}/${r.hover.samples} non-empty${r.hover.onDiagnostic ? ', on a finding' : ''}`],
    ['codeAction p50 / p95', `${fmt(r.codeAction.p50)} / ${fmt(r.codeAction.p95)}`, `${r.codeAction.actions} actions`],
    ['server RSS at end / peak', `${mb(r.atEnd.rssKb)} / ${mb(r.atEnd.hwmKb)}`, ''],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length)), w1 = Math.max(...rows.map((x) => x[1].length));
  console.log(`\nlanguage server ${opt.server} on ${root}`);
  for (const [a, b, c] of rows) console.log(`  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(join(WORK_DIR, 'lsp-last.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`\nwrote ${join(WORK_DIR, 'lsp-last.json')}`);
} catch (err) {
  console.error(`lsp-latency: ${err.message}`);
  if (stderrTail) console.error(`server stderr (tail):\n${stderrTail}`);
  if (logs.length) console.error(`server log (tail):\n${logs.slice(-10).join('\n')}`);
  process.exitCode = 1;
} finally {
  shuttingDown = true;
  try {
    await Promise.race([request('shutdown', null).catch(() => undefined), sleep(3000)]);
    notify('exit', null);
  } catch { /* server gone */ }
  await sleep(500);
  if (!exited) child.kill('SIGKILL');
  process.exit(process.exitCode ?? 0);
}
