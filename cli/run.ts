/**
 * The `pglint` command: reads arguments and configuration, finds the files, runs the engine, formats.
 * No analysis happens here: every finding comes from `Project.lintFile` (rules/src/engine/project.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { closest, ConfigError, findProjectRoot, loadConfig, mergeCliRuleOverrides, type KnownRule } from '../rules/src/config';
import type { ResolvedConfig } from '../rules/src/config-types';
import { BaselineError, filterByBaseline, readBaseline, writeBaseline } from '../rules/src/engine/baseline';
import { discoverFiles } from '../rules/src/engine/discover';
import { initSqlParser, Project, RULES, type Finding, type Rule } from '../rules/src';
import { version as packageVersion } from '../package.json';
import { HELP, parseCliArgs, UsageError, type CliOptions } from './args';
import { explainRule } from './explain';
import { applyFixesOnce } from './fix';
import { format } from './formatters';
import { countSeverities, type FileReport, type LintReport } from './report';

export const VERSION: string = packageVersion;
const MAX_FIX_PASSES = 10;

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

export function knownRules(rules: Record<string, Rule> = RULES): KnownRule[] {
  return Object.values(rules).map((r) => ({ id: r.meta.id, defaultSeverity: r.meta.defaultSeverity, defaultOptions: r.meta.defaultOptions }));
}

/** Runs the command; resolves to the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await runOrThrow(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`pglint: ${error.message}\nRun "pglint --help" for usage.\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof BaselineError) {
      io.stderr.write(`pglint: ${error.message}\n`);
      return 2;
    }
    const e = error as Error;
    io.stderr.write(`pglint: internal error: ${e?.message ?? String(error)}\n`);
    if (io.env.PGLINT_DEBUG === '1' && e?.stack) io.stderr.write(`${e.stack}\n`);
    return 2;
  }
}

async function runOrThrow(argv: readonly string[], io: CliIo): Promise<number> {
  const options = parseCliArgs(argv);
  if (options.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (options.version) {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const rulesMeta = knownRules();
  const absPaths = options.paths.map((p) => path.resolve(io.cwd, p));
  const explicitConfig = options.config !== undefined ? path.resolve(io.cwd, options.config) : undefined;
  const loaded = loadConfig(configStart(io.cwd, absPaths), explicitConfig, rulesMeta);
  let config: ResolvedConfig = mergeCliRuleOverrides(loaded.config, options.rules, rulesMeta);
  if (options.lang) config = { ...config, docs: { ...config.docs, language: options.lang } };
  const root = loaded.root;

  if (options.explain !== undefined) {
    const rule = RULES[options.explain];
    if (!rule) {
      const hint = closest(options.explain, Object.keys(RULES));
      throw new UsageError(`Unknown rule "${options.explain}"${hint ? ` (did you mean "${hint}"?)` : ''}. Rules: ${Object.keys(RULES).sort().join(', ')}.`);
    }
    io.stdout.write(explainRule(rule, config.docs.language, config.docs.baseUrl));
    return 0;
  }

  // Files.
  for (let i = 0; i < absPaths.length; i++) {
    if (!fs.existsSync(absPaths[i]!)) throw new UsageError(`No such file or folder: ${options.paths[i]}`);
  }
  const discovered = discoverFiles(root, absPaths, config.ignores, io.cwd);
  for (const w of discovered.warnings) io.stderr.write(`pglint: warning: ${w}\n`);

  // Lint (and fix). The SQL parser (WASM) loads once, before the first file.
  await initSqlParser();
  const project = new Project({ root, config });
  // Builds the schema the migrations produce (cached by their content) for the migration rules.
  await project.prepare({ cacheDir: options.cache ? options.cacheLocation : false });
  const migrationError = project.migrationError();
  if (migrationError) io.stderr.write(`pglint: warning: migrations could not be analysed: ${migrationError}\n`);
  const lintAll = async (): Promise<{ reports: FileReport[]; crashed: number }> => {
    const reports: FileReport[] = [];
    let crashed = 0;
    for (const file of discovered.files) {
      try {
        const result = await project.lintFile(file, { reportUnusedDisables: options.reportUnusedDisable });
        for (const message of result.errors ?? []) {
          io.stderr.write(`pglint: warning: ${io.env.PGLINT_DEBUG === '1' ? message : message.split('\n')[0]}\n`);
        }
        if (result.skipped && result.findings.length === 0) continue;
        reports.push({ file, text: project.textOf(file) ?? readTextOrEmpty(file), findings: result.findings });
      } catch (error) {
        crashed++;
        const e = error as Error;
        io.stderr.write(`pglint: internal error while linting ${file}: ${e?.message ?? String(error)}\n`);
        if (io.env.PGLINT_DEBUG === '1' && e?.stack) io.stderr.write(`${e.stack}\n`);
      }
    }
    return { reports, crashed };
  };
  let { reports, crashed } = await lintAll();
  if (options.fix) {
    for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
      const texts = new Map(reports.map((r) => [r.file, r.text]));
      const { written } = applyFixesOnce(
        reports.flatMap((r) => r.findings),
        { unsafe: options.unsafeFixes },
        (file) => texts.get(file) ?? readTextOrEmpty(file),
      );
      if (written.length === 0) break;
      for (const file of written) project.invalidate(file);
      ({ reports, crashed } = await lintAll());
    }
  }

  // Baselines.
  if (options.writeBaseline !== undefined) {
    const target = path.resolve(io.cwd, options.writeBaseline);
    const baseline = writeBaseline(target, root, reports);
    const count = Object.values(baseline.files).reduce((n, entries) => n + entries.reduce((m, e) => m + e.count, 0), 0);
    io.stderr.write(`pglint: wrote ${count} finding${count === 1 ? '' : 's'} from ${Object.keys(baseline.files).length} file(s) to ${options.writeBaseline}\n`);
    return crashed > 0 ? 2 : 0;
  }
  if (options.baseline !== undefined) {
    const baseline = readBaseline(path.resolve(io.cwd, options.baseline));
    reports = reports.map((r) => ({ ...r, findings: filterByBaseline(baseline, root, r.file, r.text, r.findings) }));
  }
  if (options.quiet) reports = reports.map((r) => ({ ...r, findings: r.findings.filter((f: Finding) => f.severity === 'error') }));

  // Output.
  const report: LintReport = {
    root,
    cwd: io.cwd,
    files: reports,
    rules: RULES,
    docsBaseUrl: config.docs.baseUrl,
    language: config.docs.language,
    version: VERSION,
  };
  const color = useColor(options, io);
  const text = format(options.format, report, { color });
  if (options.output !== undefined) {
    const target = path.resolve(io.cwd, options.output);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  } else if (text) {
    io.stdout.write(text);
  }
  if (discovered.files.length === 0) io.stderr.write('pglint: warning: no files to lint\n');

  const { errors, warnings } = countSeverities(reports);
  if (crashed > 0) return 2;
  if (errors > 0) return 1;
  if (options.maxWarnings >= 0 && warnings > options.maxWarnings) {
    io.stderr.write(`pglint found too many warnings (maximum: ${options.maxWarnings}).\n`);
    return 1;
  }
  return 0;
}

/**
 * Where to look for the project root and config: from the folder the linted paths share, upwards, so
 * `pglint services/billing` uses that package's own config and migrations (like a monorepo package),
 * and `pglint` with no path uses the working folder's project.
 */
function configStart(cwd: string, absPaths: readonly string[]): string {
  if (absPaths.length === 0) return cwd;
  const dirs = absPaths.map((p) => {
    try {
      return fs.statSync(p).isDirectory() ? p : path.dirname(p);
    } catch {
      return path.dirname(p);
    }
  });
  let common = dirs[0]!;
  for (const d of dirs.slice(1)) {
    while (path.relative(common, d).startsWith('..') || path.isAbsolute(path.relative(common, d))) {
      const parent = path.dirname(common);
      if (parent === common) break;
      common = parent;
    }
  }
  return common;
}

function useColor(options: CliOptions, io: CliIo): boolean {
  if (!options.color || options.output !== undefined || options.format !== 'stylish') return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true;
}

function readTextOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
