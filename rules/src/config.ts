/**
 * Configuration: finding, reading, validating and resolving `pglint.config.json` (or the `pglint` key of package.json).
 * Dependency-free on purpose (no JSON-schema library at run time): the checks below give messages that name the
 * file and the key at fault. Used by the CLI; the language server reads the same file through the same functions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_DOCS_BASE_URL } from './chapters';
import type { ResolvedConfig, RuleSetting, UserConfig } from './config-types';
import type { Language, RuleSeverity } from './engine/types';
import { DB_MODULES } from './engine/libraries';

export const CONFIG_FILE_NAME = 'pglint.config.json';

/** A configuration problem the user must fix (the CLI exits with code 2). */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** What the resolver needs to know about a rule. */
export interface KnownRule {
  id: string;
  defaultSeverity: 'warn' | 'error';
  defaultOptions: Record<string, unknown>;
}

const TOP_LEVEL_KEYS = ['$schema', 'rules', 'ignores', 'migrations', 'docs', 'database', 'libraries'] as const;
const SEVERITIES: readonly RuleSeverity[] = ['off', 'warn', 'error'];
const LANGUAGES: readonly Language[] = ['en', 'fr'];

export function defaultConfig(knownRules: readonly KnownRule[] = []): ResolvedConfig {
  return resolveConfig({}, knownRules);
}

/** Nearest folder, from `cwd` upwards, holding pglint.config.json or package.json; `cwd` itself when none does. */
export function findProjectRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(dir, CONFIG_FILE_NAME)) || fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(cwd);
    dir = parent;
  }
}

export interface LoadedConfig {
  config: ResolvedConfig;
  /** The file the settings came from (absent when defaults apply). */
  file?: string;
  /** The project root: ignores, migrations paths and baselines are relative to it. */
  root: string;
}

/**
 * Loads the configuration for a run started in `cwd`.
 * `explicitPath` (the CLI's --config) wins over discovery; it may be a pglint.config.json-shaped file or a package.json.
 */
export function loadConfig(cwd: string, explicitPath?: string, knownRules?: readonly KnownRule[]): LoadedConfig {
  const root = findProjectRoot(cwd);
  const rules = knownRules ?? [];
  const check = knownRules !== undefined;
  if (explicitPath !== undefined) {
    const file = path.resolve(cwd, explicitPath);
    if (!fs.existsSync(file)) throw new ConfigError(`Config file not found: ${file}`, file);
    const json = readJsonFile(file);
    const user = path.basename(file) === 'package.json' ? packageKey(json, file) ?? {} : json;
    return { config: resolveConfig(validateUserConfig(user, file, rules, check), rules), file, root };
  }
  const configFile = path.join(root, CONFIG_FILE_NAME);
  if (fs.existsSync(configFile)) {
    const user = validateUserConfig(readJsonFile(configFile), configFile, rules, check);
    return { config: resolveConfig(user, rules), file: configFile, root };
  }
  const pkgFile = path.join(root, 'package.json');
  if (fs.existsSync(pkgFile)) {
    const user = packageKey(readJsonFile(pkgFile), pkgFile);
    if (user !== undefined) {
      return { config: resolveConfig(validateUserConfig(user, pkgFile, rules, check, 'pglint.'), rules), file: pkgFile, root };
    }
  }
  return { config: resolveConfig({}, rules), root };
}

