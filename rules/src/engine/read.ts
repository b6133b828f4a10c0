/** Reading a source file from disk: its text, or undefined when it does not exist (other errors are thrown). */
import * as fs from 'node:fs';

export function readTextFile(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw err;
  }
}
