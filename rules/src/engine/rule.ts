/**
 * How a rule is declared. One file per rule under rules/src/rules/, exporting `defineRule({...})`.
 * A rule only detects and reports; adapters render. Metadata, messages and docs (en + fr) live with it.
 */
import type * as ts from 'typescript';
import type { ChapterId } from '../chapters';
import type { Finding, FixSafety, Language, Localized, RelatedLocation, Fix } from './types';
import type { FileModel } from './model';
import type { Project } from './project';

export interface RuleDocs {
  /** One paragraph: what the rule reports. */
  summary: string;
  /** Why it hurts (Markdown). */
  why: string;
  /** A code example the rule reports (TypeScript). Linted by tests/docs.test.ts: it must produce a finding. */
  bad: string;
  /** The same code done right. Linted by tests/docs.test.ts: it must produce no finding. */
  good: string;
  /** What the fix does and how safe it is (Markdown). */
  fix: string;
}

export interface RuleMeta<M extends string = string> {
  id: string;
  description: Localized;
  defaultSeverity: 'warn' | 'error';
  /** Sections of the course this rule teaches, most relevant first. */
  chapters: ChapterId[];
  /** Every fix the rule may attach, by fix id, with its safety. Tests check findings only carry declared fixes. */
  fixes: Record<string, FixSafety>;
  messages: Record<M, Localized>;
  docs: Record<Language, RuleDocs>;
  /** Defaults for the rule's options (the config may override any key). */
  defaultOptions: Record<string, unknown>;
  /** The rule reads the schema the migrations build (`Project.prepare()`): it runs after it, other rules may run before. */
  needsSchema?: boolean;
}

export interface ReportDescriptor<M extends string> {
  node?: ts.Node;
  start?: number;
  end?: number;
  messageId: M;
  data?: Record<string, string>;
  /** Overrides the configured severity (e.g. request input flowing into SQL is always an error). */
  severity?: 'warn' | 'error';
  related?: RelatedLocation[];
  fixes?: Fix[];
}

export interface RuleContext<M extends string = string> {
  readonly file: FileModel;
  readonly project: Project;
  readonly options: Readonly<Record<string, unknown>>;
  readonly language: Language;
  report(descriptor: ReportDescriptor<M>): void;
}

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  check(context: RuleContext<M>): void;
}

export function defineRule<M extends string>(rule: Rule<M>): Rule<M> {
  return rule;
}

/** Fills `{name}` placeholders of a message. */
export function formatMessage(template: string, data: Record<string, string> | undefined): string {
  if (!data) return template;
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in data ? data[key]! : whole));
}

export type { Finding };