function packageKey(json: unknown, file: string): unknown {
  if (!isPlainObject(json)) throw new ConfigError(`${file}: expected a JSON object`, file);
  return json.pglint;
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${file}: ${(error as Error).message}`, file);
  }
  return parseJson(text.replace(/^\uFEFF/, ''), file);
}

/** JSON.parse with the error placed at a 1-based line and column. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    let offset = text.length;
    const pos = /at position (\d+)/.exec(message);
    const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
    if (pos) offset = Number(pos[1]);
    let line: number;
    let column: number;
    if (lineCol) {
      line = Number(lineCol[1]);
      column = Number(lineCol[2]);
    } else {
      const before = text.slice(0, offset);
      line = before.split(/\r\n|\r|\n/).length;
      column = offset - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) ;
    }
    const reason = message.replace(/\s*(in JSON )?at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
    throw new ConfigError(`${file}:${line}:${column}: malformed JSON: ${reason || 'unexpected end of input'}`, file);
  }
}

/** Checks the shape of a user config and returns it typed. Throws ConfigError naming the file and the key. */
export function validateUserConfig(
  raw: unknown,
  file: string,
  knownRules: readonly KnownRule[],
  checkRuleIds = true,
  keyPrefix = '',
): UserConfig {
  const fail = (key: string, what: string): never => {
    throw new ConfigError(`${file}: ${keyPrefix}${key}: ${what}`, file, keyPrefix + key);
  };
  if (!isPlainObject(raw)) fail('', `expected a JSON object, got ${describe(raw)}`);
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      const hint = closest(key, TOP_LEVEL_KEYS);
      fail(key, `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; allowed keys: ${TOP_LEVEL_KEYS.join(', ')}`);
    }
  }
  if (obj.$schema !== undefined && typeof obj.$schema !== 'string') fail('$schema', `expected a string, got ${describe(obj.$schema)}`);
  if (obj.rules !== undefined) {
    if (!isPlainObject(obj.rules)) fail('rules', `expected an object mapping rule ids to severities, got ${describe(obj.rules)}`);
    const byId = new Map(knownRules.map((r) => [r.id, r]));
    for (const [id, value] of Object.entries(obj.rules as Record<string, unknown>)) {
      const key = `rules.${id}`;
      const rule = byId.get(id);
      if (checkRuleIds && !rule) {
        const hint = closest(id, [...byId.keys()]);
        fail(key, `unknown rule "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
      }
      const { severity, options } = splitRuleValue(value, (k, what) => fail(key + k, what));
      if (severity !== undefined && !SEVERITIES.includes(severity as RuleSeverity)) {
        fail(key, `invalid severity ${JSON.stringify(severity)}; expected "off", "warn" or "error"`);
      }
      if (options !== undefined) {
        if (!isPlainObject(options)) fail(`${key}.options`, `expected an object, got ${describe(options)}`);
        if (rule) checkOptions(options as Record<string, unknown>, rule, (k, what) => fail(`${key}.options.${k}`, what));
      }
    }
  }
  if (obj.ignores !== undefined) checkStringArray(obj.ignores, (what) => fail('ignores', what));
  if (obj.migrations !== undefined) {
    checkObject(obj.migrations, ['paths'], (k, what) => fail(k ? `migrations.${k}` : 'migrations', what));
    const m = obj.migrations as Record<string, unknown>;
    if (m.paths !== undefined) checkStringArray(m.paths, (what) => fail('migrations.paths', what));
  }
  if (obj.docs !== undefined) {
    checkObject(obj.docs, ['baseUrl', 'language'], (k, what) => fail(k ? `docs.${k}` : 'docs', what));
    const d = obj.docs as Record<string, unknown>;
    if (d.baseUrl !== undefined && typeof d.baseUrl !== 'string') fail('docs.baseUrl', `expected a string, got ${describe(d.baseUrl)}`);
    if (d.language !== undefined && !LANGUAGES.includes(d.language as Language)) {
      fail('docs.language', `expected "en" or "fr", got ${JSON.stringify(d.language)}`);
    }
  }
  if (obj.database !== undefined) {
    checkObject(obj.database, ['url'], (k, what) => fail(k ? `database.${k}` : 'database', what));
    const db = obj.database as Record<string, unknown>;
    if (db.url !== undefined && typeof db.url !== 'string') fail('database.url', `expected a string, got ${describe(db.url)}`);
  }
  if (obj.libraries !== undefined) {
    if (!isPlainObject(obj.libraries)) fail('libraries', `expected an object mapping module names to a library module pglint knows, got ${describe(obj.libraries)}`);
    for (const [specifier, target] of Object.entries(obj.libraries as Record<string, unknown>)) {
      const key = `libraries.${specifier}`;
      if (!specifier.trim()) fail('libraries', 'expected module names as keys, got an empty one');
      if (DB_MODULES.includes(specifier)) fail(key, `"${specifier}" is a module pglint knows already`);
      if (typeof target !== 'string' || !DB_MODULES.includes(target)) {
        const hint = typeof target === 'string' ? closest(target, DB_MODULES) : undefined;
        fail(key, `expected the name of a library module pglint knows${hint ? ` (did you mean "${hint}"?)` : ''}, got ${describe(target)}; known: ${[...DB_MODULES].sort().join(', ')}`);
      }
    }
  }
  return obj as UserConfig;
}

function splitRuleValue(
  value: unknown,
  fail: (subKey: string, what: string) => never,
): { severity?: unknown; options?: unknown } {
  if (typeof value === 'string') return { severity: value };
  if (Array.isArray(value)) {
    if (value.length < 1 || value.length > 2) fail('', 'expected [severity] or [severity, options]');
    return { severity: value[0], options: value[1] };
  }
  if (isPlainObject(value)) {
    for (const k of Object.keys(value)) {
      if (k !== 'severity' && k !== 'options') fail(`.${k}`, 'unknown key; expected "severity" and/or "options"');
    }
    return { severity: value.severity, options: value.options };
  }
  return fail('', `expected a severity ("off", "warn", "error"), [severity, options] or { severity, options }, got ${describe(value)}`);
}

