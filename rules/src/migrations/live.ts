/**
 * Live database checks (opt-in: `--database-url`, `pglint.database.url`, config `database.url`).
 *
 * checkLiveDatabase(project, url) -> {findings, warnings}
 *  - migrations present in the folder but missing from the tool's own history table (flyway_schema_history,
 *    pgmigrations, knex_migrations, _prisma_migrations, schema_migrations for dbmate and golang-migrate);
 *  - the code's static SQL described by the live server: `PREPARE` (parse + analyse, never executes) inside
 *    `BEGIN READ ONLY` … `ROLLBACK`, with a statement_timeout and default_transaction_read_only on;
 *  - the sum of the pool sizes configured in the code (`new Pool({ max })`, postgres.js `max`, knex `pool.max`;
 *    the library default when absent) against max_connections minus the reserved connections (20.2.3).
 * It never writes. The password never appears in messages (URLs are redacted, error texts scrubbed).
 * An unreachable server, a wrong password or any other connection problem is one warning; the run goes on.
 */
import * as ts from 'typescript';
import type { Finding, Language } from '../engine/types';
import type { FileModel } from '../engine/model';
import { discoverFiles } from '../engine/discover';
import { isSourceFile } from '../engine/parse';
import { formatMessage } from '../engine/rule';
import type { Migration, MigrationGroup, MigrationSet } from './types';
import { collectSqlSites, tempTablesOf } from './missing';
import { splitSql } from './sql-split';
import { ensureParser } from './unsafe';
import { MISSING_RULE_ID } from './lint';
import { LIVE_MESSAGES } from './messages';

export const LIVE_RULE_ID = 'live-database';

/** What of Project the live checks use. */
export interface LiveProject {
  root: string;
  config: { ignores: readonly string[]; docs: { language: Language } };
  migrationSet(): MigrationSet | undefined;
  reachesDatabase(absPath: string): boolean;
  model(absPath: string): FileModel | undefined;
}

export interface LiveOptions {
  /** statement_timeout and connection timeout, ms (default 5000). */
  timeoutMs?: number;
  /** Source files to check (default: the project's files, as the CLI discovers them). */
  files?: string[];
  language?: Language;
}

export interface LiveResult {
  findings: Finding[];
  warnings: string[];
}

/** The URL with its password (and any `password=` parameter) replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of [...u.searchParams.keys()]) if (/pass/i.test(k)) u.searchParams.set(k, '***');
    return u.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/(password=)[^&\s]*/gi, '$1***');
  }
}

function passwordOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    const p = u.password ? decodeURIComponent(u.password) : u.searchParams.get('password') ?? undefined;
    return p || undefined;
  } catch {
    return /\/\/[^:/@]*:([^@]*)@/.exec(url)?.[1];
  }
}

/** Removes every trace of the password (raw and URL-encoded) and of the full URL from a text. */
function scrub(text: string, url: string): string {
  let out = text.split(url).join(redactUrl(url));
  const pw = passwordOf(url);
  if (pw && pw.length >= 1) {
    for (const v of new Set([pw, encodeURIComponent(pw)])) out = out.split(v).join('***');
  }
  return out;
}

function msg(id: keyof typeof LIVE_MESSAGES, language: Language, data: Record<string, string>): string {
  return formatMessage(LIVE_MESSAGES[id][language], data);
}

// ── history tables ─────────────────────────────────────────────────────────────

interface HistorySpec {
  table: string;
  /** Query returning the applied identifiers in a column named `id`. */
  sql: string;
  /** Identifier of a migration as the tool stores it. */
  idOf: (m: Migration) => string | undefined;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop()!;
}

