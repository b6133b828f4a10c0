/**
 * Finds migrations in the common layouts (or in configured paths) and orders them as their tool does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Migration, MigrationGroup, MigrationNote, MigrationSet, MigrationStatement, MigrationTool } from './types';
import { splitSql } from './sql-split';
import { readJsMigration, detectJsTool } from './js-builders';

/** Folders looked at when no path is configured (relative to the project root). */
export const DEFAULT_MIGRATION_DIRS = [
  'db/migrations',
  'db/migration',
  'migrations',
  'migration',
  'src/migrations',
  'src/migration',
  'src/db/migrations',
  'database/migrations',
  'sql/migrations',
  'src/main/resources/db/migration',
  'prisma/migrations',
  'drizzle',
  'src/drizzle',
];

const FLYWAY_RE = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/i;
const FLYWAY_R_RE = /^R__(.+)\.sql$/i;
const GOLANG_RE = /^(\d+)_(.+)\.(up|down)\.sql$/i;
const NUMBERED_RE = /^(\d+)[_-]?(.*)\.sql$/i;
const JS_RE = /\.(?:[cm]?js|ts|mts|cts)$/;

function read(file: string, notes: MigrationNote[]): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    notes.push({ file, start: 0, end: 0, message: `cannot read migration: ${(e as Error).message}` });
    return undefined;
  }
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._]/).map(Number);
  const pb = b.split(/[._]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

function sqlStatements(text: string, from = 0, to = text.length): MigrationStatement[] {
  return splitSql(text.slice(from, to), from).map((c) => ({ ...c, exact: true }));
}

/** Whether every statement must run outside a transaction (CREATE/DROP INDEX CONCURRENTLY, VACUUM...). */
function allNonTransactional(st: MigrationStatement[]): boolean {
  return st.length > 0 && st.every((s) => /\b(CONCURRENTLY)\b|^\s*(VACUUM|ALTER\s+SYSTEM)\b/i.test(s.sql));
}

function base(file: string, tool: MigrationTool, version: string, name: string, text: string): Migration {
  const firstLine = text.search(/\S/);
  const s0 = Math.max(0, firstLine);
  const nl = text.indexOf('\n', s0);
  return {
    upRange: { start: s0, end: nl < 0 ? text.length : nl }, file, tool, version, name, statements: [], hasDown: false, transactional: true, notes: [], text };
}

/** Classifies a folder's content. */
export function detectLayout(dir: string): MigrationTool | undefined {
  const entries = listDir(dir);
  if (entries.some((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'migration.sql')))) return 'prisma';
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  if (fs.existsSync(path.join(dir, 'meta', '_journal.json'))) return 'drizzle';
  if (files.some((f) => FLYWAY_RE.test(f) || FLYWAY_R_RE.test(f))) return 'flyway';
  if (files.some((f) => GOLANG_RE.test(f))) return 'golang-migrate';
  const sqlFiles = files.filter((f) => f.endsWith('.sql'));
  for (const f of sqlFiles.slice(0, 20)) {
    const t = safeRead(path.join(dir, f));
    if (/^--\s*migrate:up/m.test(t)) return 'dbmate';
    if (/-->\s*statement-breakpoint/.test(t)) return 'drizzle';
  }
  if (sqlFiles.length) return 'sql';
  for (const f of files.filter((x) => JS_RE.test(x) && !x.endsWith('.d.ts')).slice(0, 20)) {
    const tool = detectJsTool(safeRead(path.join(dir, f)));
    if (tool) return tool;
  }
  return undefined;
}

function readFlyway(dir: string, notes: MigrationNote[]): Migration[] {
  const versioned: Migration[] = [];
  const repeatable: Migration[] = [];
  for (const e of listDir(dir)) {
    if (!e.isFile()) continue;
    const file = path.join(dir, e.name);
    const m = FLYWAY_RE.exec(e.name);
    const r = FLYWAY_R_RE.exec(e.name);
    if (!m && !r) continue;
    if (m && m[1]!.toUpperCase() === 'U') continue; // undo migrations (Flyway Teams) are not part of the up path
    const text = read(file, notes);
    if (text === undefined) continue;
    const mig = m ? base(file, 'flyway', m[2]!.replace(/_/g, '.'), m[3]!.replace(/_/g, ' '), text) : base(file, 'flyway', 'R', r![1]!.replace(/_/g, ' '), text);
    mig.statements = sqlStatements(text);
    mig.transactional = !allNonTransactional(mig.statements);
    // Flyway's undo migrations are U<version>__ files.
    mig.hasDown = m ? fs.existsSync(path.join(dir, e.name.replace(/^V/i, 'U'))) : true;
    if (r) (mig.repeatable = true), repeatable.push(mig);
    else versioned.push(mig);
  }
  versioned.sort((a, b) => compareVersions(a.version, b.version));
  for (let i = 1; i < versioned.length; i++)
    if (compareVersions(versioned[i - 1]!.version, versioned[i]!.version) === 0)
      notes.push({ file: versioned[i]!.file, start: 0, end: 0, message: `Flyway version ${versioned[i]!.version} is used twice (${path.basename(versioned[i - 1]!.file)})` });
  repeatable.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...versioned, ...repeatable];
}

