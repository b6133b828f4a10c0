/**
 * Which files a run lints: walks the given paths, keeps sources, .sql migrations and Prisma schemas, and skips dependencies, build output,
 * .gitignore'd files (root and nested .gitignore files) and the configured `ignores` (same syntax as .gitignore,
 * relative to the project root). Never throws for an unreadable folder: it becomes a warning.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSourceFile } from './parse';
import { childPath } from './read';

/** Folder names never walked into (unless named explicitly on the command line). */
export const DEFAULT_SKIPPED_DIRS: readonly string[] = ['node_modules', 'dist', 'build', 'out', 'coverage', '.git', '.next', 'vendor'];

export function isLintableFile(file: string): boolean {
  return isSourceFile(file) || file.endsWith('.sql') || file.endsWith('.prisma');
}

export interface DiscoverResult {
  /** Absolute paths, sorted. */
  files: string[];
  warnings: string[];
  /**
   * Every folder whose entries or .gitignore the discovery read: a run's inputs include their listings (a file
   * added or removed changes the folder's modification time; the CLI's replay of a whole run checks them).
   */
  folders: string[];
  /**
   * The entries of every folder the walk listed, by its path as walked (absolute), in name order: the CLI's import
   * resolution reads them instead of listing the same folders again.
   */
  listings: Map<string, fs.Dirent[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// gitignore patterns

interface IgnoreRule {
  regex: RegExp;
  negated: boolean;
  dirOnly: boolean;
  /** Absolute folder the pattern is relative to. */
  base: string;
  /** `base` ending with the path separator (the prefix of the paths the pattern is tested on). */
  prefix: string;
}

/** Turns one gitignore line into a rule, or undefined for blanks and comments. */
export function compileIgnorePattern(line: string, base: string): IgnoreRule | undefined {
  let p = line.replace(/\r$/, '');
  if (p.startsWith('#')) return undefined;
  // Trailing spaces are dropped unless escaped.
  p = p.replace(/(?<!\\)\s+$/, '');
  if (p === '') return undefined;
  let negated = false;
  if (p.startsWith('!')) {
    negated = true;
    p = p.slice(1);
  } else if (p.startsWith('\\!') || p.startsWith('\\#')) {
    p = p.slice(1);
  }
  let dirOnly = false;
  if (p.endsWith('/') && !p.endsWith('\\/')) {
    dirOnly = true;
    p = p.replace(/\/+$/, '');
  }
  if (p === '') return undefined;
  // A slash at the start or in the middle anchors the pattern to its folder; otherwise it matches at any depth.
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  const body = globToRegex(p);
  const regex = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}$`);
  return { regex, negated, dirOnly, base, prefix: base.endsWith(path.sep) ? base : base + path.sep };
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length;
        const slashAfter = glob[i + 2] === '/';
        if (atStart && slashAfter) {
          out += '(?:.*/)?'; // "**/" : zero or more folders
          i += 2;
          continue;
        }
        if (atStart && atEnd) {
          out += '.*'; // trailing "/**": everything inside
          i += 1;
          continue;
        }
        out += '[^/]*'; // "**" elsewhere behaves like "*"
        i += 1;
        continue;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let cls = glob.slice(i + 1, close);
      if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      out += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[i + 1]!);
      i += 1;
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

function parseIgnoreFile(file: string, base: string): IgnoreRule[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split(/\n/)
    .map((line) => compileIgnorePattern(line, base))
    .filter((r): r is IgnoreRule => r !== undefined);
}

/** The last matching rule decides (later files and later lines win), as in git. */
function isIgnored(rules: readonly IgnoreRule[], abs: string, isDir: boolean): boolean {
  let ignored = false;
  // This runs for every file and folder of the walk: a prefix test instead of path.relative, and the relative path
  // worked out once per folder the rules come from (most come from the same .gitignore).
  let prefix: string | undefined;
  let rel = '';
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) continue;
    if (rule.prefix !== prefix) {
      prefix = rule.prefix;
      rel = abs.startsWith(prefix) ? abs.slice(prefix.length) : '';
      if (path.sep !== '/') rel = rel.split(path.sep).join('/');
    }
    if (rel === '') continue;
    if (rule.regex.test(rel)) ignored = !rule.negated;
  }
  return ignored;
}

/**
 * Ignore rules that apply inside `dir`: the configured ones plus every .gitignore from `root` down to `dir`.
 * `hasGitignore`: whether `dir` has an entry named .gitignore, when the caller listed it (most folders have none, and
 * a read that fails costs an exception: 1,495 of them on a 3,300-folder monorepo).
 */
function rulesForDir(root: string, dir: string, configRules: IgnoreRule[], cache: Map<string, IgnoreRule[]>, hasGitignore?: boolean): IgnoreRule[] {
  const cached = cache.get(dir);
  if (cached) return cached;
  let inherited: IgnoreRule[];
  const rel = path.relative(root, dir);
  if (dir === root) inherited = configRules;
  else if (rel.startsWith('..') || path.isAbsolute(rel)) {
    // Outside the project root: inherit only from folders this walk went through.
    inherited = cache.get(path.dirname(dir)) ?? configRules;
  } else inherited = rulesForDir(root, path.dirname(dir), configRules, cache);
  // Config ignores come last among the root's rules so that a .gitignore `!` cannot re-include what the config ignores.
  const own = hasGitignore === false ? [] : parseIgnoreFile(path.join(dir, '.gitignore'), dir);
  const rules = own.length ? [...inherited.filter((r) => !configRules.includes(r)), ...own, ...configRules] : inherited;
  cache.set(dir, rules);
  return rules;
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Expands `paths` (absolute, or relative to `root`) into the files to lint.
 * Explicit files are kept unless an ignore pattern matches them (then a warning, as ESLint's "File ignored").
 */
export function discoverFiles(
  root: string,
  paths: readonly string[],
  ignores: readonly string[],
  /** Folder warnings show paths relative to (the CLI passes its working folder). */
  displayBase: string = root,
): DiscoverResult {
  const absRoot = path.resolve(root);
  const show = (abs: string): string => {
    const rel = path.relative(displayBase, abs);
    return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
  };
  const configRules = ignores.map((g) => compileIgnorePattern(g, absRoot)).filter((r): r is IgnoreRule => r !== undefined);
  const cache = new Map<string, IgnoreRule[]>();
  const files = new Map<string, string>(); // realpath -> first path seen
  const warnings: string[] = [];
  const visitedDirs = new Set<string>();
  const listings = new Map<string, fs.Dirent[]>();

  const addFile = (abs: string, real?: string): void => {
    if (real === undefined) {
      real = abs;
      try {
        real = fs.realpathSync(abs);
      } catch {
        // keep the path as given
      }
    }
    if (!files.has(real)) files.set(real, abs);
  };

  /** Walks a folder; `knownReal` is its real path when the caller already knows it (no symlink on the way). */
  const walk = (dir: string, knownReal?: string): void => {
    let real: string;
    try {
      real = knownReal ?? fs.realpathSync(dir);
    } catch (error) {
      warnings.push(`Cannot read folder ${show(dir)}: ${(error as Error).message}`);
      return;
    }
    if (visitedDirs.has(real)) return; // symlink loop or folder reached twice
    visitedDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      warnings.push(`Cannot read folder ${show(dir)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return;
    }
    listings.set(dir, entries);
    const rules = rulesForDir(absRoot, dir, configRules, cache, entries.some((e) => e.name === '.gitignore'));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const abs = childPath(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      const link = entry.isSymbolicLink();
      if (link) {
        try {
          const st = fs.statSync(abs);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue; // dangling link
        }
      }
      // Without a symlink on the way, the real path is the folder's real path plus the name: no syscall.
      const entryReal = link ? undefined : childPath(real, entry.name);
      if (isDir) {
        if (DEFAULT_SKIPPED_DIRS.includes(entry.name)) continue;
        if (isIgnored(rules, abs, true)) continue;
        walk(abs, entryReal);
      } else if (isFile && isLintableFile(entry.name)) {
        if (isIgnored(rules, abs, false)) continue;
        addFile(abs, entryReal);
      }
    }
  };

