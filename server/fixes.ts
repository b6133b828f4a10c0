/**
 * Fix selection for quick fixes and `source.fixAll.pglint`. Applying edits is the engine's
 * (`applyFixes` in rules/src/engine/fixes.ts, shared with the CLI's `--fix`); this file only decides which
 * fixes fix-all may take and turns a result into one small editor edit. Offsets are UTF-16, as the engine's.
 */
import type { Finding, Fix, TextEdit } from '../rules/src/engine/types';
import { diffRange } from '../rules/src/engine/text';

/** The fix's edits that touch `file` (edits without `file` belong to the finding's file). */
export function editsFor(fix: Fix, findingFile: string, file: string): TextEdit[] {
  return fix.edits.filter((e) => (e.file ?? findingFile) === file);
}

/** A fix fix-all may apply: safe, only edits the linted file, creates nothing. */
export function isAutoApplicable(fix: Fix, finding: Finding): boolean {
  return fix.safety === 'safe' && fix.edits.length > 0 && !fix.createFiles?.length && fix.edits.every((e) => (e.file ?? finding.file) === finding.file);
}

/** One auto-applicable fix per finding of `file`, in file order (the engine skips overlapping ones). */
export function safeFixesOf(findings: readonly Finding[], file: string): Fix[] {
  const out: Fix[] = [];
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    if (f.file !== file) continue;
    const fix = f.fixes?.find((x) => isAutoApplicable(x, f));
    if (fix) out.push(fix);
  }
  return out;
}

/** Smallest single replacement turning `a` into `b` (common prefix and suffix kept), as offsets into `a`. */
export function minimalEdit(a: string, b: string): { start: number; end: number; text: string } | undefined {
  if (a === b) return undefined;
  const { start, endOld, endNew } = diffRange(a, b);
  return { start, end: endOld, text: b.slice(start, endNew) };
}
