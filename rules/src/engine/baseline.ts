/**
 * Baselines, for adopting pglint on an existing codebase: record today's findings, then report only new ones.
 * An entry is keyed by the file (relative to the project root, '/' separators), the rule id and a hash of the
 * finding's source line with whitespace collapsed, plus a count for identical lines — so adding or removing
 * lines elsewhere in the file does not break the baseline.
 */
import { createHash } from './hash';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from './text';
import type { Finding } from './types';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  ruleId: string;
  /** Hash of the finding's line (see lineHash). */
  hash: string;
  /** How many findings share this rule and line text. */
  count: number;
  /** The message when the baseline was written (for people reading the file; not used to match). */
  message: string;
}

export interface Baseline {
  version: typeof BASELINE_VERSION;
  tool: 'pglint';
  /** Relative file path -> entries. */
  files: Record<string, BaselineEntry[]>;
}

export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineError';
  }
}

/** A finding's file, text and findings: what a baseline is computed from. */
export interface BaselineInput {
  file: string;
  text: string;
  findings: readonly Finding[];
}

/** Stable hash of a source line: trimmed, inner whitespace collapsed, 16 hex digits. */
export function lineHash(lineText: string): string {
  return createHash('sha256').update(lineText.trim().replace(/\s+/g, ' ')).digest('hex').slice(0, 16);
}

/** Finding's line hash; the same `LineIndex` may be passed when hashing many findings of one file. */
export function findingLineHash(finding: Finding, text: string, lines = new LineIndex(text)): string {
  return lineHash(lines.lineText(lines.position(finding.start).line));
}

export function relativeKey(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

export function createBaseline(root: string, inputs: readonly BaselineInput[]): Baseline {
  const files: Record<string, BaselineEntry[]> = {};
  for (const input of [...inputs].sort((a, b) => relativeKey(root, a.file).localeCompare(relativeKey(root, b.file)))) {
    if (input.findings.length === 0) continue;
    const lines = new LineIndex(input.text);
    const byKey = new Map<string, BaselineEntry>();
    for (const f of input.findings) {
      const hash = findingLineHash(f, input.text, lines);
      const key = `${f.ruleId}\0${hash}`;
      const entry = byKey.get(key);
      if (entry) entry.count++;
      else byKey.set(key, { ruleId: f.ruleId, hash, count: 1, message: f.message });
    }
    files[relativeKey(root, input.file)] = [...byKey.values()].sort((a, b) =>
      a.ruleId === b.ruleId ? a.hash.localeCompare(b.hash) : a.ruleId.localeCompare(b.ruleId),
    );
  }
  return { version: BASELINE_VERSION, tool: 'pglint', files };
}

export function writeBaseline(baselineFile: string, root: string, inputs: readonly BaselineInput[]): Baseline {
  const baseline = createBaseline(root, inputs);
  fs.mkdirSync(path.dirname(path.resolve(baselineFile)), { recursive: true });
  fs.writeFileSync(baselineFile, `${JSON.stringify(baseline, null, 2)}\n`);
  return baseline;
}

export function readBaseline(baselineFile: string): Baseline {
  let text: string;
  try {
    text = fs.readFileSync(baselineFile, 'utf8');
  } catch (error) {
    throw new BaselineError(`Cannot read baseline ${baselineFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`Baseline ${baselineFile} is not valid JSON: ${(error as Error).message}`);
  }
  const b = json as Partial<Baseline>;
  if (typeof json !== 'object' || json === null || b.tool !== 'pglint' || typeof b.files !== 'object' || b.files === null) {
    throw new BaselineError(`${baselineFile} is not a pglint baseline (expected {"version": ${BASELINE_VERSION}, "tool": "pglint", "files": {...}})`);
  }
  if (b.version !== BASELINE_VERSION) {
    throw new BaselineError(`Baseline ${baselineFile} has version ${String(b.version)}; this pglint reads version ${BASELINE_VERSION}. Write it again with --write-baseline.`);
  }
  for (const [file, entries] of Object.entries(b.files)) {
    if (!Array.isArray(entries) || entries.some((e) => typeof e?.ruleId !== 'string' || typeof e?.hash !== 'string' || typeof e?.count !== 'number')) {
      throw new BaselineError(`Baseline ${baselineFile}: malformed entries for "${file}"`);
    }
  }
  return b as Baseline;
}

/** The findings of one file that the baseline does not account for. */
export function filterByBaseline(baseline: Baseline, root: string, file: string, text: string, findings: readonly Finding[]): Finding[] {
  const entries = baseline.files[relativeKey(root, file)];
  if (!entries || entries.length === 0) return [...findings];
  const remaining = new Map<string, number>();
  for (const e of entries) remaining.set(`${e.ruleId}\0${e.hash}`, (remaining.get(`${e.ruleId}\0${e.hash}`) ?? 0) + e.count);
  const lines = new LineIndex(text);
  const matched = new Set<Finding>();
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    const key = `${f.ruleId}\0${findingLineHash(f, text, lines)}`;
    const left = remaining.get(key) ?? 0;
    if (left > 0) {
      remaining.set(key, left - 1);
      matched.add(f);
    }
  }
  return findings.filter((f) => !matched.has(f));
}
