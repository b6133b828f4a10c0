/**
 * Feeds one mutant to the engine and checks the robustness contract. Shared by the fixed-seed sample
 * (tests/fuzz/fuzz.test.ts) and the long run (bench/fuzz-long.mjs, which bundles this file with esbuild).
 *
 * Contract checked for every mutant:
 *  - no exception escapes `Project.lintFile` (and `FileResult.errors` is empty: a rule that threw is a bug);
 *  - the file's analysis ends within the time bound (TIME_BOUND_MS, or HEAVY_TIME_BOUND_MS for the huge/deep mutants);
 *  - every fix offered, applied alone with applyFixes, gives text with no more syntax errors than the mutant had;
 *  - findings have sane ranges (0 <= start <= end <= text length).
 * For .sql files, the SQL splitter and the SQL parser run on the mutant too (the migration rules' entry points).
 */
import * as path from 'node:path';
import { Project } from '../../rules/src/engine/project';
import { parse, isSourceFile } from '../../rules/src/engine/parse';
import { applyFixes } from '../../rules/src/engine/fixes';
import { parseSql } from '../../rules/src/engine/sqlparse';
import { splitSql } from '../../rules/src/migrations/sql-split';
import { readJsMigration } from '../../rules/src/migrations/js-builders';
import type { MutationKind } from './mutator';

/**
 * Time bound per file, documented in tests/fuzz/README.md: 2 s for a mutant of ordinary size (fixtures are
 * < 20 kB; the engine lints them in a few ms, so 2 s leaves room for a loaded 2-core CI machine);
 * 10 s for the heavy mutants (up to 1.5 MB literals, 10,000-deep nesting, 10,000-long chains).
 */
export const TIME_BOUND_MS = 2_000;
export const HEAVY_TIME_BOUND_MS = 10_000;
export const HEAVY_KINDS: ReadonlySet<MutationKind> = new Set(['hugeString', 'hugeSql', 'deepNesting', 'longChain']);

export interface MutantProblem {
  kind: 'exception' | 'rule-error' | 'timeout' | 'fix-breaks-parse' | 'bad-range' | 'sql-exception';
  detail: string;
}

export interface MutantOutcome {
  ms: number;
  problems: MutantProblem[];
  findings: number;
  fixesChecked: number;
  skipped?: string;
}

export function checkMutant(project: Project, file: string, text: string, kinds: readonly MutationKind[]): MutantOutcome {
  const problems: MutantProblem[] = [];
  const bound = kinds.some((k) => HEAVY_KINDS.has(k)) ? HEAVY_TIME_BOUND_MS : TIME_BOUND_MS;
  let findings = 0;
  let fixesChecked = 0;
  let skipped: string | undefined;
  const t0 = performance.now();
  project.setOverlay(file, text);
  try {
    const res = project.lintFile(file);
    skipped = res.skipped;
    findings = res.findings.length;
    for (const e of res.errors ?? []) problems.push({ kind: 'rule-error', detail: e.split('\n').slice(0, 6).join('\n') });
    for (const f of res.findings) {
      if (!(f.start >= 0 && f.end >= f.start && f.end <= text.length)) {
        // Migration findings refer to the migration as it was at prepare() time, not to the mutant (a changed
        // migration needs a new prepare(), as the language server does on save).
        // Same for schema.prisma models: anything that is not a TS/JS source is analysed at prepare() time.
        const isMigration = !isSourceFile(file) || project.migrationSet()?.migrations.some((m) => m.file === file);
        if (!(isMigration || f.file !== file)) problems.push({ kind: 'bad-range', detail: `${f.ruleId} ${f.start}-${f.end} (length ${text.length})` });
      }
    }
    const ms = performance.now() - t0;
    if (ms > bound) problems.push({ kind: 'timeout', detail: `${Math.round(ms)} ms > ${bound} ms` });
    // Fixes: each fix alone must keep the mutant parseable (no new syntax errors).
    const fixable = res.findings.flatMap((f) => (f.fixes ?? []).filter((x) => x.safety !== 'display-only' && x.edits.length).map((x) => ({ f, x })));
    if (fixable.length && isSourceFile(file)) {
      const baseErrors = parse(file, text).syntaxErrors.length;
      for (const { f, x } of fixable) {
        fixesChecked++;
        const { text: fixed, applied } = applyFixes(text, [x], file);
        if (!applied.length) continue;
        const errs = parse(file, fixed).syntaxErrors;
        if (errs.length > baseErrors) {
          problems.push({ kind: 'fix-breaks-parse', detail: `${f.ruleId}/${x.id} (${x.safety}): ${errs[0]!.message} at ${errs[0]!.start}` });
        }
      }
    }
  } catch (err) {
    const e = err as Error;
    problems.push({ kind: 'exception', detail: `${e?.name}: ${e?.message}\n${(e?.stack ?? '').split('\n').slice(1, 8).join('\n')}` });
  }
  if (file.endsWith('.sql')) {
    try {
      for (const chunk of splitSql(text)) parseSql(chunk.sql);
    } catch (err) {
      problems.push({ kind: 'sql-exception', detail: `splitSql/parseSql: ${(err as Error).message}` });
    }
  } else if (/migrations?[/\\]/.test(file) && isSourceFile(file)) {
    try {
      readJsMigration(file, text);
    } catch (err) {
      problems.push({ kind: 'sql-exception', detail: `readJsMigration: ${(err as Error).message}` });
    }
  }
  const ms = performance.now() - t0;
  project.setOverlay(file, undefined);
  return { ms, problems, findings, fixesChecked, skipped };
}

/** A short, replayable description of a failing mutant. */
export function describeFailure(root: string, file: string, seed: number, index: number, kinds: readonly string[], p: MutantProblem): string {
  return `${p.kind} in ${path.relative(root, file)} (run seed ${seed}, mutant #${index}, mutations ${kinds.join('+')}): ${p.detail}`;
}