function readDbmate(dir: string, notes: MigrationNote[]): Migration[] {
  const out: Migration[] = [];
  for (const e of listDir(dir)) {
    if (!e.isFile() || !e.name.endsWith('.sql')) continue;
    const file = path.join(dir, e.name);
    const text = read(file, notes);
    if (text === undefined) continue;
    const m = /^(\d+)_?(.*)\.sql$/.exec(e.name);
    const mig = base(file, 'dbmate', m ? m[1]! : e.name, m ? m[2]! : e.name, text);
    const up = /^--\s*migrate:up(.*)$/m.exec(text);
    const down = /^--\s*migrate:down.*$/m.exec(text);
    if (!up) {
      mig.notes.push({ file, start: 0, end: 0, message: 'dbmate migration without a `-- migrate:up` section' });
      out.push(mig);
      continue;
    }
    const upStart = up.index + up[0].length;
    const upEnd = down && down.index > up.index ? down.index : text.length;
    mig.statements = sqlStatements(text, upStart, upEnd);
    mig.upRange = { start: up.index, end: up.index + up[0].length };
    mig.transactional = !/transaction:\s*false/.test(up[1]!);
    mig.hasDown = !!down && splitSql(text.slice(down.index + down[0].length, down.index > up.index ? text.length : up.index)).length > 0;
    out.push(mig);
  }
  return out.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

function readGolang(dir: string, notes: MigrationNote[]): Migration[] {
  const out: Migration[] = [];
  const names = new Set(listDir(dir).map((e) => e.name));
  for (const name of names) {
    const m = GOLANG_RE.exec(name);
    if (!m || m[3]!.toLowerCase() !== 'up') continue;
    const file = path.join(dir, name);
    const text = read(file, notes);
    if (text === undefined) continue;
    const mig = base(file, 'golang-migrate', m[1]!, m[2]!, text);
    mig.statements = sqlStatements(text);
    const downName = name.replace(/\.up\.sql$/i, '.down.sql');
    mig.hasDown = names.has(downName) && splitSql(read(path.join(dir, downName), notes) ?? '').length > 0;
    // The postgres driver sends the file as one multi-statement query: Postgres runs it in one implicit transaction.
    mig.transactional = mig.statements.length > 1 || /^\s*BEGIN\b/im.test(text);
    out.push(mig);
  }
  return out.sort((a, b) => Number(a.version) - Number(b.version) || (a.file < b.file ? -1 : 1));
}

function readNumbered(dir: string, notes: MigrationNote[]): Migration[] {
  const out: Migration[] = [];
  for (const e of listDir(dir)) {
    if (!e.isFile() || !e.name.endsWith('.sql')) continue;
    const file = path.join(dir, e.name);
    const text = read(file, notes);
    if (text === undefined) continue;
    const m = NUMBERED_RE.exec(e.name);
    const mig = base(file, 'sql', m ? m[1]! : e.name.replace(/\.sql$/, ''), m ? m[2]! : e.name, text);
    mig.statements = sqlStatements(text);
    mig.transactional = /^\s*BEGIN\b/im.test(text);
    mig.hasDown = true; // no tool known: no down step expected
    out.push(mig);
  }
  return out.sort((a, b) => {
    const na = /^\d+$/.test(a.version) ? Number(a.version) : NaN;
    const nb = /^\d+$/.test(b.version) ? Number(b.version) : NaN;
    if (!Number.isNaN(na) && !Number.isNaN(nb) && na !== nb) return na - nb;
    return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
  });
}

function readPrisma(dir: string, notes: MigrationNote[]): Migration[] {
  const out: Migration[] = [];
  for (const e of listDir(dir)) {
    if (!e.isDirectory()) continue;
    const file = path.join(dir, e.name, 'migration.sql');
    if (!fs.existsSync(file)) continue;
    const text = read(file, notes);
    if (text === undefined) continue;
    const m = /^(\d+)_(.*)$/.exec(e.name);
    const mig = base(file, 'prisma', m ? m[1]! : e.name, m ? m[2]! : e.name, text);
    mig.statements = sqlStatements(text);
    mig.transactional = mig.statements.length > 1;
    mig.hasDown = true; // Prisma Migrate has no down migrations
    out.push(mig);
  }
  return out; // folder-name order (listDir sorts)
}

function readDrizzle(dir: string, notes: MigrationNote[]): Migration[] {
  const files = listDir(dir).filter((e) => e.isFile() && e.name.endsWith('.sql')).map((e) => e.name);
  let order: string[] = files;
  const journal = path.join(dir, 'meta', '_journal.json');
  if (fs.existsSync(journal)) {
    try {
      const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as { entries?: { idx?: number; tag?: string }[] };
      const tags = (j.entries ?? []).slice().sort((a, b) => (a.idx ?? 0) - (b.idx ?? 0)).map((x) => `${x.tag}.sql`);
      const known = tags.filter((t) => files.includes(t));
      const rest = files.filter((f) => !known.includes(f));
      for (const r of rest) notes.push({ file: path.join(dir, r), start: 0, end: 0, message: 'migration not listed in meta/_journal.json: drizzle-kit will not apply it' });
      order = known;
    } catch (e) {
      notes.push({ file: journal, start: 0, end: 0, message: `cannot read drizzle journal: ${(e as Error).message}; using file-name order` });
    }
  }
  const out: Migration[] = [];
  for (const name of order) {
    const file = path.join(dir, name);
    const text = read(file, notes);
    if (text === undefined) continue;
    const m = /^(\d+)_(.*)\.sql$/.exec(name);
    const mig = base(file, 'drizzle', m ? m[1]! : name, m ? m[2]! : name, text);
    // Chunks between `--> statement-breakpoint` markers; each chunk may still hold several statements.
    const re = /-->\s*statement-breakpoint/g;
    let last = 0;
    let mm: RegExpExecArray | null;
    const st: MigrationStatement[] = [];
    while ((mm = re.exec(text))) {
      st.push(...sqlStatements(text, last, mm.index));
      last = mm.index + mm[0].length;
    }
    st.push(...sqlStatements(text, last));
    mig.statements = st;
    mig.hasDown = true; // drizzle-kit has no down migrations
    out.push(mig);
  }
  return out;
}

function readJs(dir: string, tool: MigrationTool, notes: MigrationNote[]): Migration[] {
  const out: Migration[] = [];
  for (const e of listDir(dir)) {
    if (!e.isFile() || !JS_RE.test(e.name) || e.name.endsWith('.d.ts') || e.name.endsWith('.map')) continue;
    const file = path.join(dir, e.name);
    const text = read(file, notes);
    if (text === undefined) continue;
    const fileTool = detectJsTool(text) ?? tool;
    const info = readJsMigration(file, text, fileTool);
    const stem = e.name.replace(JS_RE, '');
    let version = /^(\d+)/.exec(stem)?.[1] ?? stem;
    if (fileTool === 'typeorm') version = /(\d{10,})/.exec(text)?.[1] ?? version;
    const mig = base(file, fileTool, version, stem.replace(/^\d+[-_]?/, ''), text);
    mig.statements = info.statements;
    mig.hasDown = info.hasDown;
    mig.transactional = info.transactional;
    mig.notes = info.notes;
    mig.upRange = info.upRange;
    out.push(mig);
  }
  return out.sort((a, b) => {
    if (/^\d+$/.test(a.version) && /^\d+$/.test(b.version) && a.version !== b.version) return Number(a.version) - Number(b.version);
    return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
  });
}

export function readGroup(dir: string, tool: MigrationTool, notes: MigrationNote[]): Migration[] {
  switch (tool) {
    case 'flyway':
      return readFlyway(dir, notes);
    case 'dbmate':
      return readDbmate(dir, notes);
    case 'golang-migrate':
      return readGolang(dir, notes);
    case 'sql':
      return readNumbered(dir, notes);
    case 'prisma':
      return readPrisma(dir, notes);
    case 'drizzle':
      return readDrizzle(dir, notes);
    default:
      return readJs(dir, tool, notes);
  }
}

/**
 * Finds the migrations of a project. `configuredPaths` (relative to root or absolute) replace the default folders.
 * Never throws: unreadable or unknown folders become notes.
 */
export function discoverMigrations(root: string, configuredPaths?: string[]): MigrationSet {
  const notes: MigrationNote[] = [];
  const groups: MigrationGroup[] = [];
  const explicit = !!configuredPaths && configuredPaths.length > 0;
  const dirs = (explicit ? configuredPaths! : DEFAULT_MIGRATION_DIRS).map((p) => path.resolve(root, p));
  const seen = new Set<string>();
  for (const dir of dirs) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(dir);
    } catch {
      if (explicit) notes.push({ file: dir, start: 0, end: 0, message: `configured migrations path not found: ${dir}` });
      continue;
    }
    if (!stat.isDirectory()) {
      if (explicit) notes.push({ file: dir, start: 0, end: 0, message: `configured migrations path is not a folder: ${dir}` });
      continue;
    }
    const tool = detectLayout(dir);
    if (!tool) {
      if (explicit) notes.push({ file: dir, start: 0, end: 0, message: `no migrations recognised in ${dir}` });
      continue;
    }
    const migrations = readGroup(dir, tool, notes);
    if (migrations.length) groups.push({ tool, dir, migrations });
  }
  return { root, groups, migrations: groups.flatMap((g) => g.migrations), notes };
}
