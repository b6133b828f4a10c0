/** The fuzzer's corpus: every file under test-fixtures/, grouped by the project root it belongs to. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CorpusFile {
  /** Project root the file is linted in (a fixture project; each test-fixtures/migrations/<tool>/ is its own). */
  root: string;
  file: string;
  /** Path relative to test-fixtures/ (stable key for seeds). */
  key: string;
  text: string;
}

export function fixtureCorpus(fixturesDir: string): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (dir: string, root: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs, root);
      else if (e.isFile()) out.push({ root, file: abs, key: path.relative(fixturesDir, abs).split(path.sep).join('/'), text: fs.readFileSync(abs, 'utf8') });
    }
  };
  for (const top of fs.readdirSync(fixturesDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const abs = path.join(fixturesDir, top.name);
    if (!top.isDirectory()) {
      out.push({ root: fixturesDir, file: abs, key: top.name, text: fs.readFileSync(abs, 'utf8') });
      continue;
    }
    if (top.name === 'migrations') {
      for (const sub of fs.readdirSync(abs, { withFileTypes: true }).filter((d) => d.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        walk(path.join(abs, sub.name), path.join(abs, sub.name));
      }
    } else walk(abs, abs);
  }
  return out;
}
