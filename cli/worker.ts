/**
 * Cold runs on every core: worker threads, each with its own Project, lint the source files that reach a
 * database module; the main thread builds the migrations' schema once (PGlite) and lints the rest (migration
 * files, files that reach no database: no parse). Results come back as plain data and the CLI merges them in its
 * own file order, so the output never depends on the split.
 *
 * Timeline: the workers are started first and load the engine while the main thread loads it too and finds which
 * files reach a database; the main thread then posts each worker its job (all worker files, in order, and one
 * contiguous range of them per worker: a folder's files and the modules they import mostly stay in one thread);
 * while the main thread builds the schema, each worker lints the files it takes with every rule that does not
 * read the schema (`Project.lintFileEarly`); the main thread posts the schema ('go'); the workers finish those
 * files with the schema rules and lint the rest, and the main thread joins them. A thread takes small chunks from the front of its own range, and once it is empty
 * takes the back half of the largest range left (work stealing through a SharedArrayBuffer: no message round
 * trip, no idle core while another still has files).
 *
 * Cross-file summaries are lazy and recomputed in each thread that needs them (deterministic: the same findings
 * whichever thread lints a file).
 *
 * This file is both the pool (main thread, light) and the worker entry (dist/worker.js).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { ResolvedConfig } from '../rules/src/config-types';
import type { EarlyLint, PreparedState } from '../rules/src/engine/project';
import type { Finding } from '../rules/src/engine/types';
import { loadEngine } from './engine-loader';

export interface WorkerJob {
  root: string;
  config: ResolvedConfig;
  reportUnusedDisables: boolean;
  /** Every file the workers lint (absolute), in order; all reach a database module. */
  files: string[];
  /** [lock, then start and end (exclusive) of each worker's range of `files`]: shared by all workers. */
  ranges: SharedArrayBuffer;
  /** This worker's range in `ranges`. */
  index: number;
}

export interface WorkerFileResult {
  file: string;
  findings: Finding[];
  skipped?: string;
  errors?: string[];
  /** See FileResult.readsCode. */
  readsCode?: boolean;
  /** The engine threw on this file (reported as an internal error, like the single-thread loop). */
  crash?: string;
  /**
   * The text the findings' offsets refer to, when there are findings: the report turns offsets into lines with it,
   * so a file changed or deleted after the worker read it is still reported where the finding was.
   */
  text?: string;
}

type ToWorker = { type: 'job'; job: WorkerJob } | { type: 'go'; prepared: PreparedState | undefined };
export type FromWorker = { type: 'results'; results: WorkerFileResult[]; parsed: number } | { type: 'fatal'; message: string };

/** The part of a Project the lint loops use (the engine's type stays out of this light bundle). */
interface Linting {
  lintFile(file: string, options: { reportUnusedDisables?: boolean; early?: EarlyLint }): { findings: Finding[]; skipped?: string; errors?: string[]; readsCode?: boolean };
}

/** Lints one file as plain data; an engine exception becomes `crash` (reported as an internal error). */
export function lintToResult(project: Linting, file: string, options: { reportUnusedDisables?: boolean; early?: EarlyLint }): WorkerFileResult & { stack?: string } {
  try {
    const r = project.lintFile(file, options);
    return { file, findings: r.findings, skipped: r.skipped, errors: r.errors, ...(r.readsCode ? { readsCode: true } : {}) };
  } catch (error) {
    return { file, findings: [], crash: (error as Error)?.message ?? String(error), stack: (error as Error)?.stack };
  }
}

/** Files a worker takes from a range at a time. */
const CHUNK = 8;

/** The worker bundle next to the CLI bundle (dist/worker.js); undefined when running from the sources. */
export function workerFile(): string | undefined {
  const f = path.join(__dirname, 'worker.js');
  return fs.existsSync(f) ? f : undefined;
}

/**
 * Splits items (already in a stable order) into `n` contiguous ranges of about equal weight: [start, end) index
 * pairs, always `n` of them (empty ones when there are fewer items). Contiguity keeps folders together.
 */
export function partition<T>(items: readonly T[], n: number, weight: (item: T) => number): [number, number][] {
  const total = items.reduce((s, it) => s + weight(it), 0);
  const out: [number, number][] = [];
  let start = 0;
  let acc = 0;
  for (let i = 0; i < items.length; i++) {
    acc += weight(items[i]!);
    if (out.length < n - 1 && acc >= (total * (out.length + 1)) / n) {
      out.push([start, i + 1]);
      start = i + 1;
    }
  }
  out.push([start, items.length]);
  // Always n ranges (some may be empty): worker i owns range i.
  while (out.length < n) out.push([items.length, items.length]);
  return out;
}

/** The shared ranges: Int32Array [lock, start0, end0, start1, end1, …]. */
export function sharedRanges(ranges: readonly [number, number][]): SharedArrayBuffer {
  const buf = new SharedArrayBuffer(4 * (1 + 2 * ranges.length));
  const a = new Int32Array(buf);
  ranges.forEach(([s, e], i) => {
    a[1 + 2 * i] = s;
    a[2 + 2 * i] = e;
  });
  return buf;
}

/**
 * The next files for worker `index`: a chunk from the front of its own range; when that is empty, the back half
 * of the largest range left becomes its own. Undefined when every range is empty. Safe across threads.
 */
