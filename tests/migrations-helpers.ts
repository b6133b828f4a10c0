import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from '../rules/src/engine/text';

export const FIXTURES = path.join(__dirname, '..', 'test-fixtures', 'migrations');
export const LAYOUTS = ['flyway', 'dbmate', 'golang-migrate', 'prisma', 'drizzle', 'node-pg-migrate', 'knex', 'typeorm'] as const;

/** "file:line" (1-based) of every `expect: <ruleId>` marker (`--` or `//` comments) under a folder. */
export function expectedMarkers(dir: string, ruleId: string, filter: (file: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (filter(p)) {
        fs.readFileSync(p, 'utf8')
          .split(/\r?\n/)
          .forEach((line, i) => {
            const m = /(?:--|\/\/)\s*expect:\s*([\w, -]+?)\s*$/.exec(line);
            if (m && m[1]!.split(',').map((s) => s.trim()).includes(ruleId)) out.push(`${path.relative(dir, p)}:${i + 1}`);
          });
      }
    }
  };
  walk(dir);
  return [...new Set(out)].sort();
}

export function findingLines(dir: string, findings: { file: string; start: number; ruleId?: string }[]): string[] {
  const idx = new Map<string, LineIndex>();
  const out = findings.map((f) => {
    let li = idx.get(f.file);
    if (!li) idx.set(f.file, (li = new LineIndex(fs.readFileSync(f.file, 'utf8'))));
    return `${path.relative(dir, f.file)}:${li.position(f.start).line + 1}`;
  });
  return [...new Set(out)].sort();
}
