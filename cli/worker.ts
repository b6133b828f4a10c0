/**
 * Cold runs on every core: worker threads, each with its own Project over a contiguous slice of the files
 * (sorted paths, so a folder's files and the modules they import mostly stay in one worker; cross-file summaries
 * are lazy and recomputed where needed). The main thread builds the migrations' schema once (PGlite) and hands
 * it over through the cache folder; meanwhile each worker loads the engine and parses its files. Results come
 * back as plain data and the CLI merges them in its own file order, so the output never depends on the split.
 *
 * This file is both the pool (main thread, light) and the worker entry (dist/worker.js).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ResolvedConfig } from '../rules/src/config-types';
import type { Finding } from '../rules/src/engine/types';
import { loadEngine } from './engine-loader';

export interface WorkerJob {
  root: string;
  config: ResolvedConfig;
  reportUnusedDisables: boolean;
  /** Files to lint (absolute), in order. */
  files: string[];
  /** Files to parse ahead, while the main thread builds the schema. */
  preparse: string[];
}

export interface WorkerFileResult {
  file: string;
  findings: Finding[];
  skipped?: string;
  errors?: string[];
  /** The engine threw on this file (reported as an internal error, like the single-thread loop). */
  crash?: string;
}

type ToWorker = { type: 'go'; cacheDir: string | false };
type FromWorker = { type: 'results'; results: WorkerFileResult[] } | { type: 'fatal'; message: string };

/** The worker bundle next to the CLI bundle (dist/worker.js); undefined when running from the sources. */
export function workerFile(): string | undefined {
  const f = path.join(__dirname, 'worker.js');
  return fs.existsSync(f) ? f : undefined;
}

/**
 * Splits files (already in a stable order) into `n` contiguous slices of about equal weight.
 * Contiguity keeps folders (and usually their imports) together.
 */
export function partition<T>(items: readonly T[], n: number, weight: (item: T) => number): T[][] {
  const total = items.reduce((s, it) => s + weight(it), 0);
  const out: T[][] = [];
  let current: T[] = [];
  let acc = 0;
  for (const it of items) {
    current.push(it);
    acc += weight(it);
    if (out.length < n - 1 && acc >= (total * (out.length + 1)) / n) {
      out.push(current);
      current = [];
    }
  }
  out.push(current);
  return out.filter((slice) => slice.length > 0);
}

export class WorkerPool {
  private readonly workers: { worker: Worker; job: WorkerJob; done: Promise<WorkerFileResult[] | undefined> }[] = [];

  constructor(file: string, jobs: readonly WorkerJob[]) {
    for (const job of jobs) {
      const worker = new Worker(file, { workerData: { pglintWorker: true, job } });
      const done = new Promise<WorkerFileResult[] | undefined>((resolve) => {
        let settled = false;
        const finish = (v: WorkerFileResult[] | undefined): void => {
          if (settled) return;
          settled = true;
          resolve(v);
        };
        worker.on('message', (m: FromWorker) => {
          if (m.type === 'results') finish(m.results);
          else finish(undefined);
        });
        worker.on('error', () => finish(undefined));
        worker.on('exit', () => finish(undefined));
      });
      this.workers.push({ worker, job, done });
    }
  }

  /**
   * Lets the workers lint (once the schema is in `cacheDir`). Resolves to each job's results, or undefined for
   * a job whose worker failed (the caller lints those files itself).
   */
  async run(cacheDir: string | false): Promise<{ job: WorkerJob; results: WorkerFileResult[] | undefined }[]> {
    for (const w of this.workers) w.worker.postMessage({ type: 'go', cacheDir } satisfies ToWorker);
    const out = [];
    for (const w of this.workers) out.push({ job: w.job, results: await w.done });
    await this.terminate();
    return out;
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate().catch(() => undefined)));
  }
}

// ── worker side ────────────────────────────────────────────────────────────────

async function workerMain(job: WorkerJob): Promise<void> {
  const port = parentPort!;
  const go = new Promise<ToWorker>((resolve) => port.once('message', resolve));
  const { Project, initSqlParser } = await loadEngine();
  await initSqlParser();
  const project = new Project({ root: job.root, config: job.config });
  // Parse ahead while the main thread builds the schema (the parse does not depend on it).
  let waiting = true;
  void go.then(() => (waiting = false));
  let n = 0;
  for (const f of job.preparse) {
    if (!waiting) break;
    try {
      project.model(f);
    } catch {
      /* lintFile reports it */
    }
    // Let the 'go' message in between files.
    if (++n % 16 === 0) await new Promise((r) => setImmediate(r));
  }
  const { cacheDir } = await go;
  await project.prepare({ cacheDir });
  const results: WorkerFileResult[] = [];
  for (const file of job.files) {
    try {
      const r = project.lintFile(file, { reportUnusedDisables: job.reportUnusedDisables });
      results.push({ file, findings: r.findings, skipped: r.skipped, errors: r.errors });
    } catch (error) {
      results.push({ file, findings: [], crash: (error as Error)?.message ?? String(error) });
    }
  }
  port.postMessage({ type: 'results', results } satisfies FromWorker);
}

if (!isMainThread && (workerData as { pglintWorker?: boolean } | null)?.pglintWorker) {
  workerMain((workerData as { job: WorkerJob }).job).catch((error: unknown) => {
    parentPort!.postMessage({ type: 'fatal', message: (error as Error)?.message ?? String(error) } satisfies FromWorker);
  });
}