const HISTORY: Partial<Record<string, HistorySpec>> = {
  flyway: {
    table: 'flyway_schema_history',
    sql: 'SELECT version AS id FROM flyway_schema_history WHERE success AND version IS NOT NULL',
    idOf: (m) => (m.repeatable ? undefined : m.version),
  },
  'node-pg-migrate': {
    table: 'pgmigrations',
    sql: 'SELECT name AS id FROM pgmigrations',
    idOf: (m) => baseName(m.file).replace(/\.[cm]?[jt]s$/, ''),
  },
  knex: {
    table: 'knex_migrations',
    sql: 'SELECT name AS id FROM knex_migrations',
    idOf: (m) => baseName(m.file),
  },
  prisma: {
    table: '_prisma_migrations',
    sql: 'SELECT migration_name AS id FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    idOf: (m) => baseName(m.file.replace(/[\\/]migration\.sql$/, '')),
  },
  dbmate: {
    table: 'schema_migrations',
    sql: 'SELECT version::text AS id FROM schema_migrations',
    idOf: (m) => /^(\d+)/.exec(baseName(m.file))?.[1],
  },
};

async function unappliedMigrations(client: import('pg').Client, group: MigrationGroup, language: Language, where: string): Promise<{ findings: Finding[]; warning?: string }> {
  const findings: Finding[] = [];
  const report = (m: Migration) => {
    const data = { name: baseName(m.file), tool: group.tool, db: where };
    findings.push({ ruleId: MISSING_RULE_ID, messageId: 'notApplied', message: msg('notApplied', language, data), severity: 'warn', file: m.file, start: m.upRange?.start ?? 0, end: m.upRange?.end ?? Math.min(m.text.indexOf('\n') < 0 ? m.text.length : m.text.indexOf('\n'), m.text.length), data });
  };
  if (group.tool === 'golang-migrate') {
    const exists = await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS ok");
    if (!exists.rows[0]?.ok) return { findings, warning: msg('noHistory', language, { table: 'schema_migrations', tool: group.tool, db: where }) };
    const r = await client.query('SELECT version::text AS v, dirty FROM schema_migrations LIMIT 1');
    const current = r.rows[0] ? BigInt(r.rows[0].v) : -1n;
    for (const m of group.migrations) {
      const v = /^(\d+)/.exec(baseName(m.file))?.[1];
      if (v !== undefined && BigInt(v) > current) report(m);
    }
    return { findings };
  }
  const spec = HISTORY[group.tool];
  if (!spec) return { findings };
  const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS ok', [spec.table]);
  if (!exists.rows[0]?.ok) return { findings, warning: msg('noHistory', language, { table: spec.table, tool: group.tool, db: where }) };
  const rows = await client.query(spec.sql);
  const applied = new Set(rows.rows.map((x: { id: string }) => String(x.id)));
  for (const m of group.migrations) {
    const id = spec.idOf(m);
    if (id !== undefined && !applied.has(id)) report(m);
  }
  return { findings };
}

// ── code SQL against the live schema ───────────────────────────────────────────

const DESCRIBABLE = /^\s*(WITH|SELECT|INSERT|UPDATE|DELETE|VALUES|TABLE|MERGE)\b/i;

function identAt(sql: string, at: number): { start: number; end: number } {
  const spans: { start: number; end: number }[] = [];
  let i = at;
  for (;;) {
    const m = /^("(?:[^"]|"")*"|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)/.exec(sql.slice(i));
    if (!m) break;
    spans.push({ start: i, end: i + m[0].length });
    i += m[0].length;
    if (sql[i] !== '.') break;
    i++;
  }
  return spans[spans.length - 1] ?? { start: at, end: at };
}

// ── pool sizes ─────────────────────────────────────────────────────────────────

interface PoolSite {
  file: string;
  start: number;
  end: number;
  max: number;
  lib: string;
  explicit: boolean;
}

function numberOf(e: ts.Expression | undefined): number | undefined {
  if (!e) return undefined;
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x)) x = x.expression;
  if (ts.isNumericLiteral(x)) return Number(x.text);
  // process.env.X ? … : 20 / Number(process.env.X ?? 20) / parseInt(…) || 20: the constant fallback.
  if (ts.isBinaryExpression(x) && (x.operatorToken.kind === ts.SyntaxKind.BarBarToken || x.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) return numberOf(x.right);
  if (ts.isCallExpression(x) && ts.isIdentifier(x.expression) && /^(Number|parseInt)$/.test(x.expression.text)) return numberOf(x.arguments[0]);
  return undefined;
}

