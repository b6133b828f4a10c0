#!/usr/bin/env node
// Deterministic generator of a realistic TypeScript backend (plus a React front end) for the benchmark.
//
//   node bench/generate.mjs [--files N] [--seed S] [--out DIR]
//
// N counts TypeScript source files (.ts/.tsx, the files every linter parses); the corpus also gets
// migrations/*.sql (about 4 % of N), a package.json and a tsconfig.json. Same N and seed give
// byte-identical output: no clock, no Math.random, no dependence on the file system order.
//
// Layout (shares of N): src/web/** React front end that touches no database (~40 %), repositories
// doing pool.query with $n parameters (~13 %), services calling repositories, some inside loops, i.e.
// N+1 across files (~12 %), express routes (~10 %), jobs (~4 %), knex and prisma data access (~3 %),
// models and utils (the rest). One file, src/services/reporting-monolith.service.ts, has 3,000 lines:
// bench/lsp-latency.mjs edits it.
//
// Schema: every table and column the code names (SQL strings, knex builder calls) is recorded while the
// code is written (schema.use), and the migrations create exactly that schema: several tables per
// CREATE migration, some columns added later by ALTER TABLE migrations. Like a backend whose linter is
// kept on, the only drift is deliberate (about 1.5 % of entities, listed in the result's `drift`): a
// column the code started using without a migration, a field dropped from the CREATE TABLE, rarely a
// table no migration creates. The other deliberate smells (SQL concatenation, unreleased client, query
// in a loop) are drawn as before.
import { mkdirSync, writeFileSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Bump when the output changes: ensureCorpus regenerates a corpus whose manifest carries another version.
export const GENERATOR_VERSION = 2;
export const BIG_FILE = 'src/services/reporting-monolith.service.ts';
export const BIG_FILE_LINES = 3000;

// ---------------------------------------------------------------- PRNG (mulberry32)
export function makeRng(seed) {
  let a = (Number(seed) >>> 0) ^ 0x9e3779b9;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (arr) => arr[Math.floor(next() * arr.length)];
  const chance = (p) => next() < p;
  const sample = (arr, k) => {
    const copy = arr.slice();
    const out = [];
    while (out.length < k && copy.length) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
    return out;
  };
  return { next, int, pick, chance, sample };
}

// ---------------------------------------------------------------- vocabulary
const NOUNS = [
  'user', 'order', 'invoice', 'product', 'customer', 'shipment', 'payment', 'account', 'subscription',
  'ticket', 'comment', 'review', 'category', 'warehouse', 'supplier', 'coupon', 'cart', 'refund', 'address',
  'session', 'team', 'project', 'task', 'milestone', 'document', 'attachment', 'notification', 'message',
  'channel', 'tag', 'vendor', 'contract', 'quote', 'lead', 'campaign', 'audience', 'report', 'metric',
  'device', 'location', 'booking', 'room', 'event', 'venue', 'course', 'lesson', 'enrollment', 'grade',
];
const QUALIFIERS = [
  'audit', 'archive', 'billing', 'export', 'import', 'sync', 'stats', 'history', 'draft', 'admin',
  'public', 'legacy', 'batch', 'search', 'feed', 'digest', 'quota', 'policy', 'snapshot', 'bulk',
];
const FIELDS = [
  ['name', 'text', 'string'], ['email', 'text', 'string'], ['status', 'text', 'string'],
  ['amount_cents', 'bigint', 'number'], ['quantity', 'integer', 'number'], ['created_at', 'timestamptz', 'Date'],
  ['updated_at', 'timestamptz', 'Date'], ['owner_id', 'bigint', 'number'], ['title', 'text', 'string'],
  ['description', 'text', 'string'], ['is_active', 'boolean', 'boolean'], ['priority', 'integer', 'number'],
  ['currency', 'char(3)', 'string'], ['external_ref', 'text', 'string'], ['score', 'numeric', 'number'],
  ['due_at', 'timestamptz', 'Date'], ['region', 'text', 'string'], ['version', 'integer', 'number'],
];
const UI_WORDS = [
  'Panel', 'List', 'Card', 'Form', 'Table', 'Modal', 'Header', 'Sidebar', 'Toolbar', 'Badge', 'Chart',
  'Filter', 'Summary', 'Details', 'Row', 'Picker', 'Banner', 'Wizard', 'Timeline', 'Widget',
];
const UI_AREAS = ['dashboard', 'settings', 'checkout', 'catalog', 'admin', 'profile', 'reports', 'inbox', 'billing', 'onboarding'];

const pascal = (s) => s.split(/[-_ ]/).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const camel = (s) => { const p = pascal(s); return p[0].toLowerCase() + p.slice(1); };
const snake = (s) => s.replace(/-/g, '_');

function entityName(i) {
  const n = NOUNS.length, q = QUALIFIERS.length;
  let name = NOUNS[i % n];
  if (i >= n) name += '-' + QUALIFIERS[Math.floor(i / n) % q];
  if (i >= n * q) name += '-' + (Math.floor(i / (n * q)) + 1);
  return name;
}

function plural(s) {
  if (s.endsWith('y') && !/[aeiou]y$/.test(s)) return s.slice(0, -1) + 'ies';
  if (s.endsWith('s') || s.endsWith('x') || s.endsWith('ch')) return s + 'es';
  return s + 's';
}

function tableName(e) { return plural(snake(e)); }

// ---------------------------------------------------------------- schema used by the code
// SQL definition of the columns the code may name (entity fields, plus the columns the templates hard-code).
const COLUMN_DEFS = new Map([
  ...FIELDS.map(([f, ty]) => [f, ty]),
  ['id', 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY'],
  ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
  ['updated_at', 'timestamptz NOT NULL DEFAULT now()'],
  ['version', 'integer NOT NULL DEFAULT 1'],
  ['entity', 'text NOT NULL'],
  ['action', 'text NOT NULL'],
  ['done', 'boolean NOT NULL DEFAULT false'],
  ['payload', 'jsonb'],
  ['notes', 'text'],
]);
const columnDef = (c) => COLUMN_DEFS.get(c) ?? 'text';

// Columns a drifted repository starts using without any migration adding them (never in FIELDS): the column, the
// function it adds (P = entity in PascalCase), its parameter, and the WHERE … tail of its query.
const DRIFT_COLUMNS = [
  ['archived_at', 'listActive%ss', 'limit = 50', 'archived_at IS NULL ORDER BY id LIMIT $1', 'limit'],
  ['tenant_id', 'find%ssForTenant', 'tenantId: number', 'tenant_id = $1', 'tenantId'],
  ['last_seen_at', 'findStale%ss', 'before: Date', 'last_seen_at < $1 ORDER BY id', 'before'],
  ['locale', 'find%ssByLocale', 'locale: string', 'locale = $1', 'locale'],
  ['deleted_at', 'listLive%ss', 'limit = 50', 'deleted_at IS NULL ORDER BY id LIMIT $1', 'limit'],
].map(([column, name, param, where, arg]) => [column, (P, t, cols, row) => [
  `export async function ${name.replace('%s', P)}(${param}): Promise<${row}[]> {`,
  `  const { rows } = await pool.query<${row}>('SELECT ${cols} FROM ${t} WHERE ${where}', [${arg}]);`,
  '  return rows;',
  '}',
]]);
// Kind of the k-th drifted entity: mostly a new column, some a field missing from the CREATE TABLE, rarely a table.
const DRIFT_KINDS = ['new-column', 'missing-field', 'new-column', 'new-column', 'missing-table', 'new-column', 'missing-field', 'new-column', 'missing-field', 'new-column'];

// Tables and columns, in the order the code first names them.
function newSchema() {
  const tables = new Map();
  const core = new Map(); // table -> columns of its first CREATE TABLE (never deferred to an ALTER)
  return {
    tables,
    core,
    define(t, ...cols) {
      this.use(t, ...cols);
      core.set(t, new Set(['id', ...cols]));
    },
    use(t, ...cols) {
      let set = tables.get(t);
      if (!set) tables.set(t, (set = new Set(['id'])));
      for (const c of cols) set.add(c);
      return t;
    },
  };
}

function entityFields(rng) {
  return rng.sample(FIELDS, rng.int(3, 7));
}

// Target line count: mostly 50–400 lines, skewed to small, a few bigger files.
function targetLines(rng) {
  if (rng.chance(0.03)) return rng.int(600, 1400);
  const u = rng.next();
  return Math.round(50 + 350 * u * u);
}

// Append blocks from make(i) until the file reaches the target line count.
function fill(lines, target, make, maxBlocks = 400) {
  for (let i = 0; lines.length < target && i < maxBlocks; i++) lines.push(...make(i));
  return lines;
}

// ---------------------------------------------------------------- plan
function plan(N, rng) {
  const share = (p) => Math.max(1, Math.round(N * p));
  const fixed = ['src/db.ts', 'src/app.ts', 'src/server.ts', 'src/config.ts', 'src/utils/logger.ts', 'src/utils/errors.ts', 'src/web/lib/api.ts', 'src/web/main.tsx', BIG_FILE];
  const counts = {
    web: Math.max(2, Math.round(N * 0.4) - 2),
    repo: share(0.13), service: share(0.12), route: share(0.10), job: share(0.04),
    knex: share(0.02), prisma: share(0.01), model: share(0.05),
  };
  const used = fixed.length + Object.values(counts).reduce((a, b) => a + b, 0);
  counts.util = Math.max(1, N - used);
  // Entities: repositories map 1:1 onto entities; models, services, routes reuse them.
  const entities = Array.from({ length: counts.repo }, (_, i) => ({ name: entityName(i), fields: entityFields(rng) }));
  return { counts, entities, fixed };
}

// ---------------------------------------------------------------- file templates
function dbFile() {
  return [
    "import { Pool, type PoolClient } from 'pg';",
    "import { config } from './config';",
    '',
    'export const pool = new Pool({',
    '  connectionString: config.databaseUrl,',
    '  max: config.poolSize,',
    '  idleTimeoutMillis: 30_000,',
    '  application_name: config.appName,',
    '});',
    '',
    "pool.on('error', (err) => {",
    "  console.error('idle client error', err);",
    '});',
    '',
    'export async function withTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {',
    '  const client = await pool.connect();',
    '  try {',
    "    await client.query('BEGIN');",
    '    const result = await fn(client);',
    "    await client.query('COMMIT');",
    '    return result;',
    '  } catch (err) {',
    "    await client.query('ROLLBACK');",
    '    throw err;',
    '  } finally {',
    '    client.release();',
    '  }',
    '}',
    '',
  ];
}

function configFile() {
  return [
    'export interface AppConfig {',
    '  databaseUrl: string;',
    '  poolSize: number;',
    '  appName: string;',
    '  port: number;',
    '}',
    '',
    'function readInt(name: string, fallback: number): number {',
    '  const raw = process.env[name];',
    '  const value = raw === undefined ? NaN : Number.parseInt(raw, 10);',
    '  return Number.isFinite(value) ? value : fallback;',
    '}',
    '',
    'export const config: AppConfig = {',
    "  databaseUrl: process.env.DATABASE_URL ?? 'postgres://localhost:5432/app',",
    "  poolSize: readInt('PG_POOL_SIZE', 10),",
    "  appName: process.env.APP_NAME ?? 'bench-backend',",
    "  port: readInt('PORT', 3000),",
    '};',
    '',
  ];
}

function loggerFile() {
  return [
    "type Level = 'debug' | 'info' | 'warn' | 'error';",
    '',
    'function emit(level: Level, message: string, fields: Record<string, unknown> = {}): void {',
    '  const line = JSON.stringify({ level, message, ...fields });',
    "  if (level === 'error') process.stderr.write(line + '\\n');",
    "  else process.stdout.write(line + '\\n');",
    '}',
    '',
    'export const logger = {',
    "  debug: (m: string, f?: Record<string, unknown>) => emit('debug', m, f),",
    "  info: (m: string, f?: Record<string, unknown>) => emit('info', m, f),",
    "  warn: (m: string, f?: Record<string, unknown>) => emit('warn', m, f),",
    "  error: (m: string, f?: Record<string, unknown>) => emit('error', m, f),",
    '};',
    '',
  ];
}

function errorsFile() {
  return [
    'export class HttpError extends Error {',
    '  constructor(public readonly status: number, message: string) {',
    '    super(message);',
    "    this.name = 'HttpError';",
    '  }',
    '}',
    '',
    'export class NotFoundError extends HttpError {',
    '  constructor(what: string) {',
    '    super(404, `${what} not found`);',
    '  }',
    '}',
    '',
    'export function assertFound<T>(value: T | null | undefined, what: string): T {',
    '  if (value === null || value === undefined) throw new NotFoundError(what);',
    '  return value;',
    '}',
    '',
  ];
}

function modelFile(rng, e) {
  const P = pascal(e.name);
  const lines = [
    `export interface ${P} {`,
    '  id: number;',
    ...e.fields.map(([f, , t]) => `  ${camel(f)}: ${t};`),
    '}',
    '',
    `export type New${P} = Omit<${P}, 'id'>;`,
    '',
    `export function is${P}(value: unknown): value is ${P} {`,
    "  return typeof value === 'object' && value !== null && 'id' in value;",
    '}',
    '',
  ];
  return fill(lines, rng.int(20, 90), (i) => [
    `export const ${camel(e.name)}Label${i} = (x: ${P}): string => \`${P} #\${x.id} (${i})\`;`,
    '',
  ]);
}

function repoFile(rng, e, schema, drift) {
  const P = pascal(e.name), c = camel(e.name), t = schema.use(tableName(e.name), 'id', ...e.fields.map(([f]) => f), 'owner_id');
  schema.use('audit_log', 'entity', 'action');
  const cols = ['id', ...e.fields.map(([f]) => f)];
  const colList = cols.join(', ');
  const rowType = `${P}Row`;
  const lines = [
    "import type { PoolClient } from 'pg';",
    "import { pool, withTransaction } from '../db';",
    "import { logger } from '../utils/logger';",
    '',
    `export interface ${rowType} {`,
    '  id: number;',
    ...e.fields.map(([f, , ty]) => `  ${f}: ${ty};`),
    '}',
    '',
    `export async function find${P}ById(id: number): Promise<${rowType} | null> {`,
    `  const { rows } = await pool.query<${rowType}>('SELECT ${colList} FROM ${t} WHERE id = $1', [id]);`,
    '  return rows[0] ?? null;',
    '}',
    '',
    `export async function find${P}sByIds(ids: number[]): Promise<${rowType}[]> {`,
    `  const { rows } = await pool.query<${rowType}>('SELECT ${colList} FROM ${t} WHERE id = ANY($1::bigint[])', [ids]);`,
    '  return rows;',
    '}',
    '',
    `export async function list${P}s(limit = 50, offset = 0): Promise<${rowType}[]> {`,
    '  const { rows } = await pool.query<' + rowType + '>(',
    `    'SELECT ${colList} FROM ${t} ORDER BY id LIMIT $1 OFFSET $2',`,
    '    [limit, offset],',
    '  );',
    '  return rows;',
    '}',
    '',
  ];
  // Occasional smells so the linter has real work: SQL built by concatenation, a client never released,
  // a query inside a loop.
  if (rng.chance(0.06)) {
    lines.push(
      `export async function search${P}s(term: string): Promise<${rowType}[]> {`,
      `  const sql = "SELECT ${colList} FROM ${t} WHERE ${e.fields[0][0]} ILIKE '%" + term + "%'";`,
      '  const { rows } = await pool.query<' + rowType + '>(sql);',
      '  return rows;',
      '}',
      '',
    );
  }
  if (rng.chance(0.04)) {
    lines.push(
      `export async function lock${P}(id: number): Promise<void> {`,
      '  const client = await pool.connect();',
      `  await client.query('SELECT id FROM ${t} WHERE id = $1 FOR UPDATE', [id]);`,
      `  logger.info('locked ${c}', { id });`,
      '}',
      '',
    );
  }
  if (rng.chance(0.08)) {
    schema.use(t, 'version');
    lines.push(
      `export async function touch${P}s(ids: number[]): Promise<void> {`,
      '  for (const id of ids) {',
      `    await pool.query('UPDATE ${t} SET version = version + 1 WHERE id = $1', [id]);`,
      '  }',
      '}',
      '',
    );
  }
  // Deliberate drift: a column the code started using and no migration adds (drawn apart from rng).
  if (drift?.kind === 'new-column') lines.push(...DRIFT_COLUMNS.find(([col]) => col === drift.column)[1](P, t, colList, rowType), '');
  lines.push(
    `export class ${P}Repository {`,
    '  constructor(private readonly db = pool) {}',
    '',
    `  async count(): Promise<number> {`,
    `    const { rows } = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM ${t}');`,
    '    return Number(rows[0]?.n ?? 0);',
    '  }',
    '',
    `  async insert(row: Omit<${rowType}, 'id'>): Promise<${rowType}> {`,
    `    const { rows } = await this.db.query<${rowType}>(`,
    `      'INSERT INTO ${t} (${e.fields.map(([f]) => f).join(', ')}) VALUES (${e.fields.map((_, i) => '$' + (i + 1)).join(', ')}) RETURNING ${colList}',`,
    `      [${e.fields.map(([f]) => 'row.' + f).join(', ')}],`,
    '    );',
    '    return rows[0];',
    '  }',
    '',
    `  async moveOwner(fromId: number, toId: number): Promise<number> {`,
    '    return withTransaction(async (client: PoolClient) => {',
    `      const res = await client.query('UPDATE ${t} SET owner_id = $2 WHERE owner_id = $1', [fromId, toId]);`,
    `      await client.query('INSERT INTO audit_log (entity, action) VALUES ($1, $2)', ['${t}', 'move_owner']);`,
    '      return res.rowCount ?? 0;',
    '    });',
    '  }',
  );
  const target = targetLines(rng);
  fill(lines, target - 2, (i) => {
    const [f, , ty] = e.fields[i % e.fields.length];
    const m = pascal(f) + (i >= e.fields.length ? String(i) : '');
    return [
      '',
      `  async findBy${m}(value: ${ty}, limit = 100): Promise<${rowType}[]> {`,
      `    const { rows } = await this.db.query<${rowType}>(`,
      `      'SELECT ${colList} FROM ${t} WHERE ${f} = $1 ORDER BY id DESC LIMIT $2',`,
      '      [value, limit],',
      '    );',
      `    logger.debug('${c}.findBy${m}', { count: rows.length });`,
      '    return rows;',
      '  }',
    ];
  });
  lines.push('}', '', `export const ${c}Repository = new ${P}Repository();`, '');
  return lines;
}

function serviceFile(rng, e, repoEntities, idx) {
  const P = pascal(e.name), c = camel(e.name);
  const deps = [e, ...rng.sample(repoEntities.filter((x) => x !== e), rng.int(0, 2))];
  const lines = [];
  for (const d of deps) {
    const DP = pascal(d.name);
    lines.push(`import { find${DP}ById, find${DP}sByIds, ${camel(d.name)}Repository } from '../repositories/${d.name}.repository';`);
  }
  lines.push("import { logger } from '../utils/logger';", "import { assertFound } from '../utils/errors';", '');
  lines.push(
    `export async function get${P}(id: number) {`,
    `  return assertFound(await find${P}ById(id), '${c}');`,
    '}',
    '',
  );
  const target = targetLines(rng);
  fill(lines, target, (i) => {
    const d = deps[i % deps.length];
    const DP = pascal(d.name);
    const kind = rng.next();
    if (kind < 0.18) {
      // N+1 across files: a repository call inside a loop.
      return [
        `export async function collect${DP}Details${i}(ids: number[]) {`,
        '  const out = [];',
        '  for (const id of ids) {',
        `    const row = await find${DP}ById(id);`,
        '    if (row) out.push(row);',
        '  }',
        `  logger.info('collect${DP}Details${i}', { n: out.length });`,
        '  return out;',
        '}',
        '',
      ];
    }
    if (kind < 0.28) {
      return [
        `export async function load${DP}Batch${i}(ids: number[]) {`,
        `  return Promise.all(ids.map((id) => find${DP}ById(id)));`,
        '}',
        '',
      ];
    }
    if (kind < 0.6) {
      return [
        `export async function load${DP}Many${i}(ids: number[]) {`,
        '  const unique = [...new Set(ids)];',
        `  const rows = await find${DP}sByIds(unique);`,
        '  const byId = new Map(rows.map((r) => [r.id, r]));',
        '  return unique.map((id) => byId.get(id) ?? null);',
        '}',
        '',
      ];
    }
    if (kind < 0.8) {
      return [
        `export async function count${DP}Stats${i}(): Promise<{ total: number; label: string }> {`,
        `  const total = await ${camel(d.name)}Repository.count();`,
        `  const label = total > ${i * 10} ? 'large' : 'small';`,
        '  return { total, label };',
        '}',
        '',
      ];
    }
    return [
      `export function summarize${DP}${i}(rows: Array<{ id: number }>): string {`,
      '  const ids = rows.map((r) => r.id).sort((a, b) => a - b);',
      "  if (ids.length === 0) return 'empty';",
      '  return `${ids.length} rows from ${ids[0]} to ${ids[ids.length - 1]}`;',
      '}',
      '',
    ];
  });
  return lines;
}

function bigServiceFile(rng, entities, schema) {
  const deps = entities.slice(0, Math.min(entities.length, 6));
  const lines = [
    '// Reporting code grown over years: one big module, edited by bench/lsp-latency.mjs.',
  ];
  for (const d of deps) {
    const DP = pascal(d.name);
    lines.push(`import { find${DP}ById, find${DP}sByIds } from '../repositories/${d.name}.repository';`);
  }
  lines.push("import { pool } from '../db';", "import { logger } from '../utils/logger';", '');
  fill(lines, BIG_FILE_LINES - 1, (i) => {
    const d = deps[i % deps.length];
    const DP = pascal(d.name);
    const t = tableName(d.name);
    if (i % 9 === 4) {
      return [
        `export async function reportLoop${i}(ids: number[]) {`,
        '  const rows = [];',
        '  for (const id of ids) {',
        `    rows.push(await find${DP}ById(id));`,
        '  }',
        '  return rows;',
        '}',
        '',
      ];
    }
    if (i % 9 === 7) {
      schema.use(t, 'created_at');
      return [
        `export async function reportDirect${i}(since: Date) {`,
        `  const { rows } = await pool.query('SELECT count(*) AS n FROM ${t} WHERE created_at >= $1', [since]);`,
        `  logger.info('reportDirect${i}', { n: rows[0]?.n });`,
        '  return Number(rows[0]?.n ?? 0);',
        '}',
        '',
      ];
    }
    return [
      `export async function report${DP}${i}(ids: number[]) {`,
      `  const rows = await find${DP}sByIds(ids);`,
      `  const total = rows.reduce((acc, r) => acc + r.id * ${(i % 7) + 1}, 0);`,
      `  // note ${i}: keep the report stable`,
      '  return { count: rows.length, total };',
      '}',
      '',
    ];
  });
  while (lines.length < BIG_FILE_LINES) lines.push('');
  lines.length = BIG_FILE_LINES;
  lines.push('');
  return lines;
}

function routeFile(rng, e, serviceEntities, schema) {
  const P = pascal(e.name), c = camel(e.name);
  const lines = [
    "import { Router, type Request, type Response, type NextFunction } from 'express';",
    `import { get${P} } from '../services/${e.name}.service';`,
    "import { HttpError } from '../utils/errors';",
    "import { pool } from '../db';",
    '',
    `export const ${c}Router = Router();`,
    '',
    `${c}Router.get('/${plural(e.name)}/:id', async (req: Request, res: Response, next: NextFunction) => {`,
    '  try {',
    '    const id = Number(req.params.id);',
    "    if (!Number.isInteger(id)) throw new HttpError(400, 'bad id');",
    `    res.json(await get${P}(id));`,
    '  } catch (err) {',
    '    next(err);',
    '  }',
    '});',
  ];
  const t = schema.use(tableName(e.name), 'id', 'status', 'owner_id');
  if (rng.chance(0.07)) {
    lines.push(
      '',
      `${c}Router.get('/${plural(e.name)}-sorted', async (req: Request, res: Response) => {`,
      '  const order = String(req.query.order ?? "id");',
      '  const { rows } = await pool.query(`SELECT * FROM ' + t + ' ORDER BY ${order}`);',
      '  res.json(rows);',
      '});',
    );
  }
  const target = targetLines(rng);
  fill(lines, target, (i) => {
    const path = `/${plural(e.name)}/:id/${QUALIFIERS[i % QUALIFIERS.length]}${i >= QUALIFIERS.length ? i : ''}`;
    if (rng.chance(0.3)) {
      return [
        '',
        `${c}Router.post('${path}', async (req: Request, res: Response, next: NextFunction) => {`,
        '  try {',
        '    const ids: number[] = Array.isArray(req.body?.ids) ? req.body.ids.map(Number) : [];',
        '    const results = [];',
        '    for (const id of ids) {',
        `      const { rows } = await pool.query('SELECT id, status FROM ${t} WHERE id = $1', [id]);`,
        '      results.push(rows[0]);',
        '    }',
        '    res.json(results);',
        '  } catch (err) {',
        '    next(err);',
        '  }',
        '});',
      ];
    }
    return [
      '',
      `${c}Router.get('${path}', async (req: Request, res: Response, next: NextFunction) => {`,
      '  try {',
      '    const limit = Math.min(Number(req.query.limit ?? 20), 100);',
      `    const { rows } = await pool.query('SELECT id, status FROM ${t} WHERE owner_id = $1 LIMIT $2', [Number(req.params.id), limit]);`,
      '    res.json({ items: rows, limit });',
      '  } catch (err) {',
      '    next(err);',
      '  }',
      '});',
    ];
  });
  lines.push('');
  return lines;
}

function jobFile(rng, name, services, schema) {
  schema.use('job_queue', 'done');
  const lines = [];
  const used = services;
  for (const s of used) lines.push(`import * as ${camel(s.name)}Service from '../services/${s.name}.service';`);
  lines.push("import { logger } from '../utils/logger';", "import { pool } from '../db';", '');
  lines.push(
    `export async function run${pascal(name)}Job(batchSize = 500): Promise<void> {`,
    "  const { rows } = await pool.query<{ id: number }>('SELECT id FROM job_queue WHERE done = false LIMIT $1', [batchSize]);",
    '  for (const row of rows) {',
    `    await ${camel(used[0].name)}Service.get${pascal(used[0].name)}(row.id);`,
    "    await pool.query('UPDATE job_queue SET done = true WHERE id = $1', [row.id]);",
    '  }',
    `  logger.info('${name} done', { n: rows.length });`,
    '}',
    '',
  );
  fill(lines, targetLines(rng), (i) => [
    `export function schedule${pascal(name)}${i}(now: Date): Date {`,
    '  const next = new Date(now);',
    `  next.setMinutes(next.getMinutes() + ${(i % 12) * 5 + 5});`,
    '  return next;',
    '}',
    '',
  ]);
  return lines;
}

function knexFile(rng, e, schema) {
  const P = pascal(e.name), t = schema.use(tableName(e.name), 'id', 'updated_at', 'status');
  const lines = [
    "import knex from 'knex';",
    '',
    "const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });",
    '',
    `export async function knexFind${P}(id: number) {`,
    `  return db('${t}').where({ id }).first();`,
    '}',
    '',
    `export async function knexTouchAll${P}(ids: number[]) {`,
    '  for (const id of ids) {',
    `    await db('${t}').where({ id }).update({ updated_at: db.fn.now() });`,
    '  }',
    '}',
    '',
  ];
  return fill(lines, targetLines(rng), (i) => [
    `export async function knexList${P}${i}(limit: number) {`,
    `  return db('${t}').select('id', 'status').orderBy('id').limit(limit).offset(${i * 10});`,
    '}',
    '',
  ]);
}

function prismaFile(rng, e) {
  const P = pascal(e.name), c = camel(e.name).replace(/[^A-Za-z0-9]/g, '');
  const lines = [
    "import { PrismaClient } from '@prisma/client';",
    '',
    'const prisma = new PrismaClient();',
    '',
    `export async function prismaFind${P}(id: number) {`,
    `  return prisma.${c}.findUnique({ where: { id } });`,
    '}',
    '',
    `export async function prismaLoad${P}s(ids: number[]) {`,
    '  const out = [];',
    `  for (const id of ids) out.push(await prisma.${c}.findUnique({ where: { id } }));`,
    '  return out;',
    '}',
    '',
  ];
  return fill(lines, targetLines(rng), (i) => [
    `export async function prismaPage${P}${i}(cursor?: number) {`,
    `  return prisma.${c}.findMany({ take: ${10 + i}, ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}) });`,
    '}',
    '',
  ]);
}

function utilFile(rng, i) {
  const name = `helpers${i}`;
  const lines = [`// General helpers (${name}): no database access.`, ''];
  return fill(lines, targetLines(rng), (k) => {
    const v = rng.int(0, 4);
    if (v === 0) return [
      `export function chunk${k}<T>(items: T[], size: number): T[][] {`,
      '  const out: T[][] = [];',
      '  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));',
      '  return out;',
      '}',
      '',
    ];
    if (v === 1) return [
      `export function slugify${k}(input: string): string {`,
      '  return input',
      '    .normalize(\'NFKD\')',
      "    .replace(/[^a-zA-Z0-9]+/g, '-')",
      "    .replace(/^-+|-+$/g, '')",
      '    .toLowerCase();',
      '}',
      '',
    ];
    if (v === 2) return [
      `export async function retry${k}<T>(fn: () => Promise<T>, attempts = ${rng.int(2, 5)}): Promise<T> {`,
      '  let last: unknown;',
      '  for (let i = 0; i < attempts; i++) {',
      '    try {',
      '      return await fn();',
      '    } catch (err) {',
      '      last = err;',
      '      await new Promise((r) => setTimeout(r, 2 ** i * 50));',
      '    }',
      '  }',
      '  throw last;',
      '}',
      '',
    ];
    if (v === 3) return [
      `export interface Page${k}<T> { items: T[]; total: number; page: number }`,
      `export function paginate${k}<T>(items: T[], page: number, size = ${rng.int(10, 50)}): Page${k}<T> {`,
      '  const start = (page - 1) * size;',
      '  return { items: items.slice(start, start + size), total: items.length, page };',
      '}',
      '',
    ];
    return [
      `export const format${k} = (cents: number, currency = 'EUR'): string =>`,
      "  new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(cents / 100);",
      '',
    ];
  });
}

function apiClientFile() {
  return [
    'export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {',
    "  const res = await fetch('/api' + path, { headers: { accept: 'application/json' }, ...init });",
    '  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);',
    '  return (await res.json()) as T;',
    '}',
    '',
    'export async function postJson<T>(path: string, body: unknown): Promise<T> {',
    "  return getJson<T>(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });",
    '}',
    '',
  ];
}

function webFile(rng, comp, others) {
  const { name, path } = comp;
  const isHook = path.endsWith('.ts');
  const depth = path.split('/').length - 2; // from src/
  const up = '../'.repeat(depth - 1);
  const lines = [];
  if (isHook) {
    lines.push(
      "import { useEffect, useState } from 'react';",
      `import { getJson } from '${up}lib/api';`,
      '',
      `export function ${name}<T>(path: string): { data: T | null; error: string | null; loading: boolean } {`,
      '  const [data, setData] = useState<T | null>(null);',
      '  const [error, setError] = useState<string | null>(null);',
      '  const [loading, setLoading] = useState(true);',
      '  useEffect(() => {',
      '    let cancelled = false;',
      '    getJson<T>(path)',
      '      .then((d) => { if (!cancelled) setData(d); })',
      '      .catch((e: Error) => { if (!cancelled) setError(e.message); })',
      '      .finally(() => { if (!cancelled) setLoading(false); });',
      '    return () => { cancelled = true; };',
      '  }, [path]);',
      '  return { data, error, loading };',
      '}',
      '',
    );
    return fill(lines, Math.min(targetLines(rng), 160), (k) => [
      `export function ${name}Selector${k}<T extends { id: number }>(items: T[], id: number): T | undefined {`,
      '  return items.find((x) => x.id === id);',
      '}',
      '',
    ]);
  }
  lines.push("import React, { useMemo, useState } from 'react';", `import { getJson, postJson } from '${up}lib/api';`);
  for (const o of others) {
    const rel = relImport(path, o.path);
    lines.push(`import { ${o.name} } from '${rel}';`);
  }
  lines.push(
    '',
    `export interface ${name}Props {`,
    '  title: string;',
    '  items: Array<{ id: number; label: string; value: number }>;',
    '  onSelect?: (id: number) => void;',
    '}',
    '',
  );
  const body = [];
  fill(body, Math.max(20, targetLines(rng) - 40), (k) => {
    const v = k % 4;
    if (v === 0) return [
      `function ${name}Item${k}({ label, value }: { label: string; value: number }) {`,
      '  return (',
      `    <li className="${camel(name)}-item-${k}">`,
      '      <span className="label">{label}</span>',
      '      <strong>{value.toLocaleString()}</strong>',
      '    </li>',
      '  );',
      '}',
      '',
    ];
    if (v === 1) return [
      `function use${name}Total${k}(items: ${name}Props['items']): number {`,
      `  return useMemo(() => items.reduce((acc, x) => acc + x.value * ${k + 1}, 0), [items]);`,
      '}',
      '',
    ];
    if (v === 2) return [
      `async function save${name}${k}(id: number, value: number): Promise<void> {`,
      `  await postJson('/${camel(name).toLowerCase()}/${k}', { id, value });`,
      '}',
      '',
    ];
    return [
      `const ${camel(name)}Styles${k} = {`,
      `  padding: ${4 * (k % 5)},`,
      `  margin: ${2 * (k % 3)},`,
      "  display: 'flex',",
      '} as const;',
      '',
    ];
  });
  lines.push(...body);
  const itemComps = body.filter((l) => l.startsWith(`function ${name}Item`)).map((l) => l.slice(9, l.indexOf('(')));
  const totals = body.filter((l) => l.startsWith(`function use${name}Total`)).map((l) => l.slice(9, l.indexOf('(')));
  const saves = body.filter((l) => l.startsWith(`async function save${name}`)).map((l) => l.slice(15, l.indexOf('(')));
  const styles = body.filter((l) => l.startsWith(`const ${camel(name)}Styles`)).map((l) => l.slice(6, l.indexOf(' =')));
  lines.push(
    `export function ${name}({ title, items, onSelect }: ${name}Props) {`,
    "  const [query, setQuery] = useState('');",
    '  const [remote, setRemote] = useState<number | null>(null);',
    '  const visible = items.filter((x) => x.label.toLowerCase().includes(query.toLowerCase()));',
  );
  if (totals[0]) lines.push(`  const total = ${totals[0]}(visible);`);
  else lines.push('  const total = visible.length;');
  lines.push(
    '  async function refresh() {',
    `    const r = await getJson<{ n: number }>('/${camel(name).toLowerCase()}/count');`,
    '    setRemote(r.n);',
    '  }',
  );
  if (saves[0]) lines.push(`  const save = (id: number) => ${saves[0]}(id, total);`);
  lines.push(
    '  return (',
    `    <section${styles[0] ? ` style={${styles[0]}}` : ''}>`,
    '      <h2>{title}</h2>',
    '      <input value={query} onChange={(e: { target: { value: string } }) => setQuery(e.target.value)} placeholder="Filter" />',
    '      <button onClick={() => void refresh()}>Refresh {remote ?? \'\'}</button>',
    '      <ul>',
    '        {visible.map((x) => (',
    `          <li key={x.id} onClick={() => { onSelect?.(x.id);${saves[0] ? ' void save(x.id);' : ''} }}>`,
    itemComps[0] ? `            <${itemComps[0]} label={x.label} value={x.value} />` : '            {x.label}',
    '          </li>',
    '        ))}',
    '      </ul>',
  );
  for (const o of others) lines.push(`      <${o.name} title="${o.name}" items={visible} />`);
  lines.push('      <footer>Total: {total}</footer>', '    </section>', '  );', '}', '');
  return lines;
}

function relImport(from, to) {
  const a = from.split('/').slice(0, -1);
  const b = to.replace(/\.tsx?$/, '').split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  const ups = a.length - i;
  const rest = b.slice(i).join('/');
  return (ups === 0 ? './' : '../'.repeat(ups)) + rest;
}

// Migrations for the schema the code uses, minus the deliberate drift (`omit`: table -> true for the whole
// table, or a Set of columns). About a quarter of the files are ALTER TABLE migrations adding, to tables
// created earlier, some of the columns the code names; the rest create several tables each.
function migrationFiles(rng, schema, nMig, omit) {
  const tables = [...schema.tables].filter(([t]) => omit.get(t) !== true)
    .map(([t, cols]) => [t, [...cols].filter((c) => !omit.get(t)?.has(c))]);
  const nAlter = nMig >= 4 ? Math.floor(nMig / 4) : 0;
  const nCreate = nMig - nAlter;
  // Alter migration j runs after create migration afterChunk[j].
  const afterChunk = Array.from({ length: nAlter }, (_, j) => Math.floor(((j + 1) * nCreate) / (nAlter + 1)) - 1);
  const creates = Array.from({ length: nCreate }, () => []);
  const alters = Array.from({ length: nAlter }, () => []);
  tables.forEach(([t, cols], i) => {
    const chunk = Math.floor((i * nCreate) / tables.length);
    const j = afterChunk.findIndex((c) => c >= chunk);
    const now = [], later = [];
    for (const c of cols) {
      // A table's core columns stay in its CREATE TABLE; the others (owner_id, status, version…) sometimes come later.
      const deferrable = j >= 0 && !schema.core.get(t)?.has(c);
      (deferrable && rng.chance(0.35) ? later : now).push(c);
    }
    if (j >= 0 && rng.chance(0.15)) later.push('notes');
    creates[chunk].push([t, now]);
    if (later.length) alters[j].push([t, later]);
  });
  const files = [];
  const name = (prefix, list) => `${String(files.length + 1).padStart(4, '0')}_${prefix}_${list[0][0]}${list.length > 1 ? `_and_${list.length - 1}_more` : ''}.sql`;
  const pushAlters = (chunk) => {
    afterChunk.forEach((c, j) => {
      if (c !== chunk) return;
      // Never empty: fall back to a spare column on the last table created so far.
      if (!alters[j].length) alters[j].push([creates[c].at(-1)[0], ['notes']]);
      const lines = [`-- ${String(files.length + 1).padStart(4, '0')}: columns added to ${alters[j].map(([t]) => t).join(', ')}`];
      for (const [t, cols] of alters[j]) for (const col of cols) lines.push(`ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${col} ${columnDef(col)};`);
      lines.push('');
      files.push([name('alter', alters[j]), lines]);
    });
  };
  creates.forEach((list, chunk) => {
    const lines = [`-- ${String(files.length + 1).padStart(4, '0')}: ${list.map(([t]) => t).join(', ')}`];
    for (const [t, cols] of list) {
      lines.push(`CREATE TABLE IF NOT EXISTS ${t} (`, ...cols.map((c, i) => `  ${c} ${columnDef(c)}${i === cols.length - 1 ? '' : ','}`), ');');
      for (const c of cols.filter((x) => x !== 'id').slice(0, rng.int(1, 2))) lines.push(`CREATE INDEX IF NOT EXISTS ${t}_${c}_idx ON ${t} (${c});`);
      lines.push('');
    }
    files.push([name('create', list), lines]);
    pushAlters(chunk);
  });
  return files;
}

function appFile(routeEntities) {
  const lines = ["import express from 'express';"];
  for (const e of routeEntities) lines.push(`import { ${camel(e.name)}Router } from './routes/${e.name}.routes';`);
  lines.push('', 'export const app = express();', 'app.use(express.json());');
  for (const e of routeEntities) lines.push(`app.use('/api', ${camel(e.name)}Router);`);
  lines.push('');
  return lines;
}

// ---------------------------------------------------------------- driver
// driftShare: share of entities given a deliberate schema drift (tests raise it to see every kind).
export function generateCorpus({ files = 5000, seed = 1, out, driftShare = 0.015 }) {
  const N = Math.max(20, Math.floor(Number(files)));
  if (!Number.isFinite(N)) throw new Error('--files must be a number');
  const rng = makeRng(seed);
  const { counts, entities } = plan(N, rng);
  const out_ = new Map(); // path -> lines
  const schema = newSchema();
  // Tables in migration order; an entity table starts with id, the entity's fields, created_at; the code
  // adds the columns it names.
  schema.define('audit_log', 'entity', 'action', 'created_at');
  entities.forEach((e, i) => {
    if (i === Math.floor(entities.length / 2)) schema.define('job_queue', 'payload', 'done', 'created_at');
    schema.define(tableName(e.name), ...e.fields.map(([f]) => f), 'created_at');
  });
  // Deliberate drift, drawn from its own generator so the rest of the corpus keeps its random stream.
  const drng = makeRng((Number(seed) ^ 0x5bd1e995) >>> 0);
  const drifted = driftShare > 0 ? drng.sample(entities, Math.max(1, Math.round(entities.length * driftShare))) : [];
  const driftOf = new Map();
  const drift = []; // {kind, table, column?}
  const omit = new Map(); // table -> true | Set of columns
  drifted.forEach((e, k) => {
    const kind = DRIFT_KINDS[k % DRIFT_KINDS.length], table = tableName(e.name);
    if (kind === 'new-column') {
      const column = DRIFT_COLUMNS[drift.filter((d) => d.kind === kind).length % DRIFT_COLUMNS.length][0];
      driftOf.set(e, { kind, column });
      drift.push({ kind, table, column });
    } else if (kind === 'missing-field') {
      const column = drng.pick(e.fields)[0];
      omit.set(table, new Set([column]));
      drift.push({ kind, table, column });
    } else {
      omit.set(table, true);
      drift.push({ kind, table });
    }
  });

  out_.set('src/db.ts', dbFile());
  out_.set('src/config.ts', configFile());
  out_.set('src/utils/logger.ts', loggerFile());
  out_.set('src/utils/errors.ts', errorsFile());
  out_.set('src/web/lib/api.ts', apiClientFile());

  entities.forEach((e, i) => out_.set(`src/repositories/${e.name}.repository.ts`, repoFile(rng, e, schema, driftOf.get(e))));
  const modelEntities = entities.slice(0, counts.model);
  while (modelEntities.length < counts.model) modelEntities.push({ name: entityName(entities.length + modelEntities.length), fields: entityFields(rng) });
  modelEntities.forEach((e) => out_.set(`src/models/${e.name}.ts`, modelFile(rng, e)));

  const serviceEntities = [];
  for (let i = 0; i < counts.service; i++) serviceEntities.push(entities[i % entities.length]);
  const seenServices = new Set();
  const services = [];
  serviceEntities.forEach((e, i) => {
    let name = e.name;
    if (seenServices.has(name)) name = `${e.name}-ops${i}`;
    seenServices.add(name);
    services.push({ name, e });
  });
  // Services named after an entity provide get<Entity>; the "-ops" variants wrap another entity.
  for (const s of services) {
    const lines = serviceFile(rng, s.e, entities);
    if (s.name !== s.e.name) lines.push(`export const ${camel(s.name)}Ready = true;`, '');
    out_.set(`src/services/${s.name}.service.ts`, lines);
  }
  out_.set(BIG_FILE, bigServiceFile(rng, entities, schema));

  const primaryServices = services.filter((s) => s.name === s.e.name);
  const routeEntities = [];
  for (let i = 0; i < counts.route; i++) routeEntities.push(primaryServices[i % primaryServices.length]);
  const routeNames = [];
  routeEntities.forEach((s, i) => {
    const name = i < primaryServices.length ? s.name : `${s.name}-v${Math.floor(i / primaryServices.length) + 1}`;
    routeNames.push({ name });
    const lines = routeFile(rng, s.e, services, schema);
    if (name !== s.name) lines.unshift(`// API version ${Math.floor(i / primaryServices.length) + 1} of the ${s.name} routes`);
    out_.set(`src/routes/${name}.routes.ts`, lines.map((l) => (name !== s.name ? l.replace(`export const ${camel(s.name)}Router`, `export const ${camel(name)}Router`).replace(new RegExp(`^${camel(s.name)}Router\\.`), `${camel(name)}Router.`) : l)));
  });
  out_.set('src/app.ts', appFile(routeNames));
  out_.set('src/server.ts', [
    "import { app } from './app';",
    "import { config } from './config';",
    "import { logger } from './utils/logger';",
    '',
    "app.listen(config.port, () => logger.info('listening', { port: config.port }));",
    '',
  ]);

  for (let i = 0; i < counts.job; i++) {
    const name = `${entityName(i)}-nightly`;
    const used = rng.sample(primaryServices, Math.min(primaryServices.length, rng.int(1, 3))).map((s) => s.e);
    out_.set(`src/jobs/${name}.job.ts`, jobFile(rng, name, used, schema));
  }
  for (let i = 0; i < counts.knex; i++) out_.set(`src/data/knex/${entities[i % entities.length].name}${i >= entities.length ? i : ''}.knex.ts`, knexFile(rng, entities[i % entities.length], schema));
  for (let i = 0; i < counts.prisma; i++) out_.set(`src/data/prisma/${entities[i % entities.length].name}${i >= entities.length ? i : ''}.prisma.ts`, prismaFile(rng, entities[i % entities.length]));
  for (let i = 0; i < counts.util; i++) out_.set(`src/utils/helpers${i}.ts`, utilFile(rng, i));

  // Front end: components by area, hooks; each component imports 0–2 earlier components.
  const comps = [];
  const webCount = counts.web;
  for (let i = 0; i < webCount; i++) {
    const area = UI_AREAS[i % UI_AREAS.length];
    if (i % 8 === 7) {
      const name = `use${pascal(NOUNS[i % NOUNS.length])}${UI_WORDS[i % UI_WORDS.length]}${i}`;
      comps.push({ name, path: `src/web/hooks/${name}.ts` });
    } else {
      const name = `${pascal(NOUNS[(i * 7) % NOUNS.length])}${UI_WORDS[i % UI_WORDS.length]}${i}`;
      comps.push({ name, path: `src/web/components/${area}/${name}.tsx` });
    }
  }
  comps.forEach((c, i) => {
    const earlier = comps.slice(Math.max(0, i - 30), i).filter((o) => o.path.endsWith('.tsx'));
    const others = c.path.endsWith('.tsx') ? rng.sample(earlier, rng.int(0, 2)) : [];
    out_.set(c.path, webFile(rng, c, others));
  });
  // main.tsx renders a handful of top components.
  const tops = comps.filter((c) => c.path.endsWith('.tsx')).slice(-3);
  out_.set('src/web/main.tsx', [
    "import React from 'react';",
    ...tops.map((c) => `import { ${c.name} } from '${relImport('src/web/main.tsx', c.path)}';`),
    '',
    'export function App() {',
    '  return (',
    '    <main>',
    ...tops.map((c) => `      <${c.name} title="${c.name}" items={[]} />`),
    '    </main>',
    '  );',
    '}',
    '',
  ]);

  const nMig = Math.max(1, Math.round(N * 0.04));
  for (const [file, lines] of migrationFiles(rng, schema, nMig, omit)) out_.set(`migrations/${file}`, lines);

  out_.set('package.json', JSON.stringify({
    name: 'bench-backend', private: true, version: '1.0.0',
    dependencies: { '@prisma/client': '5.0.0', express: '4.19.2', knex: '3.1.0', pg: '8.12.0', react: '18.3.1' },
  }, null, 2).split('\n').concat(['']));
  out_.set('tsconfig.json', JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'commonjs', jsx: 'react', strict: true, esModuleInterop: true, skipLibCheck: true },
    include: ['src'],
  }, null, 2).split('\n').concat(['']));

  const paths = [...out_.keys()].sort();
  const srcCount = paths.filter((p) => /\.tsx?$/.test(p)).length;
  if (out) {
    if (existsSync(out)) rmSync(out, { recursive: true, force: true });
    for (const p of paths) {
      const abs = join(out, p);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, out_.get(p).join('\n'));
    }
    writeFileSync(join(out, '.bench-manifest.json'), JSON.stringify({ generatorVersion: GENERATOR_VERSION, files: N, seed: Number(seed), sourceFiles: srcCount, totalFiles: paths.length }, null, 2) + '\n');
  }
  return { paths, sourceFiles: srcCount, counts, files: out_, drift };
}

