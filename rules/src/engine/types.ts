/**
 * Plain data the engine hands to its adapters (CLI, language server).
 * Positions are UTF-16 offsets into the file's text, as TypeScript and LSP count them;
 * adapters turn them into lines and columns with `LineIndex` (text.ts).
 */

export type RuleSeverity = 'off' | 'warn' | 'error';
export type FindingSeverity = 'warn' | 'error';

/** Ruff-style fix safety: safe fixes keep meaning; unsafe ones only on request; display-only are shown. */
export type FixSafety = 'safe' | 'unsafe' | 'display-only';

export interface TextEdit {
  /** Absolute path of the file the edit applies to (defaults to the finding's file). */
  file?: string;
  start: number;
  end: number;
  text: string;
}

/** A new file to create (e.g. a migration), with the text to write. */
export interface CreateFile {
  file: string;
  text: string;
}

export interface Fix {
  /** Stable id within the rule (e.g. 'parameterize', 'wrapTryFinally'). */
  id: string;
  title: string;
  safety: FixSafety;
  edits: TextEdit[];
  createFiles?: CreateFile[];
}

export interface RelatedLocation {
  file: string;
  start: number;
  end: number;
  message: string;
}

export interface Finding {
  ruleId: string;
  messageId: string;
  message: string;
  severity: FindingSeverity;
  file: string;
  start: number;
  end: number;
  related?: RelatedLocation[];
  fixes?: Fix[];
  /** Values substituted into the message; kept for formatters and baselines. */
  data?: Record<string, string>;
}

export type Language = 'en' | 'fr';
export type Localized = Record<Language, string>;
