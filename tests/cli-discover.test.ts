import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileIgnorePattern, discoverFiles } from '../rules/src/engine/discover';

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-discover-')));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterAll(() => {
  for (const d of dirs) {
    fs.chmodSync(d, 0o755);
    fs.rmSync(d, { recursive: true, force: true });
  }
});
const rel = (root: string, files: string[]): string[] => files.map((f) => path.relative(root, f).split(path.sep).join('/'));

describe('gitignore patterns', () => {
  const m = (pattern: string, p: string): boolean => compileIgnorePattern(pattern, '/r')!.regex.test(p);
  it('matches like git', () => {
    expect(m('*.gen.ts', 'a/b/x.gen.ts')).toBe(true);
    expect(m('*.gen.ts', 'a/b/x.ts')).toBe(false);
    expect(m('/build', 'build')).toBe(true);
    expect(m('/build', 'src/build')).toBe(false);
    expect(m('src/*.ts', 'src/a.ts')).toBe(true);
    expect(m('src/*.ts', 'src/sub/a.ts')).toBe(false);
    expect(m('**/gen', 'a/b/gen')).toBe(true);
    expect(m('a/**/b', 'a/b')).toBe(true);
    expect(m('a/**/b', 'a/x/y/b')).toBe(true);
    expect(m('legacy/**', 'legacy/x/y.ts')).toBe(true);
    expect(m('file?.ts', 'file1.ts')).toBe(true);
    expect(m('file[0-9].ts', 'filex.ts')).toBe(false);
    expect(compileIgnorePattern('# comment', '/r')).toBeUndefined();
    expect(compileIgnorePattern('   ', '/r')).toBeUndefined();
    expect(compileIgnorePattern('logs/', '/r')!.dirOnly).toBe(true);
    expect(compileIgnorePattern('!keep.ts', '/r')!.negated).toBe(true);
  });
});

describe('discoverFiles', () => {
  it('keeps sources and SQL, skips declarations, default folders, .gitignore (nested, negation) and config ignores', () => {
    const root = tree({
      '.gitignore': '*.gen.ts\n!keep.gen.ts\n/tmp/\nlogs/\n',
      'src/a.ts': '',
      'src/b.tsx': '',
      'src/c.mjs': '',
      'src/d.cjs': '',
      'src/e.jsx': '',
      'src/f.mts': '',
      'src/g.cts': '',
      'src/h.js': '',
      'src/types.d.ts': '',
      'src/readme.md': '',
      'src/x.gen.ts': '',
      'src/keep.gen.ts': '',
      'src/tmp/kept.ts': '',
      'tmp/ignored.ts': '',
      'logs/l.ts': '',
      'db/001_init.sql': '',
      'node_modules/pg/index.js': '',
      'dist/cli.js': '',
      'build/a.js': '',
      'out/a.js': '',
      'coverage/a.js': '',
      '.next/a.js': '',
      'vendor/a.js': '',
      'pkg/.gitignore': 'local.ts\n',
      'pkg/local.ts': '',
      'pkg/other.ts': '',
      'legacy/old.ts': '',
    });
    const { files, warnings } = discoverFiles(root, [root], ['legacy/']);
    expect(warnings).toEqual([]);
    expect(rel(root, files)).toEqual([
      'db/001_init.sql',
      'pkg/other.ts',
      'src/a.ts',
      'src/b.tsx',
      'src/c.mjs',
      'src/d.cjs',
      'src/e.jsx',
      'src/f.mts',
      'src/g.cts',
      'src/h.js',
      'src/keep.gen.ts',
      'src/tmp/kept.ts',
    ]);
  });

  it('hands over the entries of every folder it walked (import resolution reads them), and none of a skipped one', () => {
    const root = tree({ '.gitignore': 'gen/\n', 'src/a.ts': '', 'src/sub/b.ts': '', 'gen/c.ts': '', 'node_modules/pg/index.js': '' });
    // A .gitignore reached through a symlink is still read: the walk knows it by its name.
    fs.writeFileSync(path.join(root, 'shared-ignore'), 'b.ts\n');
    fs.symlinkSync(path.join(root, 'shared-ignore'), path.join(root, 'src', 'sub', '.gitignore'));
    const { files, listings } = discoverFiles(root, [root], []);
    expect(rel(root, files)).toEqual(['src/a.ts']);
    const names = Object.fromEntries([...listings].map(([dir, entries]) => [rel(root, [dir])[0], entries.map((e) => e.name)]));
    expect(names).toEqual({
      '': ['.gitignore', 'gen', 'node_modules', 'shared-ignore', 'src'],
      src: ['a.ts', 'sub'],
      'src/sub': ['.gitignore', 'b.ts'],
    });
    expect(listings.get(path.join(root, 'src'))!.find((e) => e.name === 'sub')!.isDirectory()).toBe(true);
  });

  it('warns and skips an explicit file that an ignore pattern matches, keeps other explicit files', () => {
    const root = tree({ '.gitignore': 'gen/\n', 'gen/a.ts': '', 'src/b.ts': '', 'src/c.ts': '' });
    const { files, warnings } = discoverFiles(root, ['gen/a.ts', 'src/b.ts'], []);
    expect(rel(root, files)).toEqual(['src/b.ts']);
    expect(warnings).toEqual(['File ignored because of a matching ignore pattern: gen/a.ts']);
  });

  it('does not loop on symlinked folders and lists a file once', () => {
    const root = tree({ 'src/a.ts': '' });
    fs.symlinkSync(root, path.join(root, 'src', 'loop'));
    fs.symlinkSync(path.join(root, 'src'), path.join(root, 'alias'));
    const { files } = discoverFiles(root, [root], []);
    expect(files).toHaveLength(1);
    expect(fs.realpathSync(files[0]!)).toBe(path.join(root, 'src', 'a.ts'));
  });

  it('turns an unreadable folder (or, as root who reads everything, a missing path) into a warning', () => {
    if (process.getuid?.() === 0) {
      const root = tree({ 'a.ts': '' });
      const r = discoverFiles(root, [root, path.join(root, 'missing')], []);
      expect(rel(root, r.files)).toEqual(['a.ts']);
      expect(r.warnings[0]).toContain('No such file or folder');
      return;
    }
    const root = tree({ 'a.ts': '', 'locked/b.ts': '' });
    fs.chmodSync(path.join(root, 'locked'), 0o000);
    const r = discoverFiles(root, [root], []);
    fs.chmodSync(path.join(root, 'locked'), 0o755);
    expect(rel(root, r.files)).toEqual(['a.ts']);
    expect(r.warnings[0]).toContain('Cannot read folder');
  });
});