/** Option keys must exist in the rule's defaults, and values must have the default's JSON type. */
function checkOptions(options: Record<string, unknown>, rule: KnownRule, fail: (key: string, what: string) => never): void {
  const known = Object.keys(rule.defaultOptions);
  for (const [key, value] of Object.entries(options)) {
    if (!(key in rule.defaultOptions)) {
      const hint = closest(key, known);
      fail(key, `unknown option for rule "${rule.id}"${hint ? ` (did you mean "${hint}"?)` : ''}${known.length ? `; known options: ${known.join(', ')}` : '; this rule takes no options'}`);
    }
    const def = rule.defaultOptions[key];
    if (def === undefined || def === null) continue;
    const want = jsonType(def);
    const got = jsonType(value);
    if (want !== got) fail(key, `expected ${want}, got ${got}`);
    if (want === 'array' && Array.isArray(def) && def.length > 0) {
      const itemType = jsonType(def[0]);
      (value as unknown[]).forEach((item, i) => {
        if (jsonType(item) !== itemType) fail(`${key}[${i}]`, `expected ${itemType}, got ${jsonType(item)}`);
      });
    }
  }
}

function checkObject(value: unknown, keys: string[], fail: (key: string, what: string) => never): void {
  if (!isPlainObject(value)) fail('', `expected an object, got ${describe(value)}`);
  for (const k of Object.keys(value as object)) {
    if (!keys.includes(k)) fail(k, `unknown key; allowed keys: ${keys.join(', ')}`);
  }
}

function checkStringArray(value: unknown, fail: (what: string) => never): void {
  if (!Array.isArray(value)) fail(`expected an array of strings, got ${describe(value)}`);
  (value as unknown[]).forEach((item, i) => {
    if (typeof item !== 'string') fail(`item ${i}: expected a string, got ${describe(item)}`);
  });
}

/** Merges a validated user config over the defaults of every known rule. */
export function resolveConfig(user: UserConfig, knownRules: readonly KnownRule[]): ResolvedConfig {
  const rules: Record<string, RuleSetting> = {};
  for (const rule of knownRules) {
    rules[rule.id] = { severity: rule.defaultSeverity, options: { ...rule.defaultOptions } };
  }
  for (const [id, value] of Object.entries(user.rules ?? {})) {
    const base = rules[id] ?? { severity: 'warn', options: {} };
    let severity: RuleSeverity = base.severity;
    let options: Record<string, unknown> | undefined;
    if (typeof value === 'string') severity = value;
    else if (Array.isArray(value)) {
      severity = value[0];
      options = value[1];
    } else if (value) {
      severity = value.severity ?? severity;
      options = value.options;
    }
    rules[id] = { severity, options: { ...base.options, ...(options ?? {}) } };
  }
  const config: ResolvedConfig = {
    rules,
    ignores: [...(user.ignores ?? [])],
    migrations: { paths: [...(user.migrations?.paths ?? [])] },
    docs: {
      baseUrl: user.docs?.baseUrl ?? DEFAULT_DOCS_BASE_URL,
      language: user.docs?.language ?? 'en',
    },
  };
  if (user.database?.url) config.database = { url: user.database.url };
  if (user.libraries && Object.keys(user.libraries).length) config.libraries = { ...user.libraries };
  return config;
}

/**
 * Applies `--rule <id>=<severity>` overrides (the CLI's) on top of a resolved config.
 * Returns a new config; throws ConfigError for a malformed override, an unknown rule or a bad severity.
 */
export function mergeCliRuleOverrides(
  config: ResolvedConfig,
  overrides: readonly string[],
  knownRules?: readonly KnownRule[],
): ResolvedConfig {
  const rules = { ...config.rules };
  const ids = knownRules ? knownRules.map((r) => r.id) : Object.keys(config.rules);
  for (const override of overrides) {
    const m = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(override);
    if (!m) throw new ConfigError(`--rule ${override}: expected <rule-id>=off|warn|error`, undefined, override);
    const [, id, severity] = m as unknown as [string, string, string];
    if (!ids.includes(id)) {
      const hint = closest(id, ids);
      throw new ConfigError(`--rule ${override}: unknown rule "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`, undefined, id);
    }
    if (!SEVERITIES.includes(severity as RuleSeverity)) {
      throw new ConfigError(`--rule ${override}: invalid severity "${severity}"; expected off, warn or error`, undefined, id);
    }
    const base = rules[id] ?? { severity: 'warn', options: {} };
    rules[id] = { ...base, severity: severity as RuleSeverity };
  }
  return { ...config, rules };
}

/** The closest candidate by edit distance, when close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function describe(value: unknown): string {
  const t = jsonType(value);
  return t === 'object' || t === 'array' ? `an ${t}` : `${t} ${JSON.stringify(value)}`;
}
