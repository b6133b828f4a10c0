import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_DOCS_BASE_URL } from '../rules/src/chapters';
import { ConfigError, loadConfig, mergeCliRuleOverrides, resolveConfig, type KnownRule } from '../rules/src/config';

const KNOWN: KnownRule[] = [
  { id: 'no-query-in-loop', defaultSeverity: 'warn', defaultOptions: {} },
  { id: 'no-unreleased-client', defaultSeverity: 'error', defaultOptions: { releaseFunctions: ['release'], checkNewClient: true } },
  { id: 'no-sql-concatenation', defaultSeverity: 'error', defaultOptions: {} },
];

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives every known rule its default severity and options, docs defaults, when there is no config', () => {
    const dir = project({ 'package.json': '{"name":"x"}' });
    const { config, file, root } = loadConfig(dir, undefined, KNOWN);
    expect(file).toBeUndefined();
    expect(root).toBe(dir);
    expect(config.rules['no-unreleased-client']).toEqual({ severity: 'error', options: { releaseFunctions: ['release'], checkNewClient: true } });
    expect(config.docs).toEqual({ baseUrl: DEFAULT_DOCS_BASE_URL, language: 'en' });
    expect(config.ignores).toEqual([]);
  });

  it('reads pglint.config.json found by walking up from a sub-folder, in all three rule value forms', () => {
    const dir = project({
      'pglint.config.json': JSON.stringify({
        rules: {
          'no-query-in-loop': 'error',
          'no-sql-concatenation': ['warn', {}],
          'no-unreleased-client': { options: { releaseFunctions: ['release', 'done'] } },
        },
        ignores: ['generated/**'],
        migrations: { paths: ['db/migrations'] },
        docs: { language: 'fr', baseUrl: 'file:///course/' },
      }),
      'src/deep/a.ts': '',
    });
    const { config, file, root } = loadConfig(path.join(dir, 'src', 'deep'), undefined, KNOWN);
    expect(file).toBe(path.join(dir, 'pglint.config.json'));
    expect(root).toBe(dir);
    expect(config.rules['no-query-in-loop']!.severity).toBe('error');
    expect(config.rules['no-sql-concatenation']!.severity).toBe('warn');
    expect(config.rules['no-unreleased-client']).toEqual({ severity: 'error', options: { releaseFunctions: ['release', 'done'], checkNewClient: true } });
    expect(config.ignores).toEqual(['generated/**']);
    expect(config.migrations.paths).toEqual(['db/migrations']);
    expect(config.docs).toEqual({ language: 'fr', baseUrl: 'file:///course/' });
  });

  it('reads the pglint key of package.json', () => {
    const dir = project({ 'package.json': JSON.stringify({ name: 'x', pglint: { rules: { 'no-query-in-loop': 'off' } } }) });
    const { config, file } = loadConfig(dir, undefined, KNOWN);
    expect(file).toBe(path.join(dir, 'package.json'));
    expect(config.rules['no-query-in-loop']!.severity).toBe('off');
  });

  it('reports malformed JSON with the file, line and column', () => {
    const dir = project({ 'pglint.config.json': '{\n  "rules": {\n    "no-query-in-loop": "warn",\n  }\n}\n' });
    const e = configError(() => loadConfig(dir, undefined, KNOWN));
    expect(e.message).toContain(path.join(dir, 'pglint.config.json'));
    expect(e.message).toMatch(/:4:3: malformed JSON/);
  });

  it('rejects an unknown top-level key and suggests the right one', () => {
    const dir = project({ 'pglint.config.json': '{"rule": {}}' });
    const e = configError(() => loadConfig(dir, undefined, KNOWN));
    expect(e.message).toContain('pglint.config.json: rule: unknown key (did you mean "rules"?)');
    expect(e.key).toBe('rule');
  });

  it('rejects an unknown rule id with the closest id', () => {
    const dir = project({ 'pglint.config.json': '{"rules": {"no-query-in-loops": "warn"}}' });
    expect(configError(() => loadConfig(dir, undefined, KNOWN)).message).toContain(
      'rules.no-query-in-loops: unknown rule "no-query-in-loops" (did you mean "no-query-in-loop"?)',
    );
  });

  it('rejects a bad severity, wrong types and unknown options, naming the key', () => {
    const cases: [unknown, string][] = [
      [{ rules: { 'no-query-in-loop': 'warning' } }, 'rules.no-query-in-loop: invalid severity "warning"'],
      [{ rules: { 'no-query-in-loop': 2 } }, 'rules.no-query-in-loop: expected a severity'],
      [{ ignores: 'dist' }, 'ignores: expected an array of strings, got string "dist"'],
      [{ ignores: ['a', 3] }, 'ignores: item 1: expected a string'],
      [{ migrations: { path: ['x'] } }, 'migrations.path: unknown key'],
      [{ docs: { language: 'de' } }, 'docs.language: expected "en" or "fr"'],
      [{ rules: { 'no-unreleased-client': ['error', { releaseFunctions: 'done' }] } }, 'rules.no-unreleased-client.options.releaseFunctions: expected array, got string'],
      [{ rules: { 'no-unreleased-client': ['error', { releaseFunction: ['done'] }] } }, 'options.releaseFunction: unknown option for rule "no-unreleased-client" (did you mean "releaseFunctions"?)'],
      [{ rules: { 'no-unreleased-client': { severity: 'error', option: {} } } }, 'rules.no-unreleased-client.option: unknown key'],
      [[1, 2], 'expected a JSON object, got an array'],
      [{ libraries: ['slonik'] }, 'libraries: expected an object mapping module names'],
      [{ libraries: { '@acme/db': 'slonnik' } }, 'libraries.@acme/db: expected the name of a library module pglint knows (did you mean "slonik"?)'],
      [{ libraries: { '@acme/db': 3 } }, 'libraries.@acme/db: expected the name of a library module pglint knows, got number 3'],
      [{ libraries: { pg: 'knex' } }, 'libraries.pg: "pg" is a module pglint knows already'],
    ];
    for (const [json, message] of cases) {
      const dir = project({ 'pglint.config.json': JSON.stringify(json) });
      expect(configError(() => loadConfig(dir, undefined, KNOWN)).message).toContain(message);
    }
  });

  it('reads libraries: other module names for a database library pglint knows (a fork, a re-export)', () => {
    const dir = project({ 'pglint.config.json': JSON.stringify({ libraries: { '@silverhand/slonik': 'slonik' } }) });
    expect(loadConfig(dir, undefined, KNOWN).config.libraries).toEqual({ '@silverhand/slonik': 'slonik' });
    expect(loadConfig(project({ 'pglint.config.json': '{}' }), undefined, KNOWN).config.libraries).toBeUndefined();
  });

  it('uses an explicit --config file, and says when it is missing', () => {
    const dir = project({ 'package.json': '{}', 'ci/lint.json': '{"rules": {"no-sql-concatenation": "off"}}' });
    const { config, file } = loadConfig(dir, 'ci/lint.json', KNOWN);
    expect(file).toBe(path.join(dir, 'ci', 'lint.json'));
    expect(config.rules['no-sql-concatenation']!.severity).toBe('off');
    expect(configError(() => loadConfig(dir, 'nope.json', KNOWN)).message).toContain('Config file not found');
  });
});

describe('mergeCliRuleOverrides', () => {
  const base = resolveConfig({}, KNOWN);
  it('sets severities and keeps options', () => {
    const c = mergeCliRuleOverrides(base, ['no-query-in-loop=off', 'no-unreleased-client=warn'], KNOWN);
    expect(c.rules['no-query-in-loop']!.severity).toBe('off');
    expect(c.rules['no-unreleased-client']).toEqual({ severity: 'warn', options: base.rules['no-unreleased-client']!.options });
    expect(base.rules['no-query-in-loop']!.severity).toBe('warn');
  });
  it('rejects malformed overrides, unknown rules and bad severities', () => {
    expect(configError(() => mergeCliRuleOverrides(base, ['no-query-in-loop'], KNOWN)).message).toContain('expected <rule-id>=off|warn|error');
    expect(configError(() => mergeCliRuleOverrides(base, ['no-query-in-lop=off'], KNOWN)).message).toContain('did you mean "no-query-in-loop"');
    expect(configError(() => mergeCliRuleOverrides(base, ['no-query-in-loop=fatal'], KNOWN)).message).toContain('invalid severity "fatal"');
  });
});
