/** Running the built `pglint` command in tests: where it is, building it when missing, throw-away folders. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export const REPO = path.resolve(__dirname, '../..');
/** `PGLINT_BIN` runs the tests against another build. */
export const BIN = process.env.PGLINT_BIN ?? path.join(REPO, 'bin', 'pglint.js');

/**
 * Call at the top of a test file: builds dist/ before the tests when it is missing (`npm test` builds first),
 * and returns a function making temporary folders (real paths) removed after the file's tests.
 */
export function useBuiltCli(): (prefix: string) => string {
  const dirs: string[] = [];
  beforeAll(() => {
    if (!process.env.PGLINT_BIN && !fs.existsSync(path.join(REPO, 'dist', 'cli.js'))) {
      const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
    }
  });
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
    dirs.push(d);
    return d;
  };
}

/** Writes `files` (relative path → text) under `dir` and returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