export function claim(buf: SharedArrayBuffer, index: number, chunk = CHUNK): [number, number] | undefined {
  const a = new Int32Array(buf);
  if (index < 0 || 2 + 2 * index >= a.length) return undefined;
  while (Atomics.compareExchange(a, 0, 0, 1) !== 0) {
    /* another thread holds the lock for a few instructions */
  }
  try {
    const own = 1 + 2 * index;
    if (a[own]! >= a[own + 1]!) {
      let best = -1;
      let most = 0;
      for (let r = 1; r < a.length; r += 2) {
        const left = a[r + 1]! - a[r]!;
        if (left > most) {
          most = left;
          best = r;
        }
      }
      if (best < 0) return undefined;
      const mid = a[best]! + Math.floor(most / 2);
      a[own] = mid;
      a[own + 1] = a[best + 1]!;
      a[best + 1] = mid;
    }
    const start = a[own]!;
    const end = Math.min(start + chunk, a[own + 1]!);
    a[own] = end;
    return [start, end];
  } finally {
    Atomics.store(a, 0, 0);
  }
}

export class WorkerPool {
  private readonly workers: { worker: Worker; done: Promise<WorkerFileResult[] | undefined> }[] = [];

  /** Starts `count` workers now: they load the engine while the caller prepares their jobs. */
  constructor(file: string, count: number) {
    // Loaded here, not at the top: a run whose output is replayed never starts a thread (the module costs ~2 ms).
    const threads = require('node:worker_threads') as typeof import('node:worker_threads');
    for (let i = 0; i < count; i++) {
      const worker = new threads.Worker(file, { workerData: { pglintWorker: true } });
      const done = new Promise<WorkerFileResult[] | undefined>((resolve) => {
        let settled = false;
        const finish = (v: WorkerFileResult[] | undefined): void => {
          if (settled) return;
          settled = true;
          resolve(v);
        };
        worker.on('message', (m: FromWorker) => {
          if (m.type === 'results') this.parsed.push(m.parsed);
          finish(m.type === 'results' ? m.results : undefined);
        });
        worker.on('error', () => finish(undefined));
        worker.on('exit', () => finish(undefined));
      });
      this.workers.push({ worker, done });
    }
  }

  /** Files each worker parsed (in the order they finished). */
  readonly parsed: number[] = [];

  get size(): number {
    return this.workers.length;
  }

  /** Gives worker i its job (files, shared ranges): it starts parsing its range ahead. */
  assign(jobs: readonly WorkerJob[]): void {
    jobs.forEach((job, i) => this.workers[i]?.worker.postMessage({ type: 'job', job } satisfies ToWorker));
  }

  /**
   * Lets the workers lint with the prepared migrations. Resolves to every result the workers returned; files
   * without a result (a failed worker) are the caller's to lint.
   */
  async run(prepared: PreparedState | undefined): Promise<WorkerFileResult[]> {
    for (const w of this.workers) w.worker.postMessage({ type: 'go', prepared } satisfies ToWorker);
    const out: WorkerFileResult[] = [];
    for (const w of this.workers) out.push(...((await w.done) ?? []));
    await this.terminate();
    return out;
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate().catch(() => undefined)));
  }
}

// ── worker side ────────────────────────────────────────────────────────────────

/** The worker thread's loop (dist/worker.js starts it: cli/worker-main.ts). */
export async function workerMain(port: MessagePort): Promise<void> {
  const inbox: ToWorker[] = [];
  let wake: (() => void) | undefined;
  port.on('message', (m: ToWorker) => {
    inbox.push(m);
    wake?.();
  });
  const next = async <K extends ToWorker['type']>(type: K): Promise<Extract<ToWorker, { type: K }>> => {
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return inbox.splice(i, 1)[0] as Extract<ToWorker, { type: K }>;
      await new Promise<void>((r) => (wake = r));
    }
  };
  const { Project, initSqlParser } = await loadEngine();
  await initSqlParser();
  const { job } = await next('job');
  const project = new Project({ root: job.root, config: job.config });
  project.assumeReachesDatabase(job.files);
  // While the main thread builds the schema, claim files as usual and lint them with the rules that do not read
  // it (the parse included); their lint is finished once the schema is there.
  const early = new Map<number, EarlyLint | undefined>();
  let go = false;
  while (!go) {
    const range = claim(job.ranges, job.index);
    if (!range) break;
    for (let i = range[0]; i < range[1]; i++) {
      try {
        early.set(i, project.lintFileEarly(job.files[i]!));
      } catch {
        early.set(i, undefined); // lintFile below reports it
      }
    }
    // Let the 'go' message in between chunks.
    await new Promise((r) => setImmediate(r));
    go = inbox.some((m) => m.type === 'go');
  }
  const { prepared } = await next('go');
  if (prepared) await project.adoptPrepared(prepared);
  const results: WorkerFileResult[] = [];
  const lint = (i: number): void => {
    const { stack: _stack, ...result } = lintToResult(project, job.files[i]!, { reportUnusedDisables: job.reportUnusedDisables, early: early.get(i) });
    if (result.findings.length) result.text = project.textOf(result.file);
    results.push(result);
  };
  // Models are kept between the two halves of an early lint (the second reads the same tree), then released after
  // each file as in one thread (cli/run.ts lintAllHere).
  for (const i of early.keys()) {
    lint(i);
    project.releaseAll();
  }
  early.clear();
  for (let range = claim(job.ranges, job.index); range; range = claim(job.ranges, job.index)) {
    for (let i = range[0]; i < range[1]; i++) {
      lint(i);
      project.releaseAll();
    }
  }
  port.postMessage({ type: 'results', results, parsed: project.parsed } satisfies FromWorker);
}

