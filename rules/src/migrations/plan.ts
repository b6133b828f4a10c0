/**
 * "Create migration" fix data: a new migration file in the project's own format and naming, with the
 * CREATE TABLE / ALTER TABLE ... ADD COLUMN that adds what is missing. Added columns are nullable, so the new
 * migration is itself safe for a rolling deploy (no-unsafe-migration stays quiet on it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MigrationGroup, MigrationSet, Schema } from './types';

export interface MissingItem {
  table: string;
  column?: string;
  type?: string;
  schema?: string;
}

export interface PlannedFile {
  file: string;
  text: string;
}

export interface MigrationPlan {
  /** The main new migration file (the one to open). */
  file: string;
  text: string;
  /** Every file to write (golang-migrate up/down pair, drizzle journal update...). */
  files: PlannedFile[];
  tool: string;
}

export interface PlanOptions {
  /** Decides between CREATE TABLE and ALTER TABLE; without it, an item without column creates the table. */
  schema?: Schema;
  /** Folder of the group to add to (default: the last group). */
  dir?: string;
  /** Clock for timestamps (tests). */
  now?: Date;
  /** Columns to create a missing table with (e.g. from its model). */
  tableColumns?: Record<string, { name: string; type?: string }[]>;
}

function q(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
function qq(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

interface TableChange {
  table: string;
  schema?: string;
  create: boolean;
  columns: { name: string; type: string }[];
}

function changes(missing: MissingItem[], opts: PlanOptions): TableChange[] {
  const byTable = new Map<string, TableChange>();
  for (const m of missing) {
    const key = `${m.schema ?? 'public'}.${m.table}`;
    const exists = opts.schema ? !!opts.schema.relations[key] : m.column !== undefined;
    let c = byTable.get(key);
    if (!c) byTable.set(key, (c = { table: m.table, schema: m.schema, create: !exists, columns: [] }));
    if (m.column && !c.columns.some((x) => x.name === m.column)) c.columns.push({ name: m.column, type: m.type ?? 'text' });
  }
  for (const c of byTable.values()) {
    if (!c.create) continue;
    for (const col of opts.tableColumns?.[c.table] ?? []) if (!c.columns.some((x) => x.name === col.name)) c.columns.push({ name: col.name, type: col.type ?? 'text' });
    if (!c.columns.length) c.columns.push({ name: 'id', type: 'bigserial' });
  }
  return [...byTable.values()];
}

function sqlFor(chs: TableChange[], quote: (n: string) => string): { up: string[]; down: string[] } {
  const up: string[] = [];
  const down: string[] = [];
  for (const c of chs) {
    const t = (c.schema ? `${quote(c.schema)}.` : '') + quote(c.table);
    if (c.create) {
      const hasId = c.columns.some((x) => x.name === 'id');
      const cols = c.columns.map((x) => `${quote(x.name)} ${x.name === 'id' && /^(int|integer|serial|bigserial)$/i.test(x.type) ? `${x.type.replace(/^int(eger)?$/i, 'serial')} PRIMARY KEY` : x.type}`);
      up.push(`CREATE TABLE ${t} (\n  ${cols.join(',\n  ')}\n);`);
      void hasId;
      down.unshift(`DROP TABLE ${t};`);
    } else {
      for (const col of c.columns) {
        up.push(`ALTER TABLE ${t} ADD COLUMN ${quote(col.name)} ${col.type};`);
        down.unshift(`ALTER TABLE ${t} DROP COLUMN ${quote(col.name)};`);
      }
    }
  }
  return { up, down };
}

function describe(chs: TableChange[]): string {
  const parts = chs.map((c) => (c.create ? `create_${c.table}` : `add_${c.columns.map((x) => x.name).join('_')}_to_${c.table}`));
  return parts.join('_and_').replace(/[^A-Za-z0-9_]+/g, '_').toLowerCase().slice(0, 60);
}

const KNEX_SIMPLE: Record<string, string> = { text: 'text', integer: 'integer', bigint: 'bigInteger', boolean: 'boolean', uuid: 'uuid', jsonb: 'jsonb', json: 'json', date: 'date' };

function jsLiteral(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function pickGroup(set: MigrationSet, dir?: string): MigrationGroup {
  const g = dir ? set.groups.find((x) => path.resolve(x.dir) === path.resolve(dir)) : set.groups[set.groups.length - 1];
  if (!g) throw new Error(dir ? `no migrations folder at ${dir}` : 'no migrations found in this project: cannot choose a format for a new migration');
  return g;
}

/** Plans the new migration. Throws with a clear message when the project has no migrations folder. */
export function planMigration(set: MigrationSet, missing: MissingItem[], opts: PlanOptions = {}): MigrationPlan {
  if (!missing.length) throw new Error('nothing is missing: no migration to create');
  const g = pickGroup(set, opts.dir);
  const now = opts.now ?? new Date();
  const chs = changes(missing, opts);
  const desc = describe(chs);
  const last = g.migrations.filter((m) => !m.repeatable).pop();
  const plain = sqlFor(chs, q);
  const header = `-- Created by pglint: adds what the code or the models use and no migration creates.\n`;
  const one = (file: string, text: string): MigrationPlan => ({ file, text, files: [{ file, text }], tool: g.tool });
  switch (g.tool) {
    case 'flyway': {
      const max = g.migrations.filter((m) => !m.repeatable).reduce((a, m) => Math.max(a, Number(m.version.split('.')[0]) || 0), 0);
      return one(path.join(g.dir, `V${max + 1}__${desc}.sql`), header + plain.up.join('\n') + '\n');
    }
    case 'dbmate':
      return one(path.join(g.dir, `${stamp(now)}_${desc}.sql`), `-- migrate:up\n${plain.up.join('\n')}\n\n-- migrate:down\n${plain.down.join('\n')}\n`);
    case 'golang-migrate':
    case 'sql': {
      const v = last ? last.version : '0';
      const next = String(Number(v) + 1).padStart(v.length, '0');
      if (g.tool === 'sql') return one(path.join(g.dir, `${next}_${desc}.sql`), header + plain.up.join('\n') + '\n');
      const up = path.join(g.dir, `${next}_${desc}.up.sql`);
      const down = path.join(g.dir, `${next}_${desc}.down.sql`);
      const upText = plain.up.join('\n') + '\n';
      return { file: up, text: upText, files: [{ file: up, text: upText }, { file: down, text: plain.down.join('\n') + '\n' }], tool: g.tool };
    }
    case 'prisma': {
      const s = sqlFor(chs, qq);
      return one(path.join(g.dir, `${stamp(now)}_${desc}`, 'migration.sql'), s.up.join('\n') + '\n');
    }
    case 'drizzle': {
      const idx = g.migrations.length;
      const tag = `${String(idx).padStart(4, '0')}_${desc}`;
      const s = sqlFor(chs, qq);
      const file = path.join(g.dir, `${tag}.sql`);
      const text = s.up.join('\n--> statement-breakpoint\n') + '\n';
      const files: PlannedFile[] = [{ file, text }];
      const journal = path.join(g.dir, 'meta', '_journal.json');
      if (fs.existsSync(journal)) {
        try {
          const j = JSON.parse(fs.readFileSync(journal, 'utf8')) as { entries: Record<string, unknown>[] };
          const maxIdx = j.entries.reduce((a, e) => Math.max(a, Number(e.idx) || 0), -1);
          j.entries.push({ idx: maxIdx + 1, version: String(j.entries[0]?.version ?? '7'), when: now.getTime(), tag, breakpoints: true });
          files.push({ file: journal, text: JSON.stringify(j, null, 2) + '\n' });
        } catch {
          /* journal unreadable: the file alone */
        }
      }
      return { file, text, files, tool: g.tool };
    }
    case 'node-pg-migrate': {
      const ts = last ? /\.ts$/.test(last.file) : false;
      const file = path.join(g.dir, `${now.getTime()}_${desc.replace(/_/g, '-')}.${ts ? 'ts' : 'js'}`);
      const up: string[] = [];
      const down: string[] = [];
      for (const c of chs) {
        const t = c.schema ? `{ schema: ${jsLiteral(c.schema)}, name: ${jsLiteral(c.table)} }` : jsLiteral(c.table);
        const cols = c.columns.map((x) => `    ${/^[A-Za-z_$][\w$]*$/.test(x.name) ? x.name : jsLiteral(x.name)}: ${x.name === 'id' && c.create ? "'id'" : `{ type: ${jsLiteral(x.type)} }`},`).join('\n');
        if (c.create) {
          up.push(`  pgm.createTable(${t}, {\n${cols}\n  });`);
          down.unshift(`  pgm.dropTable(${t});`);
        } else {
          up.push(`  pgm.addColumns(${t}, {\n${cols}\n  });`);
          down.unshift(`  pgm.dropColumns(${t}, [${c.columns.map((x) => jsLiteral(x.name)).join(', ')}]);`);
        }
      }
      const text = ts
        ? `import type { MigrationBuilder } from 'node-pg-migrate';\n\nexport async function up(pgm: MigrationBuilder): Promise<void> {\n${up.join('\n')}\n}\n\nexport async function down(pgm: MigrationBuilder): Promise<void> {\n${down.join('\n')}\n}\n`
        : `exports.up = (pgm) => {\n${up.join('\n')}\n};\n\nexports.down = (pgm) => {\n${down.join('\n')}\n};\n`;
      return one(file, text);
    }
    case 'knex': {
      const ts = last ? /\.ts$/.test(last.file) : false;
      const file = path.join(g.dir, `${stamp(now)}_${desc}.${ts ? 'ts' : 'js'}`);
      const up: string[] = [];
      const down: string[] = [];
      const col = (x: { name: string; type: string }) =>
        x.name === 'id' && /serial|^int/.test(x.type)
          ? `t.increments(${jsLiteral(x.name)});`
          : KNEX_SIMPLE[x.type]
            ? `t.${KNEX_SIMPLE[x.type]}(${jsLiteral(x.name)});`
            : `t.specificType(${jsLiteral(x.name)}, ${jsLiteral(x.type)});`;
      for (const c of chs) {
        const t = jsLiteral(c.schema ? `${c.schema}.${c.table}` : c.table);
        if (c.create) {
          up.push(`  await knex.schema.createTable(${t}, (t) => {\n${c.columns.map((x) => `    ${col(x)}`).join('\n')}\n  });`);
          down.unshift(`  await knex.schema.dropTable(${t});`);
        } else {
          up.push(`  await knex.schema.alterTable(${t}, (t) => {\n${c.columns.map((x) => `    ${col(x)}`).join('\n')}\n  });`);
          down.unshift(`  await knex.schema.alterTable(${t}, (t) => {\n${c.columns.map((x) => `    t.dropColumn(${jsLiteral(x.name)});`).join('\n')}\n  });`);
        }
      }
      const text = ts
        ? `import type { Knex } from 'knex';\n\nexport async function up(knex: Knex): Promise<void> {\n${up.join('\n')}\n}\n\nexport async function down(knex: Knex): Promise<void> {\n${down.join('\n')}\n}\n`
        : `exports.up = async function (knex) {\n${up.join('\n')}\n};\n\nexports.down = async function (knex) {\n${down.join('\n')}\n};\n`;
      return one(file, text);
    }
    case 'typeorm': {
      const ms = now.getTime();
      const cls = desc.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') + ms;
      const file = path.join(g.dir, `${ms}-${cls.replace(/\d+$/, '')}.ts`);
      const s = sqlFor(chs, qq);
      const lit = (x: string) => '`' + x.replace(/;$/, '').replace(/[`\\$]/g, (m) => `\\${m}`) + '`';
      const text = `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${cls} implements MigrationInterface {\n  public async up(queryRunner: QueryRunner): Promise<void> {\n${s.up.map((x) => `    await queryRunner.query(${lit(x)});`).join('\n')}\n  }\n\n  public async down(queryRunner: QueryRunner): Promise<void> {\n${s.down.map((x) => `    await queryRunner.query(${lit(x)});`).join('\n')}\n  }\n}\n`;
      return one(file, text);
    }
  }
}
