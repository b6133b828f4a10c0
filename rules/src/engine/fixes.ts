/** Applying fixes to text: edits sorted from the end so offsets stay valid; overlapping edits are dropped. */
import type { Fix, TextEdit } from './types';

interface Span {
  start: number;
  end: number;
}

/** Whether two edits touch the same text (two insertions at one offset clash too: their order is undefined). */
export function editsOverlap(a: Span, b: Span): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/** Applies non-overlapping edits to a text (given in any order): from the end, so offsets stay valid. */
export function applyEdits(text: string, edits: readonly (Span & { text: string })[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
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
    const overlaps = edits.some((e) => taken.some((t) => editsOverlap(e, t)));
    if (overlaps) {
      skipped.push(fix);
      continue;
    }
    taken.push(...edits);
    applied.push(fix);
  }
  return { text: applyEdits(text, taken), applied, skipped };
}
