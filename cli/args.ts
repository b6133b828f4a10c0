/** Command-line parsing (node:util parseArgs) and the help text. */
import { parseArgs } from 'node:util';
import { FORMATS, type FormatName } from './formatters';
import type { Language } from '../rules/src/engine/types';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliOptions {
  paths: string[];
  format: FormatName;
  output?: string;
  maxWarnings: number;
  quiet: boolean;
  rules: string[];
  config?: string;
  explain?: string;
  lang?: Language;
  version: boolean;
  help: boolean;
  baseline?: string;
  writeBaseline?: string;
  reportUnusedDisable: boolean;
  fix: boolean;
  unsafeFixes: boolean;
  cache: boolean;
  cacheLocation?: string;
  /** How the cache tells that a file is unchanged: size, modification and change times, inode (default), or content. */
  cacheStrategy: 'metadata' | 'content';
  /** Opt-in live checks: a postgres:// URL, or 'env' for DATABASE_URL. */
  databaseUrl?: string;
  color: boolean;
}

export const HELP = `Usage: pglint [options] [paths...]

Lints TypeScript/JavaScript code (and SQL files) that talks to PostgreSQL.
Paths default to the current folder; .gitignore, configured ignores, node_modules and build output are skipped.

Output:
  -f, --format <name>          stylish (default), json, sarif, github
  -o, --output <file>          write the report to a file instead of stdout
      --no-color               no colors (also NO_COLOR=1)
  -q, --quiet                  report errors only

Exit status:
      --max-warnings <n>       exit 1 when there are more than n warnings (default: no limit)

Rules and configuration:
  -c, --config <file>          use this config file instead of pglint.config.json / package.json "pglint"
      --rule <id>=<severity>   set a rule to off, warn or error (repeatable)
      --explain <rule>         print the documentation of a rule and exit
      --lang <en|fr>           language of --explain and of messages

Suppressions and baselines:
      --report-unused-disable  report pglint-disable comments that suppress nothing
      --baseline <file>        report only findings not recorded in this baseline
      --write-baseline <file>  record the current findings in a baseline file and exit

Fixes:
      --fix                    apply safe fixes and lint again
      --unsafe-fixes           with --fix, also apply fixes that may change behaviour

Cache:
      --no-cache               do not read or write the result cache
      --cache-location <dir>   where the cache lives
      --cache-strategy <s>     how an unchanged file is recognised: metadata (size, modification and
                               change times, inode; the default) or content (read and hash every file)

Live database (opt-in, read-only):
      --database-url <url|env> also check against this database (env: DATABASE_URL): unapplied
                               migrations, queries (PREPARE in a rolled-back read-only transaction),
                               pool sizes against max_connections. The password is never printed.

  -v, --version                print the version
  -h, --help                   print this help

Exit codes: 0 = no error and warnings within --max-warnings; 1 = errors or too many warnings;
2 = usage, configuration or internal error.
`;

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'max-warnings': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        rule: { type: 'string', multiple: true },
        config: { type: 'string', short: 'c' },
        explain: { type: 'string' },
        lang: { type: 'string' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        'report-unused-disable': { type: 'boolean' },
        fix: { type: 'boolean' },
        'unsafe-fixes': { type: 'boolean' },
        'no-cache': { type: 'boolean' },
        'cache-location': { type: 'string' },
        'cache-strategy': { type: 'string' },
        'database-url': { type: 'string' },
        'no-color': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
  const v = parsed.values;
  const format = (v.format ?? 'stylish') as FormatName;
  if (!FORMATS.includes(format)) throw new UsageError(`Unknown format "${v.format}"; expected one of ${FORMATS.join(', ')}.`);
  let maxWarnings = -1;
  if (v['max-warnings'] !== undefined) {
    if (!/^-?\d+$/.test(v['max-warnings']) || Number(v['max-warnings']) < -1) {
      throw new UsageError(`--max-warnings expects a whole number (or -1 for no limit), got "${v['max-warnings']}".`);
    }
    maxWarnings = Number(v['max-warnings']);
  }
  if (v.lang !== undefined && v.lang !== 'en' && v.lang !== 'fr') throw new UsageError(`--lang expects "en" or "fr", got "${v.lang}".`);
  const cacheStrategy = v['cache-strategy'] ?? 'metadata';
  if (cacheStrategy !== 'metadata' && cacheStrategy !== 'content') throw new UsageError(`--cache-strategy expects "metadata" or "content", got "${cacheStrategy}".`);
  if (v['unsafe-fixes'] && !v.fix) throw new UsageError('--unsafe-fixes only makes sense with --fix.');
  for (const [name, value] of [['output', v.output], ['baseline', v.baseline], ['write-baseline', v['write-baseline']], ['config', v.config]] as const) {
    if (value === '') throw new UsageError(`--${name} expects a file name.`);
  }
  return {
    paths: parsed.positionals.length ? parsed.positionals : ['.'],
    format,
    output: v.output,
    maxWarnings,
    quiet: v.quiet ?? false,
    rules: v.rule ?? [],
    config: v.config,
    explain: v.explain,
    lang: v.lang as Language | undefined,
    version: v.version ?? false,
    help: v.help ?? false,
    baseline: v.baseline,
    writeBaseline: v['write-baseline'],
    reportUnusedDisable: v['report-unused-disable'] ?? false,
    fix: v.fix ?? false,
    unsafeFixes: v['unsafe-fixes'] ?? false,
    cache: !(v['no-cache'] ?? false),
    cacheLocation: v['cache-location'],
    cacheStrategy,
    databaseUrl: v['database-url'],
    color: !(v['no-color'] ?? false),
  };
}
