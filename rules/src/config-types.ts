/** The resolved configuration every adapter hands to the engine (CLI: pglint.config.json / package.json "pglint"; editor: the same file plus settings). */
import type { Language, RuleSeverity } from './engine/types';

export interface RuleSetting {
  severity: RuleSeverity;
  options: Record<string, unknown>;
}

export interface ResolvedConfig {
  /** Per rule id. Rules missing here run with their default severity and options. */
  rules: Record<string, RuleSetting>;
  /** Globs (relative to the project root) of files not to lint, on top of node_modules, build output and .gitignore. */
  ignores: string[];
  migrations: { paths: string[] };
  docs: { baseUrl: string; language: Language };
  /** Live database checks (opt-in). */
  database?: { url: string };
  /**
   * Modules to read as a database library pglint knows: module specifier → that library's module (a fork or a
   * re-export of it under another name, e.g. `{ "@silverhand/slonik": "slonik" }`). Absent when empty.
   */
  libraries?: Record<string, string>;
}

/** What a user writes in pglint.config.json (all keys optional). */
export interface UserConfig {
  $schema?: string;
  rules?: Record<string, RuleSeverity | [RuleSeverity, Record<string, unknown>] | { severity?: RuleSeverity; options?: Record<string, unknown> }>;
  ignores?: string[];
  migrations?: { paths?: string[] };
  docs?: { baseUrl?: string; language?: Language };
  database?: { url?: string };
  libraries?: Record<string, string>;
}
