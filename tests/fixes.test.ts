/**
 * Every fix offered on every fixture: applied alone, the file still parses, the finding it fixes is gone,
 * and no new finding appears. Display-only fixes carry no edits.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../rules/src/engine/project';
import { discoverFiles } from '../rules/src/engine/discover';
import { applyFixes } from '../rules/src/engine/fixes';
import { initSqlParser } from '../rules/src/engine/sqlparse';
import { parse } from '../rules/src/engine/parse';

const ROOT = path.resolve(__dirname, '../test-fixtures');
const projects = fs.readdirSync(ROOT).filter((d) => fs.statSync(path.join(ROOT, d)).isDirectory() && !d.includes('migrations'));

beforeAll(async () => {
  await initSqlParser();
});

describe.each(projects)('fixes in %s', (name) => {
  it('each fix re-parses, removes its finding and adds none', () => {
    const root = path.join(ROOT, name);
    const { files } = discoverFiles(root, [root], []);
    let checked = 0;
    for (const file of files.filter((f) => !f.endsWith('.sql'))) {
      const project = new Project({ root });
      const before = project.lintFile(file).findings;
      const text = fs.readFileSync(file, 'utf8');
      for (const finding of before) {
        for (const fix of finding.fixes ?? []) {
          if (fix.safety === 'display-only') {
            expect(fix.edits).toEqual([]);
            continue;
          }
          const { text: fixed, applied } = applyFixes(text, [fix], file);
          expect(applied).toHaveLength(1);
          const where = `${path.relative(ROOT, file)} ${finding.ruleId} ${fix.id}\n${excerpt(text, fixed)}`;
          expect(parse(file, fixed).syntaxErrors, `${where} does not parse`).toEqual([]);
          const p2 = new Project({ root });
          p2.setOverlay(file, fixed);
          const after = p2.lintFile(file).findings;
          const count = (fs2: typeof before, rule: string) => fs2.filter((f) => f.ruleId === rule).length;
          expect(count(after, finding.ruleId), `${where}: finding not removed`).toBeLessThan(count(before, finding.ruleId));
          for (const rule of new Set(after.map((f) => f.ruleId))) expect(count(after, rule), `${where}: new ${rule}`).toBeLessThanOrEqual(count(before, rule));
          checked++;
        }
      }
    }
    if (name !== 'jobs') expect(checked).toBeGreaterThan(0);
  });
});

/** The changed lines, with a little context, for failure messages. */
function excerpt(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  let ja = a.length - 1;
  let jb = b.length - 1;
  while (ja > i && jb > i && a[ja] === b[jb]) { ja--; jb--; }
  return b.slice(Math.max(0, i - 3), jb + 4).join('\n');
}