function prop(o: ts.Expression | undefined, name: string): ts.Expression | undefined {
  if (!o || !ts.isObjectLiteralExpression(o)) return undefined;
  for (const p of o.properties) if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
  return undefined;
}

/** Pools the code creates and their maximum size (library default when not set). */
export function poolSites(model: FileModel): PoolSite[] {
  const out: PoolSite[] = [];
  const sf = model.sourceFile;
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) || ts.isCallExpression(n)) {
      const v = model.valueOf(n);
      const kind = v && (v.t === 'db' ? v.kind : v.t === 'promise' && v.of.t === 'db' ? v.of.kind : undefined);
      const args = n.arguments ?? ts.factory.createNodeArray();
      let max: number | undefined;
      let lib: string | undefined;
      if (kind === 'pg.Pool' && ts.isNewExpression(n)) {
        lib = 'pg';
        max = numberOf(prop(args[0], 'max'));
      } else if (kind === 'postgres.Sql' && ts.isCallExpression(n) && !ts.isPropertyAccessExpression(n.expression)) {
        lib = 'postgres';
        max = numberOf(prop(args[args.length - 1], 'max'));
      } else if (kind === 'knex.Knex' && ts.isCallExpression(n) && args[0] && ts.isObjectLiteralExpression(args[0]) && prop(args[0], 'client')) {
        lib = 'knex';
        max = numberOf(prop(prop(args[0], 'pool'), 'max'));
      } else if (kind === 'slonik.Pool') {
        lib = 'slonik';
        max = numberOf(prop(args[1], 'maximumPoolSize'));
      }
      if (lib) {
        out.push({ file: model.path, start: n.getStart(sf), end: n.getEnd(), max: max ?? 10, lib, explicit: max !== undefined });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

// ── entry point ────────────────────────────────────────────────────────────────

function sourceFiles(project: LiveProject, files?: string[]): string[] {
  if (files) return files.filter(isSourceFile);
  try {
    return discoverFiles(project.root, [project.root], project.config.ignores).files.filter(isSourceFile);
  } catch {
    return [];
  }
}

/** Runs the live checks. Never throws; never writes. */
export async function checkLiveDatabase(project: LiveProject, url: string, options: LiveOptions = {}): Promise<LiveResult> {
  const language = options.language ?? project.config.docs.language ?? 'en';
  const timeout = options.timeoutMs ?? 5000;
  const where = redactUrl(url);
  const findings: Finding[] = [];
  const warnings: string[] = [];
  let pg: typeof import('pg');
  try {
    // require() in the CommonJS bundles (see startPglite), import() under the test runner's ES modules.
    pg = typeof require === 'function' ? (require('pg') as typeof import('pg')) : await import('pg');
  } catch {
    return { findings, warnings: [msg('noDriver', language, {})] };
  }
  const Client = (pg as unknown as { default?: typeof import('pg') }).default?.Client ?? pg.Client;
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: timeout,
    statement_timeout: timeout,
    query_timeout: timeout * 2,
    application_name: 'pglint (read-only checks)',
  } as import('pg').ClientConfig);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    return { findings, warnings: [msg('unreachable', language, { db: where, error: scrub((err as Error).message || String(err), url) })] };
  }
  try {
    // Belt and braces: the session refuses writes, and every check runs in a READ ONLY transaction rolled back.
    await client.query('SET default_transaction_read_only = on');
    await client.query(`SET statement_timeout = ${Math.max(1, Math.floor(timeout))}`);
    await client.query('BEGIN READ ONLY');
    try {
      // 1. Migrations not applied.
      const set = project.migrationSet();
      for (const g of set?.groups ?? []) {
        await client.query('SAVEPOINT pglint_history');
        try {
          const r = await unappliedMigrations(client, g, language, where);
          findings.push(...r.findings);
          if (r.warning) warnings.push(r.warning);
          await client.query('RELEASE SAVEPOINT pglint_history');
        } catch (err) {
          await client.query('ROLLBACK TO SAVEPOINT pglint_history');
          warnings.push(msg('historyFailed', language, { tool: g.tool, error: scrub((err as Error).message, url) }));
        }
      }
      // 2. Code SQL described by the server; 3. pool sizes.
      await ensureParser();
      const pools: PoolSite[] = [];
      let n = 0;
      for (const file of sourceFiles(project, options.files)) {
        let model: FileModel | undefined;
        try {
          if (!project.reachesDatabase(file)) continue;
          model = project.model(file);
        } catch {
          continue;
        }
        if (!model || model.syntaxErrors.length) continue;
        pools.push(...poolSites(model));
        const sites = collectSqlSites(model);
        const temp = new Set(Object.keys(tempTablesOf(sites.map((s) => s.sql))));
        const seen = new Set<string>();
        for (const site of sites) {
          for (const chunk of splitSql(site.sql)) {
            const text = chunk.sql.replace(/;\s*$/, '');
            if (!DESCRIBABLE.test(text)) continue;
            if (temp.size && [...temp].some((t) => new RegExp(`\\b${t}\\b`, 'i').test(text))) continue;
            const name = `pglint_${++n}`;
            await client.query('SAVEPOINT pglint_check');
            try {
              await client.query(`PREPARE ${name} AS ${text}`);
              await client.query(`DEALLOCATE ${name}`);
              await client.query('RELEASE SAVEPOINT pglint_check');
            } catch (err) {
              await client.query('ROLLBACK TO SAVEPOINT pglint_check');
              const e = err as { code?: string; message?: string; position?: string };
              if (e.code !== '42P01' && e.code !== '42703' && e.code !== '42P10' && e.code !== '42883') continue;
              // Position counts from the start of "PREPARE name AS ".
              const prefix = `PREPARE ${name} AS `.length;
              const pos = e.position ? Number(e.position) - 1 - prefix : -1;
              const span = pos >= 0 ? identAt(text, pos) : { start: 0, end: 0 };
              const offset = chunk.start;
              const start = site.toFile(offset + span.start);
              const end = Math.max(start, site.toFile(offset + span.end, true));
              const key = `${start}:${e.message}`;
              if (seen.has(key)) continue;
              seen.add(key);
              const data = { message: scrub(e.message ?? '', url), db: where };
              findings.push({ ruleId: MISSING_RULE_ID, messageId: 'liveSchema', message: msg('liveSchema', language, data), severity: 'error', file: model.path, start, end, data });
            }
          }
        }
      }
      const settings = await client.query(
        "SELECT current_setting('max_connections')::int AS max, current_setting('superuser_reserved_connections')::int AS su, coalesce(nullif(current_setting('reserved_connections', true), ''), '0')::int AS res",
      );
      const s = settings.rows[0] as { max: number; su: number; res: number };
      const available = s.max - s.su - s.res;
      const total = pools.reduce((a, p) => a + p.max, 0);
      if (pools.length && total > available) {
        const biggest = [...pools].sort((a, b) => b.max - a.max)[0]!;
        const data = { total: String(total), pools: String(pools.length), available: String(available), max: String(s.max), reserved: String(s.su + s.res), db: where };
        findings.push({
          ruleId: LIVE_RULE_ID, messageId: 'poolSize', message: msg('poolSize', language, data), severity: 'warn',
          file: biggest.file, start: biggest.start, end: biggest.end, data,
          related: pools.filter((p) => p !== biggest).map((p) => ({ file: p.file, start: p.start, end: p.end, message: `${p.lib} pool: ${p.max}${p.explicit ? '' : ' (library default)'}` })),
        });
      }
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  } catch (err) {
    warnings.push(msg('failed', language, { db: where, error: scrub((err as Error).message || String(err), url) }));
  } finally {
    await client.end().catch(() => undefined);
  }
  return { findings, warnings };
}
