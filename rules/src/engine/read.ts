/** Reading source files from disk (the engine and the CLI share these). */
import * as fs from 'node:fs';

/** A file's text, or undefined when it does not exist (other errors are thrown). */
export function readTextFile(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw err;
  }
}

/** The names in a folder, or undefined when it cannot be listed (import resolution: one listing per folder). */
export function listDirOnDisk(dir: string): string[] | undefined {
  try {
    return fs.readdirSync(dir);
  } catch {
    return undefined;
  }
}
