import { pool, sleep } from './db.js';
import { claimNext, complete, fail, type Job } from './queue.js';
import { sendDigest } from './digest.js';
import { syncContacts } from './sync-crm.js';

let running = true;
process.on('SIGTERM', () => {
  running = false;
});

async function handle(job: Job): Promise<void> {
  switch (job.kind) {
    case 'digest':
      await sendDigest(Number(job.payload.userId));
      break;
    case 'crm-sync':
      await syncContacts(String(job.payload.since));
      break;
    case 'recount': {
      const ids = job.payload.productIds as number[];
      for (const id of ids) {
        await pool.query('UPDATE products SET review_count = (SELECT count(*) FROM reviews WHERE product_id = $1) WHERE id = $1', [id]); // expect: no-query-in-loop
      }
      break;
    }
    case 'recount-batched': {
      const ids = job.payload.productIds as number[];
      await pool.query(
        'UPDATE products p SET review_count = r.n FROM (SELECT product_id, count(*) AS n FROM reviews WHERE product_id = ANY($1) GROUP BY 1) r WHERE r.product_id = p.id',
        [ids],
      );
      break;
    }
    default:
      throw new Error(`unknown job kind ${job.kind}`);
  }
}

/** The polling loop: one job per turn, each turn depends on the queue's state. */
export async function runWorker(): Promise<void> {
  while (running) {
    const job = await claimNext(); // ok: no-query-in-loop -- worker loop claims one job per turn
    if (!job) {
      await sleep(1_000); // ok: no-query-in-loop -- not a database call
      continue;
    }
    try {
      await handle(job); // ok: no-query-in-loop -- one job per turn of the worker loop
      await complete(job.id); // ok: no-query-in-loop -- one job per turn of the worker loop
    } catch (err) {
      const backoff = Math.min(2 ** job.attempts, 3_600);
      await fail(job.id, String(err), backoff); // ok: no-query-in-loop -- one job per turn of the worker loop
    }
  }
}

/** Drains what is ready now, then exits (used by the cron variant). */
export async function drainOnce(maxJobs = 1_000): Promise<number> {
  let handled = 0;
  for (;;) {
    const job = await claimNext(); // ok: no-query-in-loop -- claims until the queue reports empty
    if (!job || handled >= maxJobs) break;
    await handle(job).then(() => complete(job.id)); // ok: no-query-in-loop -- one job per turn
    handled += 1;
  }
  return handled;
}

if (process.argv[1]?.endsWith('worker.ts')) {
  await runWorker();
  await pool.end();
}
