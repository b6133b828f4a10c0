#!/usr/bin/env node
// Runs pglint's migration checks and Squawk (squawk-cli from npm, through npx: no global install) on the
// migration fixtures, and prints a Markdown table, statement by statement, of what each tool reports.
// Usage: node scripts/compare-squawk.mjs [--squawk-version 2.66.0] [--json]
// JS/TS migrations (node-pg-migrate, knex, TypeORM) are given to Squawk as the SQL pglint generated from them,
// since Squawk reads SQL only.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const squawkVersion = args.includes('--squawk-version') ? args[args.indexOf('--squawk-version') + 1] : '2.66.0';
const asJson = args.includes('--json');
const LAYOUTS = ['flyway', 'dbmate', 'golang-migrate', 'prisma', 'drizzle', 'node-pg-migrate', 'knex', 'typeorm'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-squawk-'));
// The bundle sits inside the project so that its runtime dependencies resolve from node_modules.
const bundleDir = path.join(root, 'node_modules', '.cache', 'pglint-squawk');
fs.mkdirSync(bundleDir, { recursive: true });
const bundle = path.join(bundleDir, 'migrations.cjs');
await build({
  entryPoints: [path.join(root, 'rules/src/migrations/index.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: bundle,
  external: ['libpg-query', '@electric-sql/pglite', 'typescript'],
  logLevel: 'error',
});
const require = createRequire(path.join(root, 'package.json'));
const m = require(bundle);

function runSquawk(files) {
  let out;
  try {
    out = execFileSync('npx', ['--yes', `squawk-cli@${squawkVersion}`, '--reporter', 'json', ...files], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // squawk exits 1 when it reports something; stdout still holds the JSON.
    out = e.stdout;
    if (!out) throw new Error(`squawk could not run: ${e.stderr || e.message}`);
  }
  return JSON.parse(out || '[]');
}

const lineOf = (text, offset) => text.slice(0, offset).split('\n').length;
const rows = [];
const { db } = await m.startPglite();
for (const layout of LAYOUTS) {
  const dir = path.join(root, 'test-fixtures/migrations', layout);
  const set = m.discoverMigrations(dir);
  const b = await m.buildSchema(set, { pglite: db, cacheDir: false });
  const findings = await m.lintMigrations(set, b);
  for (const mig of set.migrations) {
    const isSql = mig.file.endsWith('.sql');
    // What Squawk reads: the SQL file itself, or the SQL pglint generated from a JS/TS migration (one statement a line).
    let sqFile = mig.file;
    const genLines = [];
    if (!isSql) {
      sqFile = path.join(tmp, `${layout}-${path.basename(mig.file)}.sql`);
      for (const st of mig.statements) genLines.push({ sql: st.sql.replace(/\s+/g, ' ').trim(), line: lineOf(mig.text, st.start) });
      fs.writeFileSync(sqFile, genLines.map((g) => `${g.sql};`).join('\n') + '\n');
    }
    const squawk = runSquawk([sqFile]);
    const byLine = new Map();
    const add = (line, tool, what) => {
      const r = byLine.get(line) ?? { pglint: new Set(), squawk: new Set() };
      r[tool].add(what);
      byLine.set(line, r);
    };
    for (const f of findings.filter((f) => f.file === mig.file)) add(lineOf(mig.text, f.start), 'pglint', `${f.ruleId === 'no-unsafe-migration' ? '' : `${f.ruleId}:`}${f.messageId}`);
    for (const s of squawk) {
      const line = isSql ? s.line + 1 : genLines[s.line]?.line ?? 0;
      add(line, 'squawk', s.rule_name);
    }
    const lines = mig.text.split('\n');
    for (const [line, r] of [...byLine].sort((a, b) => a[0] - b[0])) {
      rows.push({ layout, file: path.relative(dir, mig.file), line, code: (lines[line - 1] ?? '').replace(/\s*(--|\/\/)\s*(expect|ok):.*$/, '').trim().slice(0, 70), pglint: [...r.pglint].sort(), squawk: [...r.squawk].sort() });
    }
  }
}
await db.close();
fs.rmSync(tmp, { recursive: true, force: true });

if (asJson) console.log(JSON.stringify(rows, null, 2));
else {
  console.log(`| layout | file:line | statement | pglint | Squawk ${squawkVersion} |`);
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.layout} | ${r.file}:${r.line} | \`${r.code.replace(/\|/g, '\\|').replace(/`/g, "'")}\` | ${r.pglint.join(', ') || '—'} | ${r.squawk.join(', ') || '—'} |`);
  const count = (tool) => rows.reduce((n, r) => n + (r[tool].length ? 1 : 0), 0);
  console.log(`\nLines reported: pglint ${count('pglint')}, Squawk ${count('squawk')}, both ${rows.filter((r) => r.pglint.length && r.squawk.length).length}.`);
}
