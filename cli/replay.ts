/**
 * Replay of a whole run: when nothing the last run read has changed, its output is printed again without
 * discovering, hashing, loading cached findings or formatting (the result cache's fast path for the common
 * "nothing changed" case: a pre-commit hook, a CI job whose cache was restored).
 *
 * A record holds the run's key (pglint build, arguments, working folder, resolved configuration, colour), the
 * stamp of every path the run's output depends on (the files linted and those they import, every file the engine
 * read, every folder the discovery listed or took a .gitignore from, the migrations and their folders) and what
 * the run printed. It is replayed only if every stamp is unchanged: a file edited, added or removed changes its
 * own stamp or its folder's. Racy stamps are refused, as git refuses them: if any path changed after the run
 * started, or less than RACY_MS before (within the file system's timestamp granularity of the reads), no record
 * is written, and the next run does the work again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sha } from './cache';

export const REPLAY_FORMAT = 3;
/** Stamps this close to the start of the run (or later) are not trusted. */
export const RACY_MS = 1000;

interface ReplayRecord {
  format: number;
  key: string;
  /**
   * The stamp of every path the output depends on, grouped by folder: [folder, then per path its name, size,
   * mtimeMs, ctimeMs and inode (size null and zeros when it was missing)]. Numbers, compared as numbers: a replay
   * builds no string per path. A folder inside the project is written relative to it ('' for the project's own
   * folder), any other absolute: the record is read on every replay, and full paths would make most of it.
   */
  stamps: (string | number | null)[][];
  /** Size in bytes of the standard output, stored beside the record (`.out`: read as bytes, never decoded). */
  stdoutBytes: number;
  stderr: string;
  code: number;
}

/**
 * Size, modification and change times (ms, with their fractions) and inode of a path; undefined when it cannot
 * be read. The change time cannot be set back (utimes sets it too), so an edit that restores the modification
 * time is still seen. Plain numbers, not BigInt: a replay stamps thousands of paths, and BigInt stats cost a
 * quarter of that in allocation and garbage collection.
 */
export function fileStamp(file: string): string | undefined {
  const st = statOf(file);
  return st && stampOf(st);
}

