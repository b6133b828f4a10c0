/** `--fix`: applies the fixes findings carry (safe ones; unsafe ones too with --unsafe-fixes). Display-only fixes never. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, editsOverlap } from '../rules/src/engine/fixes';
import type { Finding, Fix, TextEdit } from '../rules/src/engine/types';

export interface FixOptions {
  unsafe: boolean;
}

interface PlannedEdit {
  start: number;
  end: number;
  text: string;
}

function allowed(fix: Fix, options: FixOptions): boolean {
  return fix.safety === 'safe' || (options.unsafe && fix.safety === 'unsafe');
}

/**
 * One pass: picks for each finding its first allowed fix that does not overlap a fix already picked,
 * writes the changed files and creates missing files. Returns the files written.
 */
export function applyFixesOnce(
  findings: readonly Finding[],
  options: FixOptions,
  readText: (file: string) => string,
): { written: string[]; applied: number } {
  const planned = new Map<string, PlannedEdit[]>();
  const creates = new Map<string, string>();
  let applied = 0;
  const sorted = [...findings].sort((a, b) => (a.file === b.file ? a.start - b.start : a.file < b.file ? -1 : 1));
  for (const finding of sorted) {
    const fix = finding.fixes?.find((f) => allowed(f, options));
    if (!fix) continue;
    const byFile = new Map<string, PlannedEdit[]>();
    for (const e of fix.edits as TextEdit[]) {
      const file = e.file ?? finding.file;
      byFile.set(file, [...(byFile.get(file) ?? []), { start: e.start, end: e.end, text: e.text }]);
    }
    const clash = [...byFile].some(([file, edits]) =>
      edits.some((e) => (planned.get(file) ?? []).some((p) => editsOverlap(p, e))),
    );
    const createClash = (fix.createFiles ?? []).some((c) => creates.has(c.file) || fs.existsSync(c.file));
    if (clash || createClash) continue;
    for (const [file, edits] of byFile) planned.set(file, [...(planned.get(file) ?? []), ...edits]);
    for (const c of fix.createFiles ?? []) creates.set(c.file, c.text);
    applied++;
  }
  const written: string[] = [];
  for (const [file, edits] of planned) {
    const before = readText(file);
    const after = applyEdits(before, edits);
    if (after !== before) {
      fs.writeFileSync(file, after);
      written.push(file);
    }
  }
  for (const [file, text] of creates) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { flag: 'wx' });
    written.push(file);
  }
  return { written, applied };
}
