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

/** Reads and indexes files on demand (the linted ones are pre-filled), for related locations in other files. */
export class TextCache {
  private readonly texts = new Map<string, string>();
  private readonly indexes = new Map<string, LineIndex>();
  constructor(files: readonly FileReport[] = []) {
    for (const f of files) this.texts.set(f.file, f.text);
  }
  text(file: string): string {
    let t = this.texts.get(file);
    if (t === undefined) {
      try {
        t = fs.readFileSync(file, 'utf8');
      } catch {
        t = '';
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