/** A path's stats, or undefined when it cannot be read (missing, or under a file). */
function statOf(file: string): fs.Stats | undefined {
  try {
    // No exception for a missing path (most folders have no .gitignore): an Error with its stack costs more
    // than the stat.
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Entries per path in a record's folder group: name, size, mtimeMs, ctimeMs, inode. */
const ENTRY = 5;

function stampOf(st: fs.Stats): string {
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
}

export function replayKey(parts: {
  version: string; buildId: string; argv: readonly string[]; cwd: string; root: string; config: unknown; color: boolean;
}): string {
  return sha([parts.version, parts.buildId, JSON.stringify(parts.argv), parts.cwd, parts.root, JSON.stringify(parts.config), String(parts.color)]);
}

function recordFile(cacheDir: string, key: string): string {
  return path.join(cacheDir, `replay-${key.slice(0, 16)}.json`);
}

/** The stored output of the run with this key (whose project folder is `root`), if every path it depends on is unchanged. */
export function tryReplay(cacheDir: string, key: string, root: string): { stdout: Buffer; stderr: string; code: number } | undefined {
  let rec: ReplayRecord;
  let stdout: Buffer;
  try {
    const file = recordFile(cacheDir, key);
    rec = JSON.parse(fs.readFileSync(file, 'utf8')) as ReplayRecord;
    if (!rec || rec.format !== REPLAY_FORMAT || rec.key !== key || !Array.isArray(rec.stamps)) return undefined;
    if (typeof rec.stdoutBytes !== 'number' || typeof rec.stderr !== 'string' || typeof rec.code !== 'number') return undefined;
    for (const group of rec.stamps) {
      if (!Array.isArray(group) || typeof group[0] !== 'string') return undefined;
      const dir = folderPath(root, group[0]);
      for (let i = 1; i < group.length; i += ENTRY) {
        if (typeof group[i] !== 'string') return undefined;
        const st = statOf(dir + path.sep + group[i]);
        const same = st
          ? st.size === group[i + 1] && st.mtimeMs === group[i + 2] && st.ctimeMs === group[i + 3] && st.ino === group[i + 4]
          : group[i + 1] === null;
        if (!same) return undefined;
      }
    }
    // Bytes (off the JS heap), checked against the record: a record and output from two runs never mix.
    stdout = fs.readFileSync(outputFile(file));
  } catch {
    return undefined;
  }
  return stdout.length === rec.stdoutBytes ? { stdout, stderr: rec.stderr, code: rec.code } : undefined;
}

/** A record's folder: relative to the project folder unless absolute. */
function folderPath(root: string, written: string): string {
  return path.isAbsolute(written) ? written : path.join(root, written);
}

/** How a record writes a folder: relative to the project folder when inside it. */
function writtenFolder(root: string, dir: string): string {
  const rel = path.relative(root, dir);
  return rel === '' ? '' : rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel;
}

function outputFile(record: string): string {
  return record.replace(/\.json$/, '.out');
}

/** Forgets the record of this key (a run that cannot be replayed must not leave an older one behind). */
export function dropReplay(cacheDir: string, key: string): void {
  try {
    fs.rmSync(recordFile(cacheDir, key), { force: true });
    fs.rmSync(outputFile(recordFile(cacheDir, key)), { force: true });
  } catch {
    /* best effort */
  }
}

/**
 * Writes the record for `paths` (stamped now). Returns false, writing nothing (and forgetting an older record),
 * when a path changed after RACY_MS before `startedAt` (ms, when the run started): the run may have read it
 * before that change, or within the same timestamp tick.
 */
export function saveReplay(
  cacheDir: string, key: string, root: string, paths: Iterable<string>, output: { stdout: string; stderr: string; code: number }, startedAt: number,
): boolean {
  const limitMs = startedAt - RACY_MS;
  const stats = new Map<string, fs.Stats | undefined>();
  /** Stats `p` once; false when it changed too recently to be trusted (the record is then dropped). */
  const take = (p: string): boolean => {
    if (stats.has(p)) return true;
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(p, { throwIfNoEntry: false });
    } catch {
      st = undefined; // e.g. ENOTDIR: a candidate import path under a file
    }
    if (st && (st.mtimeMs >= limitMs || st.ctimeMs >= limitMs)) return false;
    stats.set(p, st);
    return true;
  };
  for (const p of paths) {
    if (!take(p)) {
      dropReplay(cacheDir, key);
      return false;
    }
  }
  // A missing path need not be stamped itself when its nearest existing ancestor folder is: creating the path adds
  // an entry to that folder (or replaces a file in it by a folder), which changes its stamp. Import candidates
  // (x.ts, x.tsx, … x/index.ts) and absent .gitignore files are most of the paths a run reads, and each missing
  // one is a failed stat (an exception, for a path under a file) on every replay; one ancestor's stamp replaces
  // them.
  const covered = new Map<string, boolean>();
  const coverers = new Set<string>();
  const isCovered = (p: string): boolean | undefined => {
    const known = covered.get(p);
    if (known !== undefined) return known;
    const dir = path.dirname(p);
    if (dir === p || !take(dir)) return dir === p ? false : undefined;
    // A folder covers what is missing in it. A file does not: a path under it (`./styles.scss/index.ts`, tried by
    // import resolution) appears only if the file is replaced by a folder, which its own folder's stamp shows,
    // while the file's content does not matter.
    const st = stats.get(dir);
    const answer = st?.isDirectory() ? true : isCovered(dir);
    if (answer === undefined) return undefined;
    if (st?.isDirectory()) coverers.add(dir);
    covered.set(p, answer);
    return answer;
  };
  const byFolder = new Map<string, (string | number | null)[]>();
  const stamp = (p: string, st: fs.Stats | undefined): void => {
    const dir = path.dirname(p);
    let group = byFolder.get(dir);
    if (!group) byFolder.set(dir, (group = [writtenFolder(root, dir)]));
    group.push(path.basename(p), ...(st ? [st.size, st.mtimeMs, st.ctimeMs, st.ino] : [null, 0, 0, 0]));
  };
  const listed = new Set<string>();
  for (const [p, st] of [...stats]) {
    if (!st) {
      const c = isCovered(p);
      if (c === undefined) {
        dropReplay(cacheDir, key);
        return false;
      }
      if (c) continue;
    }
    stamp(p, st);
    listed.add(p);
  }
  // Folders stamped to cover missing paths.
  for (const p of coverers) if (!listed.has(p)) stamp(p, stats.get(p));
  const stamps = [...byFolder.values()];
  const stdout = Buffer.from(output.stdout, 'utf8');
  const rec: ReplayRecord = { format: REPLAY_FORMAT, key, stamps, stdoutBytes: stdout.length, stderr: output.stderr, code: output.code };
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const file = recordFile(cacheDir, key);
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    // The output first, then the record that vouches for it (its size).
    fs.writeFileSync(tmp, stdout);
    fs.renameSync(tmp, outputFile(file));
    fs.writeFileSync(tmp, JSON.stringify(rec));
    fs.renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}
