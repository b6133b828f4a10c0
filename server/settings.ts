/**
 * Editor settings (`pglint.*`, pulled per workspace folder through workspace/configuration) merged over the
 * folder's pglint.config.json. Pure functions: the server passes in what it fetched.
 */
import { DEFAULT_DOCS_BASE_URL } from '../rules/src/chapters';
import type { ResolvedConfig, RuleSetting } from '../rules/src/config-types';
import type { Language, RuleSeverity } from '../rules/src/engine/types';
import type { PglintSettings } from './protocol';

export const DEFAULT_SETTINGS: PglintSettings = {
  enable: true,
  rules: {},
  migrations: { paths: [] },
  docs: { baseUrl: '', language: 'auto' },
  trace: { server: 'off' },
  database: { url: '' },
};

const SEVERITIES = new Set<string>(['off', 'warn', 'error']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Accepts whatever the client sent (possibly partial or malformed) and returns complete settings. */
export function normalizeSettings(raw: unknown): PglintSettings {
  const s = isRecord(raw) ? raw : {};
  const docs = isRecord(s.docs) ? s.docs : {};
  const migrations = isRecord(s.migrations) ? s.migrations : {};
  const trace = isRecord(s.trace) ? s.trace : {};
  const database = isRecord(s.database) ? s.database : {};
  const lang = docs.language;
  return {
    enable: typeof s.enable === 'boolean' ? s.enable : true,
    rules: isRecord(s.rules) ? s.rules : {},
    migrations: { paths: Array.isArray(migrations.paths) ? migrations.paths.filter((p): p is string => typeof p === 'string') : [] },
    docs: {
      baseUrl: typeof docs.baseUrl === 'string' ? docs.baseUrl : '',
      language: lang === 'en' || lang === 'fr' ? lang : 'auto',
    },
    trace: { server: trace.server === 'messages' || trace.server === 'verbose' ? trace.server : 'off' },
    database: { url: typeof database.url === 'string' ? database.url : '' },
  };
}

/** One rule entry in any of the config-file shapes → RuleSetting, or undefined if malformed. */
export function normalizeRuleEntry(value: unknown, base: RuleSetting | undefined): RuleSetting | undefined {
  const options = { ...(base?.options ?? {}) };
  if (typeof value === 'string' && SEVERITIES.has(value)) return { severity: value as RuleSeverity, options };
  if (Array.isArray(value) && typeof value[0] === 'string' && SEVERITIES.has(value[0])) {
    return { severity: value[0] as RuleSeverity, options: { ...options, ...(isRecord(value[1]) ? value[1] : {}) } };
  }
  if (isRecord(value)) {
    const sev = typeof value.severity === 'string' && SEVERITIES.has(value.severity) ? (value.severity as RuleSeverity) : base?.severity;
    if (!sev) return undefined;
    return { severity: sev, options: { ...options, ...(isRecord(value.options) ? value.options : {}) } };
  }
  return undefined;
}

/** `auto` follows the client's locale (initialize params `locale`, e.g. "fr", "fr-CA", "en-US"). */
export function resolveLanguage(setting: 'auto' | Language, clientLocale: string | undefined): Language {
  if (setting === 'en' || setting === 'fr') return setting;
  return clientLocale?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function looksLikeLocalPath(url: string): boolean {
  return url.startsWith('file:') || url.startsWith('/') || url.startsWith('.') || /^[A-Za-z]:[\\/]/.test(url);
}

export interface MergeContext {
  clientLocale?: string;
  /** false in an untrusted VS Code workspace: workspace-provided local doc paths and database URLs are ignored. */
  trusted: boolean;
  /** Messages for the log (unknown rules, ignored values). */
  warnings?: string[];
}

/** Settings win over the file: rules merge per id, paths replace when set, docs fields override when non-empty. */
export function mergeSettings(fileConfig: ResolvedConfig, settings: PglintSettings, ctx: MergeContext): ResolvedConfig {
  const rules: Record<string, RuleSetting> = { ...fileConfig.rules };
  for (const [id, value] of Object.entries(settings.rules)) {
    const entry = normalizeRuleEntry(value, rules[id]);
    if (entry) rules[id] = entry;
    else ctx.warnings?.push(`pglint.rules.${id}: expected "off" | "warn" | "error" or [severity, options]`);
  }
  let baseUrl = settings.docs.baseUrl || fileConfig.docs.baseUrl || DEFAULT_DOCS_BASE_URL;
  if (!ctx.trusted && looksLikeLocalPath(baseUrl)) {
    ctx.warnings?.push(`untrusted workspace: ignoring local docs.baseUrl ${baseUrl}`);
    baseUrl = DEFAULT_DOCS_BASE_URL;
  }
  // 'auto': the editor's display language; a client that sends no locale gets the config file's language.
  const language =
    settings.docs.language === 'auto' && !ctx.clientLocale ? fileConfig.docs.language : resolveLanguage(settings.docs.language, ctx.clientLocale);
  const merged: ResolvedConfig = {
    rules,
    ignores: fileConfig.ignores,
    migrations: { paths: settings.migrations.paths.length > 0 ? settings.migrations.paths : fileConfig.migrations.paths },
    docs: { baseUrl, language },
  };
  if (fileConfig.libraries) merged.libraries = fileConfig.libraries;
  if (fileConfig.database && ctx.trusted) merged.database = fileConfig.database;
  // The user's own setting (not the workspace's file) may turn the live checks on in any workspace.
  if (settings.database.url) merged.database = { url: settings.database.url };
  return merged;
}
