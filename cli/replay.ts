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
import { childPath } from '../rules/src/engine/read';
import { fnv1a64 } from '../rules/src/engine/hash';
import { nodeBinding } from './binding';

export const REPLAY_FORMAT = 4;
/** Stamps this close to the start of the run (or later) are not trusted. */
export const RACY_MS = 1000;

/**
 * A record is one file, written whole and renamed into place (a record and an output of two runs never mix):
 *   u32 LE   length of the header in bytes
 *   header   JSON (ReplayHeader, UTF-8)
 *   stamps   4 float64 LE per path, in the order of the header's names: size (-1: missing), mtimeMs, ctimeMs, inode
 *   stdout   the bytes the run printed, to the end of the file
 * Binary stamps, not JSON: a replay parses no number and keeps no array of them on the heap (on a 7,500-path record
 * the first young-generation collections copied the parsed JSON: ≈ 10 ms of a 200 ms run).
 */
interface ReplayHeader {
  format: number;
  key: string;
  /**
   * Per folder: the folder, then the names of the stamped paths in it, joined by '/' (no file name holds one). A
   * folder inside the project is written relative to it ('' for the project's own folder), any other absolute: the
   * record is read on every replay, and full paths would make most of it.
   */
  folders: [folder: string, names: string][];
  stamps: number;
  stdoutBytes: number;
  stderr: string;
  code: number;
}

/** Numbers per stamped path: size, mtimeMs, ctimeMs, inode. */
const STAMP_NUMBERS = 4;
const STAMP_BYTES = STAMP_NUMBERS * 8;
const MISSING = -1;

/**
 * A path's stamp for the result cache's metadata strategy: size, modification and change times (ms, with their
 * fractions) and inode. The change time cannot be set back (utimes sets it too), so an edit that restores the
 * modification time is still seen. Plain numbers, not BigInt: a replay stamps thousands of paths, and BigInt stats
 * cost a quarter of that in allocation and garbage collection.
 */
export function stampOf(st: fs.Stats): string {
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
}

