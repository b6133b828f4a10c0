/**
 * The extension manifest agrees with the code: settings the server reads, commands the client registers,
 * walkthrough steps (one per rule, linked to real course sections), workspace-trust declaration.
 * Plus the pure settings merge the server applies over pglint.config.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAPTERS, DEFAULT_DOCS_BASE_URL } from '../rules/src/chapters';
import { defaultConfig } from '../rules/src/config';
import { RULES } from '../rules/src/registry';
import { DEFAULT_SETTINGS, mergeSettings, normalizeSettings, resolveLanguage } from '../server/settings';
import { dbApiAt } from '../server/dbApi';
import { projectOf, VIRTUAL_ROOT } from './helpers/lint';

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[]; description: string } };
  contributes: {
    configuration: { properties: Record<string, { description?: string; markdownDescription?: string; default?: unknown; scope?: string }> };
    commands: { command: string; title: string; category: string }[];
    walkthroughs: { steps: { id: string; title: string; description: string; media: { markdown: string } }[] }[];
  };
};

function flatten(obj: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    // `rules` is one setting (an object of rule ids), the others nest
    if (v && typeof v === 'object' && !Array.isArray(v) && k !== 'rules') Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

describe('package.json contributes', () => {
  it('declares exactly the settings the server reads, each described, with the server defaults', () => {
    const props = pkg.contributes.configuration.properties;
    const server = flatten(DEFAULT_SETTINGS as unknown as Record<string, unknown>, 'pglint.');
    expect(Object.keys(props).sort()).toEqual(Object.keys(server).sort());
    for (const [key, value] of Object.entries(server)) {
      expect((props[key]!.description ?? props[key]!.markdownDescription ?? '').length, key).toBeGreaterThan(20);
      expect(props[key]!.default, key).toEqual(value);
      expect(props[key]!.scope, key).toBe(key === 'pglint.trace.server' ? 'window' : 'resource');
    }
    for (const id of Object.keys(RULES)) expect(JSON.stringify(props['pglint.rules'])).toContain(id);
  });

  it('declares exactly the commands the client registers', () => {
    const source = fs.readFileSync(path.join(ROOT, 'client', 'extension.ts'), 'utf8');
    const registered = [...source.matchAll(/registerCommand\('(pglint\.[\w.]+)'/g)].map((m) => m[1]).sort();
    expect(pkg.contributes.commands.map((c) => c.command).sort()).toEqual(registered);
    const titles = Object.fromEntries(pkg.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
    expect(titles['pglint.showRuleDocumentation']).toBe('pglint: Show rule documentation');
    expect(titles['pglint.fixAll']).toBe('pglint: Fix all safe problems');
    expect(titles['pglint.restartServer']).toBe('pglint: Restart server');
  });

  it('activates on TypeScript/JavaScript (and SQL) and supports untrusted workspaces in limited mode', () => {
    for (const l of ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'sql']) expect(pkg.activationEvents).toContain(`onLanguage:${l}`);
    const trust = pkg.capabilities.untrustedWorkspaces;
    expect(trust.supported).toBe('limited');
    expect(trust.restrictedConfigurations).toContain('pglint.docs.baseUrl');
    expect(trust.description).toMatch(/never executes/);
  });

  it('has a walkthrough step per rule, each linking to existing course sections', () => {
    const steps = pkg.contributes.walkthroughs[0]!.steps;
    for (const id of Object.keys(RULES)) expect(steps.map((s) => s.id)).toContain(id);
    const coursePaths = new Set<string>(Object.values(CHAPTERS).map((c) => c.path));
    for (const step of steps) {
      const md = fs.readFileSync(path.join(ROOT, step.media.markdown), 'utf8');
      const links = [...md.matchAll(/\]\((https:[^)]+)\)/g)].map((m) => m[1]!);
      expect(links.length, step.id).toBeGreaterThan(0);
      for (const link of links) {
        expect(link.startsWith(DEFAULT_DOCS_BASE_URL), link).toBe(true);
        expect(coursePaths.has(link.slice(DEFAULT_DOCS_BASE_URL.length)), link).toBe(true);
      }
      if (RULES[step.id]) {
        // the rule's own first chapter is among the step's links
        const first = RULES[step.id]!.meta.chapters[0]!;
        expect(links).toContain(DEFAULT_DOCS_BASE_URL + CHAPTERS[first].path);
      }
    }
  });
});

describe('settings merge (server/settings.ts)', () => {
  const file = { ...defaultConfig(), database: { url: 'postgres://localhost/x' } };

  it('normalizes partial or malformed client settings', () => {
    expect(normalizeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(normalizeSettings({ enable: 'yes', docs: { language: 'de' }, migrations: { paths: ['m/*.sql', 3] } })).toMatchObject({
      enable: true,
      docs: { language: 'auto' },
      migrations: { paths: ['m/*.sql'] },
    });
  });

  it('settings win over the file, per rule and per field', () => {
    const warnings: string[] = [];
    const merged = mergeSettings(
      { ...file, rules: { 'no-query-in-loop': { severity: 'warn', options: { a: 1 } } } },
      normalizeSettings({ rules: { 'no-query-in-loop': ['error', { b: 2 }], 'no-sql-concatenation': 'off', bad: 42 }, docs: { language: 'fr' } }),
      { trusted: true, warnings },
    );
    expect(merged.rules['no-query-in-loop']).toEqual({ severity: 'error', options: { a: 1, b: 2 } });
    expect(merged.rules['no-sql-concatenation']!.severity).toBe('off');
    expect(merged.docs.language).toBe('fr');
    expect(merged.database).toEqual(file.database);
    expect(warnings.join('\n')).toMatch(/pglint\.rules\.bad/);
  });

  it('in an untrusted workspace ignores local doc paths and the database URL', () => {
    const merged = mergeSettings(file, normalizeSettings({ docs: { baseUrl: 'file:///home/me/course/' } }), { trusted: false });
    expect(merged.docs.baseUrl).toBe(DEFAULT_DOCS_BASE_URL);
    expect(merged.database).toBeUndefined();
    const trusted = mergeSettings(file, normalizeSettings({ docs: { baseUrl: 'file:///home/me/course/' } }), { trusted: true });
    expect(trusted.docs.baseUrl).toBe('file:///home/me/course/');
  });

  it('auto language follows the client locale', () => {
    expect(resolveLanguage('auto', 'fr-CA')).toBe('fr');
    expect(resolveLanguage('auto', 'en-US')).toBe('en');
    expect(resolveLanguage('en', 'fr')).toBe('en');
    expect(mergeSettings({ ...file, docs: { ...file.docs, language: 'fr' } }, DEFAULT_SETTINGS, { trusted: true }).docs.language).toBe('fr');
  });
});

describe('database API lookup for teaching hovers (server/dbApi.ts)', () => {
  const text = [
    "import { Pool, Client } from 'pg';",
    'const pool = new Pool();',
    'const listener = new Client();',
    'async function f() {',
    '  const client = await pool.connect();',
    "  await client.query('BEGIN');",
    "  await pool.query('SELECT 1');",
    "  await listener.query('LISTEN jobs');",
    '  client.release();',
    '  await pool.end();',
    '}',
  ].join('\n');
  const model = projectOf({ 'x.ts': text }).model(path.join(VIRTUAL_ROOT, 'x.ts'))!;
  const at = (needle: string, delta = 1) => dbApiAt(model, text.indexOf(needle) + delta)?.kind;

  it('recognises the node-postgres calls a learner meets', () => {
    expect(at('new Pool')).toBe('new-pool');
    expect(at('new Client')).toBe('new-client');
    expect(at('connect()')).toBe('pool-connect');
    expect(at("query('BEGIN')")).toBe('begin');
    expect(at("query('SELECT 1')")).toBe('pool-query');
    expect(at("query('LISTEN")).toBe('listen');
    expect(at('release()')).toBe('release');
    expect(at('end()')).toBe('pool-end');
    expect(at('async function', 2)).toBeUndefined();
  });

  it('knows values by origin, not by name', () => {
    const other = ["declare const pool: { connect(): Promise<void>; query(s: string): void };", 'pool.connect();', "pool.query('BEGIN');"].join('\n');
    const m = projectOf({ 'y.ts': other }).model(path.join(VIRTUAL_ROOT, 'y.ts'))!;
    expect(dbApiAt(m, other.indexOf('connect()') + 1)).toBeUndefined();
    expect(dbApiAt(m, other.indexOf("query('BEGIN')") + 1)).toBeUndefined();
  });
});

describe('pglint.database.url (opt-in live checks)', () => {
  const fileConfig = { ...defaultConfig(knownRulesForTest()), database: { url: 'postgres://from-file' } };
  it('the user setting turns the live checks on, in trusted and untrusted workspaces alike', () => {
    const settings = normalizeSettings({ database: { url: 'postgres://me@localhost/app' } });
    expect(mergeSettings(defaultConfig(knownRulesForTest()), settings, { trusted: false }).database).toEqual({ url: 'postgres://me@localhost/app' });
  });
  it('the workspace file may turn them on only in a trusted workspace', () => {
    const settings = normalizeSettings({});
    expect(mergeSettings(fileConfig, settings, { trusted: true }).database).toEqual({ url: 'postgres://from-file' });
    expect(mergeSettings(fileConfig, settings, { trusted: false }).database).toBeUndefined();
  });
});

function knownRulesForTest() {
  return Object.values(RULES).map((r) => ({ id: r.meta.id, defaultSeverity: r.meta.defaultSeverity, defaultOptions: r.meta.defaultOptions }));
}
