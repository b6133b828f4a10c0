// Shared helpers for the benchmark scripts: file discovery, child-process measurement, machine info.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { cpus, totalmem, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = dirname(BENCH_DIR);
export const WORK_DIR = join(BENCH_DIR, '.work');

export const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
export const IGNORED_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'coverage', '.next', '.turbo', '.cache', '.nuxt', '.svelte-kit']);

// Every TS/JS source file under root, sorted, declaration files excluded: the list all legs lint.
export function listSourceFiles(root) {
  const out = [];
  const walk = (dir) => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name)) walk(join(dir, e.name));
      } else if (e.isFile() && SOURCE_EXT.test(e.name) && !/\.d\.[mc]?ts$/.test(e.name)) {
        out.push(join(dir, e.name));
      }
    }
  };
  walk(root);
  return out.sort();
}

export function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx];
}

const GNU_TIME = '/usr/bin/time';
let gnuTimeOk;
export function hasGnuTime() {
  if (gnuTimeOk === undefined) {
    gnuTimeOk = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;
  }
  return gnuTimeOk;
}

export function readProcStatus(pid) {
  try {
    const txt = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => { const m = new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(txt); return m ? Number(m[1]) : undefined; };
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch { return undefined; }
}

// Run one command as a child process; wall time measured here, peak RSS by GNU time (%M, max RSS of the
// child and its waited-for descendants) or, without it, by polling /proc/<pid>/status VmHWM. GNU time also gives
// the minor page faults (%R: pages touched for the first time), undefined without it.
// stdout goes to a file (or is dropped), stderr is kept (last 4 KB) for error messages.
export function measure(cmd, args, { cwd = REPO_ROOT, stdoutFile, env = process.env, okCodes = [0] } = {}) {
  return new Promise((resolvePromise) => {
    const useTime = hasGnuTime();
    const tmp = useTime ? mkdtempSync(join(tmpdir(), 'pglint-bench-')) : undefined;
    const timeOut = tmp && join(tmp, 'time.txt');
    const argv = useTime ? [GNU_TIME, '-f', '%M %R', '-o', timeOut, cmd, ...args] : [cmd, ...args];
    const outFd = stdoutFile ? openSync(stdoutFile, 'w') : 'ignore';
    let stderr = '';
    let peakKb = 0;
    let minorFaults;
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', outFd, 'pipe'] });
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4096); });
    let poll;
    if (!useTime) {
      poll = setInterval(() => {
        const s = readProcStatus(child.pid);
        if (s?.hwmKb) peakKb = Math.max(peakKb, s.hwmKb);
      }, 20);
    }
    child.on('error', (err) => { stderr += String(err); });
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (poll) clearInterval(poll);
      if (typeof outFd === 'number') closeSync(outFd);
      if (useTime) {
        try {
          const txt = readFileSync(timeOut, 'utf8').trim().split('\n');
          const [kb, faults] = txt[txt.length - 1].trim().split(/\s+/).map(Number);
          if (Number.isFinite(kb)) peakKb = kb;
          if (Number.isFinite(faults)) minorFaults = faults;
        } catch { /* no figure */ }
        rmSync(tmp, { recursive: true, force: true });
      }
      // GNU time reports "Command exited with non-zero status N" in its output file; the exit code passes through.
      resolvePromise({ ms, peakKb, minorFaults, code, signal, ok: okCodes.includes(code), stderr });
    });
  });
}

export function machineInfo() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch { /* keep os.cpus() */ }
  let nproc = cpus().length;
  try { nproc = Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()) || nproc; } catch { /* keep */ }
  return {
    nproc,
    cpuModel,
    memTotalGb: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}
