/**
 * What the pglint server and its clients say to each other beyond plain LSP: custom requests, server-side
 * commands, and the shape of the `pglint.*` settings. The VS Code client imports only the constants and
 * types here (never the engine), so this file must not import rules/ or vscode-languageserver at runtime.
 */

/** `pglint/ruleDocs`: rule id (and optional language) → Markdown documentation of the rule. */
export const RuleDocsRequestMethod = 'pglint/ruleDocs';
export interface RuleDocsParams {
  ruleId: string;
  /** 'en' | 'fr'; defaults to the configured language of the first workspace folder. */
  language?: string;
}
export interface RuleDocsResult {
  ruleId: string;
  /** Markdown; empty with `error` set when the rule id is unknown. */
  markdown: string;
  error?: string;
}

/** `pglint/listRules`: the rules the server knows, for the client's quick pick. */
export const ListRulesRequestMethod = 'pglint/listRules';
export interface ListedRule {
  id: string;
  description: string;
  chapters: { id: string; title: string; url: string }[];
}

/** `pglint/status` (server → client notification): findings count or error, for the status bar. */
export const StatusNotificationMethod = 'pglint/status';
export interface StatusParams {
  uri: string;
  state: 'ok' | 'error';
  findings: number;
  message?: string;
}

/** Commands the server executes (workspace/executeCommand). The VS Code client's own commands are `pglint.*`. */
export const ServerCommands = {
  /** arguments: [url: string] — asks the client to open the chapter section (window/showDocument, external). */
  openChapter: 'pglint.server.openChapter',
  /** arguments: [uri: string, version?: number] — applies every safe fix to the document (workspace/applyEdit). */
  applyFixAll: 'pglint.server.applyFixAll',
  /** arguments: [uri: string, ruleId: string, fixId: string] — shows a display-only suggestion as a message. */
  showSuggestion: 'pglint.server.showSuggestion',
} as const;

export const FIX_ALL_KIND = 'source.fixAll.pglint';

/** The `pglint` settings section as VS Code (or any client answering workspace/configuration) sends it. */
export interface PglintSettings {
  enable: boolean;
  /** Rule id → 'off' | 'warn' | 'error', or [severity, options], or {severity, options}: same shapes as pglint.config.json. */
  rules: Record<string, unknown>;
  migrations: { paths: string[] };
  docs: { baseUrl: string; language: 'auto' | 'en' | 'fr' };
  trace: { server: 'off' | 'messages' | 'verbose' };
  /** Opt-in live checks against this database (read-only). Empty: off. */
  database: { url: string };
}