// Reuse an existing corpus when its manifest matches; otherwise (re)generate.
export function ensureCorpus({ files, seed, out }) {
  const mf = join(out, '.bench-manifest.json');
  if (existsSync(mf)) {
    try {
      const m = JSON.parse(readFileSync(mf, 'utf8'));
      if (m.generatorVersion === GENERATOR_VERSION && m.files === files && m.seed === Number(seed)) return { reused: true, ...m };
    } catch { /* regenerate */ }
  }
  const r = generateCorpus({ files, seed, out });
  return { reused: false, generatorVersion: GENERATOR_VERSION, files, seed: Number(seed), sourceFiles: r.sourceFiles, totalFiles: r.paths.length };
}

export function parseIntArg(name, value) {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0) {
    console.error(`${name} expects a non-negative integer, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
    process.exit(2);
  }
  return n;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  let files = 5000, seed = 1, out;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--files') files = parseIntArg('--files', args[++i]);
    else if (a === '--seed') seed = parseIntArg('--seed', args[++i]);
    else if (a === '--out') out = args[++i];
    else if (a === '-h' || a === '--help') {
      console.log('usage: node bench/generate.mjs [--files N (default 5000)] [--seed S (default 1)] [--out DIR (default bench/.corpus/gen-N)]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a} (try --help)`);
      process.exit(2);
    }
  }
  if (files < 20) { console.error('--files must be at least 20'); process.exit(2); }
  if (!out) out = join(dirname(fileURLToPath(import.meta.url)), '.corpus', `gen-${files}`);
  if (!out) { console.error('--out expects a folder'); process.exit(2); }
  const t0 = performance.now();
  const r = generateCorpus({ files, seed, out });
  let lines = 0, bytes = 0;
  for (const l of r.files.values()) { lines += l.length; bytes += l.join('\n').length; }
  console.log(`generated ${r.paths.length} files (${r.sourceFiles} .ts/.tsx, ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB) in ${out} (seed ${seed}, ${Math.round(performance.now() - t0)} ms)`);
  console.log('shares: ' + Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', '));
}
