/**
 * Inline suppressions:
 *   // pglint-disable-next-line <rule>[, <rule>] -- reason
 *   // pglint-disable-line <rule>
 *   /* pglint-disable <rule> *\/   (from here to the end of the file, or to a matching pglint-enable; no rule = all rules)
 *   /* pglint-enable <rule> *\/
 * Directives are found by a cheap comment scan (TypeScript's scanner for code, a small lexer for SQL), never a parse.
 * An unused directive can be reported as an 'unused-disable-directive' finding at the comment.
 */
import * as ts from 'typescript';
import type { Finding } from './types';
import { LineIndex } from './text';

export const UNUSED_DIRECTIVE_RULE_ID = 'unused-disable-directive';
/** Findings no directive can hide. */
const UNSUPPRESSIBLE = new Set(['parse-error']);

export type DirectiveKind = 'disable-next-line' | 'disable-line' | 'disable' | 'enable';

export interface Directive {
  kind: DirectiveKind;
  /** Rule ids listed; empty = every rule. */
  rules: string[];
  reason?: string;
  /** The whole comment. */
  start: number;
  end: number;
  /** 0-based line the directive covers (disable-line, disable-next-line), or its own line. */
  line: number;
}

export interface CommentRange {
  start: number;
  end: number;
  /** Text inside the comment markers. */
  body: string;
}

const DIRECTIVE_RE = /^\s*(?:\*\s*)?pglint-(disable-next-line|disable-line|disable|enable)(?=\s|$)([\s\S]*)$/;

/** Comments of a TypeScript/JavaScript file, skipping strings, templates and regular expressions. */
export function scanCodeComments(text: string): CommentRange[] {
  const comments: CommentRange[] = [];
  if (!text.includes('pglint-')) return comments;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const braceStack: boolean[] = []; // true = the brace opened a template substitution
  let previous: ts.SyntaxKind = ts.SyntaxKind.Unknown;
  for (;;) {
    let kind = scanner.scan();
    if (kind === ts.SyntaxKind.EndOfFileToken) break;
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) {
      const start = scanner.getTokenStart();
      const end = scanner.getTokenEnd();
      const raw = text.slice(start, end);
      const body = kind === ts.SyntaxKind.SingleLineCommentTrivia ? raw.slice(2) : raw.slice(2, raw.endsWith('*/') ? -2 : undefined);
      comments.push({ start, end, body });
      continue;
    }
    if (kind === ts.SyntaxKind.WhitespaceTrivia || kind === ts.SyntaxKind.NewLineTrivia || kind === ts.SyntaxKind.ShebangTrivia) continue;
    if ((kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) && !endsExpression(previous)) {
      kind = scanner.reScanSlashToken();
    } else if (kind === ts.SyntaxKind.TemplateHead) {
      braceStack.push(true);
    } else if (kind === ts.SyntaxKind.OpenBraceToken) {
      braceStack.push(false);
    } else if (kind === ts.SyntaxKind.CloseBraceToken) {
      if (braceStack.pop()) {
        kind = scanner.reScanTemplateToken(false);
        if (kind === ts.SyntaxKind.TemplateMiddle) braceStack.push(true);
      }
    }
    previous = kind;
  }
  return comments;
}

function endsExpression(kind: ts.SyntaxKind): boolean {
  switch (kind) {
    case ts.SyntaxKind.Identifier:
    case ts.SyntaxKind.PrivateIdentifier:
    case ts.SyntaxKind.NumericLiteral:
    case ts.SyntaxKind.BigIntLiteral:
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.RegularExpressionLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.TemplateTail:
    case ts.SyntaxKind.CloseParenToken:
    case ts.SyntaxKind.CloseBracketToken:
    case ts.SyntaxKind.CloseBraceToken:
    case ts.SyntaxKind.PlusPlusToken:
    case ts.SyntaxKind.MinusMinusToken:
    case ts.SyntaxKind.ThisKeyword:
    case ts.SyntaxKind.SuperKeyword:
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
      return true;
    default:
      return false;
  }
}

