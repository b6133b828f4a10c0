/**
 * Applying fixes to text: the pure part of quick fixes and of `source.fixAll.pglint` (the CLI's `--fix` can use
 * `fixAllSafe` too). Offsets are UTF-16, as the engine reports them.
 */
import type { Finding, Fix, TextEdit } from '../rules/src/engine/types';

/** What fix-all needs from the engine's Project. */
export interface LintingProject {
  setOverlay(absPath: string, text: string | undefined): void;
  lintFile(absPath: string, opts?: { isCancelled?: () => boolean }): { findings: Finding[]; skipped?: string } | Promise<{ findings: Finding[]; skipped?: string }>;
}

/** Applies non-overlapping edits (any order). Throws on overlap: callers filter first. */
export function applyEdits(text: string, edits: readonly Pick<TextEdit, 'start' | 'end' | 'text'>[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start || e.end > text.length) throw new Error(`overlapping or out-of-range edit ${e.start}-${e.end}`);
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/** The fix's edits that touch `file` (edits without `file` belong to the finding's file). */
export function editsFor(fix: Fix, findingFile: string, file: string): TextEdit[] {
  return fix.edits.filter((e) => (e.file ?? findingFile) === file);
}

/** A fix fix-all may apply: safe, only edits the linted file, creates nothing. */
export function isAutoApplicable(fix: Fix, finding: Finding): boolean {
  return fix.safety === 'safe' && !fix.createFiles?.length && fix.edits.every((e) => (e.file ?? finding.file) === finding.file);
}

/** Picks one safe fix per finding, skipping any whose edits overlap an already chosen one. */
export function chooseSafeEdits(findings: readonly Finding[], file: string): TextEdit[] {
  const chosen: TextEdit[] = [];
  const overlaps = (e: TextEdit) => chosen.some((c) => e.start < c.end && c.start < e.end || (e.start === e.end && e.start === c.start));
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    if (f.file !== file) continue;
    const fix = f.fixes?.find((x) => isAutoApplicable(x, f));
    if (!fix) continue;
    const edits = editsFor(fix, f.file, file);
    if (edits.length === 0 || edits.some(overlaps)) continue;
    chosen.push(...edits);
  }
  return chosen;
}

export interface FixAllResult {
  text: string;
  rounds: number;
  applied: number;
}

/**
 * Applies every safe fix, re-linting between rounds (a fix can reveal or shift another), until none is left
 * or `maxRounds` is reached. The project's overlay for `file` is restored to `original` afterwards
 * (the editor, not us, owns the document's text).
 */
export async function fixAllSafe(project: LintingProject, file: string, original: string, opts: { maxRounds?: number; isCancelled?: () => boolean } = {}): Promise<FixAllResult> {
  let text = original;
  let applied = 0;
  let rounds = 0;
  try {
    for (; rounds < (opts.maxRounds ?? 10); rounds++) {
      if (opts.isCancelled?.()) break;
      project.setOverlay(file, text);
      const result = await project.lintFile(file, { isCancelled: opts.isCancelled });
      const edits = chooseSafeEdits(result.findings, file);
      if (edits.length === 0) break;
      text = applyEdits(text, edits);
      applied += edits.length;
    }
  } finally {
    project.setOverlay(file, original);
  }
  return { text, rounds, applied };
}

/** Smallest single replacement turning `a` into `b` (common prefix and suffix kept), as offsets into `a`. */
export function minimalEdit(a: string, b: string): { start: number; end: number; text: string } | undefined {
  if (a === b) return undefined;
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return { start, end: endA, text: b.slice(start, endB) };
}
