/** What the CLI hands its formatters: every linted file with its text and findings, and where the run started. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from '../rules/src/engine/text';
import type { Finding } from '../rules/src/engine/types';
import type { Rule } from '../rules/src/engine/rule';
import type { Language } from '../rules/src/engine/types';

export interface FileReport {
  /** Absolute path. */
  file: string;
  text: string;
  findings: Finding[];
}

export interface LintReport {
  root: string;
  cwd: string;
  files: FileReport[];
  rules: Record<string, Rule>;
  docsBaseUrl: string;
  language: Language;
  version: string;
}

export interface Range1 {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * Texts and line indexes on demand, for findings and their related locations: a linted file's text comes from its
 * report (the text that was linted), any other file is read. A report's `text` may be a getter that reads the
 * file (a cached result): it is asked only for a file that a finding points into, so a run whose results all come
 * from the cache reads only the files with findings.
 */
export class TextCache {
  private readonly texts = new Map<string, string>();
  private readonly indexes = new Map<string, LineIndex>();
  private readonly reports = new Map<string, FileReport>();
  constructor(files: readonly FileReport[] = []) {
    for (const f of files) this.reports.set(f.file, f);
  }
  text(file: string): string {
    let t = this.texts.get(file);
    if (t === undefined) {
      const report = this.reports.get(file);
      if (report) t = report.text;
      else {
        try {
          t = fs.readFileSync(file, 'utf8');
        } catch {
          t = '';
        }
      }
      this.texts.set(file, t);
    }
    return t;
  }
  index(file: string): LineIndex {
    let idx = this.indexes.get(file);
    if (!idx) {
      idx = new LineIndex(this.text(file));
      this.indexes.set(file, idx);
    }
    return idx;
  }
  /** 1-based line and column range of offsets in `file`. */
  range(file: string, start: number, end: number): Range1 {
    const idx = this.index(file);
    const s = idx.position(start);
    const e = idx.position(Math.max(start, end));
    return { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
  }
}

/** The same report with other findings; its text stays lazy (spreading the report would read it). */
export function withFindings(report: FileReport, findings: Finding[]): FileReport {
  return { file: report.file, findings, get text() { return report.text; } };
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.start - b.start || a.end - b.end || a.ruleId.localeCompare(b.ruleId));
}

export function countSeverities(files: readonly FileReport[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const f of files) {
    for (const finding of f.findings) {
      if (finding.severity === 'error') errors++;
      else warnings++;
    }
  }
  return { errors, warnings };
}

/** Path for people: relative to the working folder when inside it, '/' separators. */
export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return file;
  return rel.split(path.sep).join('/');
}