/** Comments of a SQL file (`-- ...` and nestable `/* ... *\/`), skipping quoted strings, identifiers and dollar quotes. */
export function scanSqlComments(text: string): CommentRange[] {
  const comments: CommentRange[] = [];
  if (!text.includes('pglint-')) return comments;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '-' && text[i + 1] === '-') {
      let j = i + 2;
      while (j < n && text[j] !== '\n' && text[j] !== '\r') j++;
      comments.push({ start: i, end: j, body: text.slice(i + 2, j) });
      i = j;
    } else if (c === '/' && text[i + 1] === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === '/' && text[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (text[j] === '*' && text[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      comments.push({ start: i, end: j, body: text.slice(i + 2, depth === 0 ? j - 2 : j) });
      i = j;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n) {
        if (text[j] === c) {
          if (text[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      i = j + 1;
    } else if (c === '$') {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (tag && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
      } else i++;
    } else i++;
  }
  return comments;
}

/** Reads the directives of a file. `file` decides the comment syntax (.sql or code). */
export function parseDirectives(text: string, file: string, lines = new LineIndex(text)): Directive[] {
  const comments = file.toLowerCase().endsWith('.sql') ? scanSqlComments(text) : scanCodeComments(text);
  const directives: Directive[] = [];
  for (const comment of comments) {
    const m = DIRECTIVE_RE.exec(comment.body);
    if (!m) continue;
    const kind = m[1] as DirectiveKind;
    let rest = m[2]!;
    let reason: string | undefined;
    const dash = rest.search(/(?:^|\s)--(?:\s|$)/);
    if (dash !== -1) {
      reason = rest.slice(dash).replace(/^\s*--/, '').trim() || undefined;
      rest = rest.slice(0, dash);
    }
    const rules = rest
      .split(/[\s,]+/)
      .map((r) => r.replace(/^\*+$/, '').replace(/^pglint\//, ''))
      .filter((r) => r.length > 0);
    const startLine = lines.position(comment.start).line;
    const endLine = lines.position(comment.end).line;
    const line = kind === 'disable-next-line' ? endLine + 1 : startLine;
    directives.push({ kind, rules, reason, start: comment.start, end: comment.end, line });
  }
  return directives;
}

export interface SuppressOptions {
  reportUnused: boolean;
  file: string;
}

export interface SuppressResult {
  /** Findings left after the directives. */
  findings: Finding[];
  /** One finding per unused directive (or unused rule of a directive) when `reportUnused` is set; empty otherwise. */
  unused: Finding[];
}

interface Usage {
  directive: Directive;
  /** Rule ids of the directive that suppressed something; '*' for a directive without a list. */
  used: Set<string>;
}

export function applySuppressions(text: string, findings: Finding[], opts: SuppressOptions): SuppressResult {
  // No directive can be there without the word: skip the comment scan (most files).
  if (!text.includes('pglint-')) return { findings, unused: [] };
  const lines = new LineIndex(text);
  const directives = parseDirectives(text, opts.file, lines);
  if (directives.length === 0) return { findings, unused: [] };
  const usages = directives.map((directive): Usage => ({ directive, used: new Set() }));
  const covers = (u: Usage, ruleId: string): boolean => u.directive.rules.length === 0 || u.directive.rules.includes(ruleId);
  const markUsed = (u: Usage, ruleId: string): void => {
    u.used.add(u.directive.rules.length === 0 ? '*' : ruleId);
  };
  const ranges = usages.filter((u) => u.directive.kind === 'disable' || u.directive.kind === 'enable');

  const kept: Finding[] = [];
  for (const finding of findings) {
    if (UNSUPPRESSIBLE.has(finding.ruleId)) {
      kept.push(finding);
      continue;
    }
    const line = lines.position(finding.start).line;
    let suppressedBy: Usage | undefined;
    for (const u of usages) {
      const k = u.directive.kind;
      if ((k === 'disable-line' || k === 'disable-next-line') && u.directive.line === line && covers(u, finding.ruleId)) {
        suppressedBy = u;
        break;
      }
    }
    if (!suppressedBy) {
      // The last disable/enable before the finding that mentions its rule decides.
      for (const u of ranges) {
        if (u.directive.start > finding.start) break;
        if (!covers(u, finding.ruleId)) continue;
        suppressedBy = u.directive.kind === 'disable' ? u : undefined;
      }
    }
    if (suppressedBy) markUsed(suppressedBy, finding.ruleId);
    else kept.push(finding);
  }

  const unused: Finding[] = [];
  if (opts.reportUnused) {
    for (const u of usages) {
      if (u.directive.kind === 'enable') continue;
      const d = u.directive;
      if (d.rules.length === 0) {
        if (!u.used.has('*')) unused.push(unusedFinding(text, lines, opts.file, d, undefined, true));
        continue;
      }
      const unusedRules = d.rules.filter((r) => !u.used.has(r));
      for (const rule of unusedRules) {
        unused.push(unusedFinding(text, lines, opts.file, d, rule, unusedRules.length === d.rules.length));
      }
    }
  }
  return { findings: kept, unused };
}

function unusedFinding(
  text: string,
  lines: LineIndex,
  file: string,
  d: Directive,
  rule: string | undefined,
  wholeDirectiveUnused: boolean,
): Finding {
  const message = rule
    ? `Unused pglint-${d.kind} directive (no problem was reported for '${rule}').`
    : `Unused pglint-${d.kind} directive (no problem was reported).`;
  const finding: Finding = {
    ruleId: UNUSED_DIRECTIVE_RULE_ID,
    messageId: 'unusedDirective',
    message,
    severity: 'warn',
    file,
    start: d.start,
    end: d.end,
    data: rule ? { rule } : {},
  };
  if (wholeDirectiveUnused) {
    finding.fixes = [{ id: 'removeDirective', title: 'Remove the unused pglint directive', safety: 'safe', edits: [removalEdit(text, lines, d)] }];
  }
  return finding;
}

/** Deletes the comment; deletes its whole line when nothing else is on it. */
function removalEdit(text: string, lines: LineIndex, d: Directive): { start: number; end: number; text: string } {
  const startLine = lines.position(d.start).line;
  const endLine = lines.position(d.end).line;
  const lineStart = lines.lineStart(startLine);
  const lineEnd = endLine + 1 < lines.lineCount ? lines.lineStart(endLine + 1) : text.length;
  const before = text.slice(lineStart, d.start);
  const after = text.slice(d.end, lineEnd);
  if (before.trim() === '' && after.trim() === '') return { start: lineStart, end: lineEnd, text: '' };
  let start = d.start;
  while (start > lineStart && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return { start, end: d.end, text: '' };
}
