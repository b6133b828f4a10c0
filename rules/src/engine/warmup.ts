/**
 * Warming up the engine for interactive use. V8 compiles a function for speed only after it has run a while: the
 * first lints of a file in the editor run TypeScript's incremental parser and the rules' hot paths unoptimised, and
 * the first keystrokes after opening a file waited for it (bench/lsp-latency.mjs: the first burst of edits was
 * answered after ~400 ms, the later ones after ~20 ms). The language server runs this once, in idle steps, after
 * its first diagnostics went out: a small project held in memory (nothing read from or written to the disk) is
 * linted, then edited and re-linted as someone typing would.
 */
import * as path from 'node:path';
import { Project } from './project';

const ROOT = path.resolve('/pglint-warm-up');

/** A repository module and a handler that calls it in a loop: the N+1, pool and SQL-building paths all run. */
function handlerText(units: number): string {
  const unit = (i: number) =>
    [
      `// note ${i}`,
      `export async function handler${i}(req: { params: { ids: string[] } }) {`,
      `  const out = [];`,
      `  for (const id of req.params.ids) {`,
      `    out.push(await findUser(id));`,
      `    const { rows } = await pool.query('SELECT * FROM t${i} WHERE id = ' + id);`,
      `    if (rows.length > ${i % 7}) return { ok: true, rows, n: ${i} } as const;`,
      `  }`,
      `  const client = await pool.connect();`,
      `  await client.query(\`UPDATE t${i} SET seen = now() WHERE id = \${req.params.ids[0]}\`);`,
      `  client.release();`,
      `  return out.map((x) => x).filter(Boolean).length > 0 ? out : undefined;`,
      `}`,
    ].join('\n');
  return [`import { pool, findUser } from './repo';`, ...Array.from({ length: units }, (_, i) => unit(i))].join('\n');
}

const REPO = [
  `import { Pool } from 'pg';`,
  `export const pool = new Pool();`,
  `export async function findUser(id: string) {`,
  `  const { rows } = await pool.query('SELECT * FROM users WHERE id = $1', [id]);`,
  `  return rows[0];`,
  `}`,
].join('\n');

/**
 * Lints the in-memory project, then after each of `edits` one-character edits of the handler; `yieldTo` lets
 * other work run first between steps. Returns the rules the last lint reported (a test checks they are the ones
 * the warm-up means to run).
 */
export async function warmUp(yieldTo: () => Promise<void>, edits = 16): Promise<string[]> {
  const handler = path.join(ROOT, 'handler.ts');
  const texts = new Map([
    [path.join(ROOT, 'repo.ts'), REPO],
    [handler, handlerText(60)],
  ]);
  const project = new Project({
    root: ROOT,
    readFile: (p) => texts.get(p),
    listDir: (dir) => (dir === ROOT ? [...texts.keys()].map((f) => path.basename(f)) : null),
  });
  let text = texts.get(handler)!;
  let found: string[] = [];
  for (let k = 0; k <= edits; k++) {
    if (k > 0) {
      // One character typed in a comment, each time in another unit of the file (37 and 60 share no factor).
      const at = text.indexOf(`// note ${(k * 37) % 60}\n`);
      text = at < 0 ? `${text}\n` : `${text.slice(0, at + 3)}x${text.slice(at + 3)}`;
    }
    project.setOverlay(handler, text);
    const result = await project.lintFileAsync(handler, { yieldTo });
    found = [...new Set(result?.findings.map((f) => f.ruleId))].sort();
    await yieldTo();
  }
  return found;
}