/** A path's stats, or undefined when it cannot be read (missing, or under a file). */
export function statOf(file: string): fs.Stats | undefined {
  try {
    // No exception for a missing path (most folders have no .gitignore): an Error with its stack costs more
    // than the stat.
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * A path's stamp numbers (size, mtimeMs, ctimeMs, inode), or undefined when it cannot be read. The array may be
 * reused by the next call.
 */
export type StampNow = (file: string) => ArrayLike<number> | undefined;

/** Node's stat binding (`binding.stat(path, bigint, request, throwIfNoEntry)`): a Float64Array of raw fields. */
type StatBinding = { stat(file: string, bigint: false, request: undefined, throwIfNoEntry: false): Float64Array | undefined };

/**
 * How a replay stamps paths. `fs.statSync` builds a Stats object (fourteen numbers, its dates) for each of the
 * thousands of paths a replay stamps: in a fresh process that is as much time as the system calls (logto's 7,194
 * paths: 62 ms through `fs.statSync`, 39 ms through the binding below, 23 ms in C). So the replay reads Node's own
 * stat binding, which returns the raw fields, and turns them into a stamp as Node turns them into Stats (time in ms
 * = seconds × 1000 + nanoseconds / 10⁶). It is an internal interface: it is used only after it gave the very stamp
 * `fs.statSync` gives for `probe` (an existing file), and never where it could print a deprecation warning; anything
 * else falls back to `fs.statSync`. A wrong reader could only refuse a replay: the stamps are compared for equality.
 */
export function stampReader(probe: string): { read: StampNow; internal: boolean } {
  const slow: StampNow = (file) => {
    const st = statOf(file);
    return st && [st.size, st.mtimeMs, st.ctimeMs, st.ino];
  };
  const binding = internalStatBinding();
  if (!binding) return { read: slow, internal: false };
  const out = new Float64Array(STAMP_NUMBERS);
  const fast: StampNow = (file) => {
    let raw: Float64Array | undefined;
    try {
      raw = binding.stat(file, false, undefined, false);
    } catch {
      return undefined; // ENOTDIR and the like: unreadable, as `statOf` says
    }
    if (!raw) return undefined;
    // Layout (Node's kFsStatsFieldsNumber order): dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks,
    // then seconds and nanoseconds of atime, mtime, ctime, birthtime.
    out[0] = raw[8]!;
    out[1] = raw[12]! * 1000 + raw[13]! / 1e6;
    out[2] = raw[14]! * 1000 + raw[15]! / 1e6;
    out[3] = raw[7]!;
    return out;
  };
  const expected = slow(probe);
  const got = fast(probe);
  const agree = !!expected && !!got && expected.length === STAMP_NUMBERS && [0, 1, 2, 3].every((i) => expected[i] === got[i]);
  return agree ? { read: fast, internal: true } : { read: slow, internal: false };
}

function internalStatBinding(): StatBinding | undefined {
  const binding = nodeBinding<StatBinding>('fs');
  return typeof binding?.stat === 'function' ? (binding as StatBinding) : undefined;
}

/**
 * What identifies a run: the whole text, kept in its record and compared exactly (a record's file name is a short
 * hash of it, `recordFile`). Not a cryptographic digest: a replay would load node:crypto for it alone.
 */
export function replayKey(parts: {
  version: string; buildId: string; argv: readonly string[]; cwd: string; root: string; config: unknown; color: boolean;
}): string {
  return JSON.stringify([parts.version, parts.buildId, parts.argv, parts.cwd, parts.root, parts.config, parts.color]);
}

function recordFile(cacheDir: string, key: string): string {
  return path.join(cacheDir, `replay-${fnv1a64(key)}.bin`);
}


/**
 * The stored output of the run with this key (whose project folder is `root`), if every path it depends on is
 * unchanged. (Its stats are not kept for the run that follows a refused replay: keeping thousands of Stats alive
 * made every replay ≈ 20 % slower here, in promoted memory, to spare a refused one its second stats.)
 */
export function tryReplay(cacheDir: string, key: string, root: string): { stdout: Buffer; stderr: string; code: number } | undefined {
  try {
    const recordPath = recordFile(cacheDir, key);
    const buf = fs.readFileSync(recordPath);
    const headerEnd = 4 + buf.readUInt32LE(0);
    const rec = JSON.parse(buf.toString('utf8', 4, headerEnd)) as ReplayHeader;
    if (!rec || rec.format !== REPLAY_FORMAT || rec.key !== key || !Array.isArray(rec.folders)) return undefined;
    if (typeof rec.stamps !== 'number' || typeof rec.stdoutBytes !== 'number' || typeof rec.stderr !== 'string' || typeof rec.code !== 'number') return undefined;
    const outputStart = headerEnd + rec.stamps * STAMP_BYTES;
    if (buf.length !== outputStart + rec.stdoutBytes) return undefined;
    const stamps = storedStamps(buf, headerEnd, rec.stamps);
    let at = 0;
    const stampNow = stampReader(recordPath).read;
    for (const [folder, names] of rec.folders) {
      const dir = folderPath(root, folder) + path.sep;
      // Names walked in place: no array of them is built.
      for (let from = 0; from <= names.length;) {
        let to = names.indexOf('/', from);
        if (to < 0) to = names.length;
        if (at >= stamps.length) return undefined;
        const now = stampNow(dir + names.slice(from, to));
        const size = stamps[at]!;
        const same = now
          ? now[0] === size && now[1] === stamps[at + 1] && now[2] === stamps[at + 2] && now[3] === stamps[at + 3]
          : size === MISSING;
        if (!same) return undefined;
        at += STAMP_NUMBERS;
        from = to + 1;
      }
    }
    if (at !== stamps.length) return undefined;
    return { stdout: buf.subarray(outputStart), stderr: rec.stderr, code: rec.code };
  } catch {
    return undefined;
  }
}

/**
 * A record's stamps as numbers: one copy into a Float64Array (the bytes are little-endian, as Float64Array is on
 * every platform Node ships for but a few big-endian ones, which read them one by one). Reading them one at a time
 * with `readDoubleLE` cost ≈ 5 ms of a 75 ms replay of 2,800 paths in a fresh process.
 */
function storedStamps(buf: Buffer, start: number, count: number): Float64Array {
  const n = count * STAMP_NUMBERS;
  const out = new Float64Array(n);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(buf.subarray(start, start + n * 8));
  else for (let i = 0; i < n; i++) out[i] = buf.readDoubleLE(start + i * 8);
  return out;
}
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A record's folder: relative to the project folder unless absolute. Joined by concatenation: `writtenFolder`
 * wrote it normalised (`path.relative`), and `path.join` normalises again at ≈ 14 µs a call in a fresh process
 * (20 ms of a 1,441-folder record, as much as a third of its stats).
 */
function folderPath(root: string, written: string): string {
  if (written === '') return root;
  return path.isAbsolute(written) ? written : childPath(root, written);
}

/** How a record writes a folder: relative to the project folder when inside it. */
function writtenFolder(root: string, dir: string): string {
  const rel = path.relative(root, dir);
  return rel === '' ? '' : rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel;
}

/** Forgets the record of this key (a run that cannot be replayed must not leave an older one behind). */
export function dropReplay(cacheDir: string, key: string): void {
  try {
    fs.rmSync(recordFile(cacheDir, key), { force: true });
  } catch {
    /* best effort */
  }
}

/**
 * Writes the record for `paths`. Returns false, writing nothing (and forgetting an older record), when a path
 * changed after RACY_MS before `startedAt` (ms, when the run started): the run may have read it before that change,
 * or within the same timestamp tick. `statted`: stats the run took of some paths before reading them (the result
 * cache's metadata check), used as they are: a stamp taken before the read can only make a later replay refuse.
 */
export function saveReplay(
  cacheDir: string, key: string, root: string, paths: Iterable<string>, output: { stdout: string; stderr: string; code: number }, startedAt: number,
  statted?: ReadonlyMap<string, fs.Stats | undefined>,
): boolean {
  const limitMs = startedAt - RACY_MS;
  const stats = new Map<string, fs.Stats | undefined>();
  /** Stats `p` once; false when it changed too recently to be trusted (the record is then dropped). */
  const take = (p: string): boolean => {
    if (stats.has(p)) return true;
    const st = statted?.has(p) ? statted.get(p) : statOf(p); // undefined: missing, or e.g. a candidate under a file
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
  const byFolder = new Map<string, { names: string[]; stats: (fs.Stats | undefined)[] }>();
  const stamp = (p: string, st: fs.Stats | undefined): void => {
    const dir = path.dirname(p);
    let group = byFolder.get(dir);
    if (!group) byFolder.set(dir, (group = { names: [], stats: [] }));
    group.names.push(path.basename(p));
    group.stats.push(st);
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
  const groups = [...byFolder];
  const count = groups.reduce((n, [, g]) => n + g.names.length, 0);
  const stdout = Buffer.from(output.stdout, 'utf8');
  const header: ReplayHeader = {
    format: REPLAY_FORMAT, key, folders: groups.map(([dir, g]) => [writtenFolder(root, dir), g.names.join('/')]), stamps: count,
    stdoutBytes: stdout.length, stderr: output.stderr, code: output.code,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const numbers = Buffer.alloc(count * STAMP_BYTES);
  let at = 0;
  for (const [, g] of groups) {
    for (const st of g.stats) {
      numbers.writeDoubleLE(st ? st.size : MISSING, at);
      numbers.writeDoubleLE(st ? st.mtimeMs : 0, at + 8);
      numbers.writeDoubleLE(st ? st.ctimeMs : 0, at + 16);
      numbers.writeDoubleLE(st ? st.ino : 0, at + 24);
      at += STAMP_BYTES;
    }
  }
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length, 0);
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const file = recordFile(cacheDir, key);
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([length, headerBytes, numbers, stdout]));
    fs.renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}
