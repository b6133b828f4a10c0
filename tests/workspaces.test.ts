/**
 * Workspace packages (rules/src/engine/workspaces.ts): which folders are packages (npm/yarn `workspaces`,
 * pnpm-workspace.yaml, exclusions), and where an import of a package name leads (exports with conditions and
 * subpath patterns, manifests naming build output, index files).
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pnpmWorkspaces, readWorkspacePackages, workspaceCandidates } from '../rules/src/engine/workspaces';

/** A file system from a map of '/'-separated paths under /repo to texts (folders are implied). */
function fakeFs(files: Record<string, string>) {
  const root = path.resolve('/repo');
  const abs = (rel: string) => path.join(root, rel);
  const texts = new Map(Object.entries(files).map(([k, v]) => [abs(k), v]));
  const read: string[] = [];
  return {
    root,
    abs,
    read,
    readFile: (f: string) => {
      read.push(path.relative(root, f).split(path.sep).join('/'));
      return texts.get(f);
    },
    list: (dir: string): string[] | null => {
      const names = new Set<string>();
      for (const f of texts.keys()) {
        const rel = path.relative(dir, f);
        if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) names.add(rel.split(path.sep)[0]!);
      }
      return names.size ? [...names] : null;
    },
  };
}

describe('workspace packages', () => {
  it('reads npm/yarn workspaces (array or { packages }), skips exclusions, nameless and broken manifests', () => {
    for (const workspaces of [['packages/*', 'apps/web', '!packages/old'], { packages: ['packages/*', 'apps/web', '!packages/old'] }]) {
      const fs = fakeFs({
        'package.json': JSON.stringify({ name: 'root', workspaces }),
        'packages/db/package.json': '{"name":"@acme/db"}',
        'packages/old/package.json': '{"name":"@acme/old"}',
        'packages/noname/package.json': '{"version":"1.0.0"}',
        'packages/broken/package.json': '{"name":',
        'apps/web/package.json': '{"name":"web"}',
        'apps/admin/package.json': '{"name":"admin"}',
      });
      const pkgs = readWorkspacePackages(fs.root, fs.readFile, fs.list);
      expect([...pkgs.keys()].sort()).toEqual(['@acme/db', 'web']);
      expect(pkgs.get('@acme/db')!.dir).toBe(fs.abs('packages/db'));
      // Every manifest read is reported (the CLI keys its cache on them).
      expect(fs.read).toContain('packages/db/package.json');
      expect(fs.read).not.toContain('packages/old/package.json');
    }
  });

  it('reads the packages list of pnpm-workspace.yaml, block or flow style, with quotes, comments and ** patterns', () => {
    expect(pnpmWorkspaces("packages:\n  - packages/*\n  - 'apps/*' # the apps\n\n  - \"!packages/templates\"\ncatalog:\n  pg: ^8\n"))
      .toEqual(['packages/*', 'apps/*', '!packages/templates']);
    expect(pnpmWorkspaces('packages: [packages/*, "tools/**"]\n')).toEqual(['packages/*', 'tools/**']);
    expect(pnpmWorkspaces('catalog:\n  pg: ^8\n')).toEqual([]);
    const fs = fakeFs({
      'package.json': '{"name":"root"}',
      'pnpm-workspace.yaml': 'packages:\n  - packages/**\n  - "!packages/connectors/templates"\n',
      'packages/core/package.json': '{"name":"@acme/core"}',
      'packages/connectors/mail/package.json': '{"name":"@acme/mail"}',
      'packages/connectors/templates/package.json': '{"name":"@acme/template"}',
    });
    expect([...readWorkspacePackages(fs.root, fs.readFile, fs.list).keys()].sort()).toEqual(['@acme/core', '@acme/mail']);
  });

  it('resolves a package name through exports (conditions, subpath patterns), manifests naming build output, and index files', () => {
    const fs = fakeFs({
      'package.json': '{"workspaces":["packages/*"]}',
      'packages/a/package.json': JSON.stringify({ name: '@acme/a', exports: { '.': { types: './src/index.ts', default: './dist/index.js' }, './q/*': { import: './dist/q/*.js' } } }),
      'packages/b/package.json': JSON.stringify({ name: 'b', main: './dist/main.js' }),
      'packages/c/package.json': JSON.stringify({ name: 'c' }),
      'packages/d/package.json': JSON.stringify({ name: 'd', exports: './lib/entry.js' }),
    });
    const pkgs = readWorkspacePackages(fs.root, fs.readFile, fs.list);
    const rel = (spec: string) => workspaceCandidates(pkgs, spec).map((p) => path.relative(fs.root, p).split(path.sep).join('/'));
    expect(rel('@acme/a')).toEqual(['packages/a/src/index.ts', 'packages/a/dist/index.js', 'packages/a/index', 'packages/a/src/index']);
    expect(rel('@acme/a/q/users')).toEqual(['packages/a/dist/q/users.js', 'packages/a/q/users', 'packages/a/src/q/users']);
    expect(rel('@acme/a/not-exported')).toEqual([]);
    expect(rel('b')).toEqual(['packages/b/dist/main.js', 'packages/b/main', 'packages/b/src/main', 'packages/b/index', 'packages/b/src/index']);
    expect(rel('c/server/x')).toEqual(['packages/c/server/x']);
    expect(rel('d')).toEqual(['packages/d/lib/entry.js', 'packages/d/entry', 'packages/d/src/entry', 'packages/d/index', 'packages/d/src/index']);
    expect(rel('@acme/unknown')).toEqual([]);
    expect(rel('pg')).toEqual([]);
  });

  it('finds nothing without workspaces, and never leaves the package folder', () => {
    const none = fakeFs({ 'package.json': '{"name":"app"}', 'packages/a/package.json': '{"name":"a"}' });
    expect(readWorkspacePackages(none.root, none.readFile, none.list).size).toBe(0);
    const fs = fakeFs({ 'package.json': '{"workspaces":["packages/*"]}', 'packages/a/package.json': '{"name":"a","main":"../../secrets.ts"}' });
    expect(workspaceCandidates(readWorkspacePackages(fs.root, fs.readFile, fs.list), 'a').map((p) => path.relative(fs.root, p))).toEqual([
      path.join('packages', 'a', 'index'), path.join('packages', 'a', 'src', 'index'),
    ]);
  });
});
