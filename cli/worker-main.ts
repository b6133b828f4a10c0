/** Entry of dist/worker.js: a CLI worker thread (the protocol and the loop are in cli/worker.ts). */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { workerMain, type FromWorker } from './worker';

if (!isMainThread && (workerData as { pglintWorker?: boolean } | null)?.pglintWorker) {
  workerMain(parentPort!).catch((error: unknown) => {
    parentPort!.postMessage({ type: 'fatal', message: (error as Error)?.message ?? String(error) } satisfies FromWorker);
  });
}