  for (const given of paths) {
    const abs = path.resolve(absRoot, given);
    const p = show(abs);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      warnings.push(`No such file or folder: ${p}`);
      continue;
    }
    const parentRules = rulesForDir(absRoot, path.dirname(abs), configRules, cache);
    if (st.isDirectory()) {
      if (abs !== absRoot && isIgnored(parentRules, abs, true)) {
        warnings.push(`Folder ignored because of a matching ignore pattern: ${p}`);
        continue;
      }
      walk(abs);
    } else if (st.isFile()) {
      if (isIgnored(parentRules, abs, false) || ancestorIgnored(absRoot, abs, configRules, cache)) {
        warnings.push(`File ignored because of a matching ignore pattern: ${p}`);
        continue;
      }
      if (!isLintableFile(abs)) {
        warnings.push(`File skipped: not a TypeScript, JavaScript, SQL or Prisma schema file: ${p}`);
        continue;
      }
      addFile(abs);
    }
  }
  return { files: [...files.values()].sort(), warnings, folders: [...new Set([...visitedDirs, ...cache.keys()])], listings };
}

/** True when a folder between the root and `abs` is ignored (git never looks inside an ignored folder). */
function ancestorIgnored(root: string, abs: string, configRules: IgnoreRule[], cache: Map<string, IgnoreRule[]>): boolean {
  const rel = path.relative(root, path.dirname(abs));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
  let dir = root;
  for (const part of rel.split(path.sep)) {
    const next = path.join(dir, part);
    if (DEFAULT_SKIPPED_DIRS.includes(part)) return false; // explicitly named inside a skipped folder: the user asked
    if (isIgnored(rulesForDir(root, dir, configRules, cache), next, true)) return true;
    dir = next;
  }
  return false;
}
