/** Applying fixes to text: edits sorted from the end so offsets stay valid; overlapping edits are dropped. */
import type { Fix, TextEdit } from './types';

export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let lastStart = Infinity;
  for (const e of sorted) {
    if (e.end > lastStart) continue; // overlaps an edit already applied
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    lastStart = e.start;
  }
  return out;
}

/**
 * Applies several fixes to one file's text. A fix whose edits overlap one already taken is skipped
 * (the caller re-lints and applies again, as ESLint does), so the result is always well-formed.
 */
export function applyFixes(text: string, fixes: Fix[], file?: string): { text: string; applied: Fix[]; skipped: Fix[] } {
  const taken: TextEdit[] = [];
  const applied: Fix[] = [];
  const skipped: Fix[] = [];
  for (const fix of fixes) {
    const edits = fix.edits.filter((e) => !e.file || !file || e.file === file);
    if (!edits.length) {
      skipped.push(fix);
      continue;
    }
    const overlaps = edits.some((e) => taken.some((t) => e.start < t.end && t.start < e.end || (e.start === t.start && e.end === t.end)));
    if (overlaps) {
      skipped.push(fix);
      continue;
    }
    taken.push(...edits);
    applied.push(fix);
  }
  return { text: applyEdits(text, taken), applied, skipped };
}
