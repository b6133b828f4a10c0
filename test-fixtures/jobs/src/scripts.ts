import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { pool } from './db.js';

/** A maintenance script: a module in scripts/ whose default export takes the pool. */
type Script = (db: typeof pool) => Promise<void>;

async function loadScript(file: string): Promise<Script> {
  const mod = await import(pathToFileURL(file).href);
  return mod.default as Script;
}

async function runScript(file: string): Promise<void> {
  const script = await loadScript(file);
  await script(pool);
  await pool.query('INSERT INTO script_runs (name, ran_at) VALUES ($1, now())', [file]);
}

/** Runs the scripts in order: each turn loads a different script (through runScript) and records it. */
export async function runScripts(files: string[]): Promise<void> {
  for (const file of files) {
    await runScript(file); // ok: no-query-in-loop -- each turn runs a script loaded at run time
  }
}

/** The same runner written inline. */
export async function runPlugins(files: string[]): Promise<void> {
  for (const file of files) {
    const plugin = await import(file);
    await plugin.default(pool);
    await pool.query('INSERT INTO script_runs (name, ran_at) VALUES ($1, now())', [file]); // ok: no-query-in-loop -- the loop runs a module it loads at run time
  }
}

/** A module imported by its literal name is not a script runner: the lookup per name is an N+1. */
export async function printRunCounts(names: string[]): Promise<void> {
  for (const name of names) {
    const { sep } = await import('node:path');
    const { rows } = await pool.query<{ count: string }>('SELECT count(*) FROM script_runs WHERE name = $1', [name]); // expect: no-query-in-loop
    console.log(format('%s%s: %s', sep, name, rows[0]?.count));
  }
}
