// `npm run package`: builds dist/, copies the runtime dependencies the bundles keep external (libpg-query,
// PGlite and pg ship WASM or optional natives, so esbuild leaves them out) into dist/node_modules, then runs
// `vsce package --no-dependencies`. The .vsix holds dist/, package.json, README, LICENSE, snippets and the
// walkthrough (.vscodeignore) — no dev dependencies, no tests, no fixtures.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

run(process.execPath, [path.join(root, 'scripts/build.mjs')]);

// Which external packages do the extension's bundles load?
const bundles = ['dist/server.js', 'dist/client.js'].map((f) => fs.readFileSync(path.join(root, f), 'utf8'));
const required = new Set();
for (const text of bundles) {
  // require("x") and dynamic import("x") (PGlite is loaded lazily, only when migrations are replayed)
  for (const m of text.matchAll(/(?:require|import)\(["']((?:@[^/"']+\/)?[^/"'.$\{][^/"']*)(?:\/[^"']*)?["']\)/g)) required.add(m[1]);
}
const builtins = new Set(['vscode', ...(await import('node:module')).builtinModules]);
// Only declared runtime dependencies: optional requires inside bundled code (e.g. TypeScript's
// `source-map-support`) are guarded by try/catch and stay out.
const declared = new Set(Object.keys(pkg.dependencies ?? {}));
const roots = [...required].filter((n) => !builtins.has(n) && !n.startsWith('node:') && declared.has(n));

// Their production dependency closure, from the installed node_modules.
const closure = new Set();
const visit = (name) => {
  if (closure.has(name)) return;
  const dir = path.join(root, 'node_modules', name);
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    if (name === 'pg-native') return; // optional native binding of pg, never installed
    throw new Error(`runtime dependency ${name} is not installed (npm ci first)`);
  }
  closure.add(name);
  const p = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys({ ...p.dependencies })) visit(dep);
  for (const dep of Object.keys({ ...p.optionalDependencies })) if (fs.existsSync(path.join(root, 'node_modules', dep))) visit(dep);
};
roots.forEach(visit);

const target = path.join(root, 'dist', 'node_modules');
fs.rmSync(target, { recursive: true, force: true });
for (const name of [...closure].sort()) {
  fs.cpSync(path.join(root, 'node_modules', name), path.join(target, name), {
    recursive: true,
    dereference: true,
    // runtime files only: no tests, TypeScript sources or declarations, source maps
    filter: (src) =>
      !/[\\/](test|tests|testing|__tests__|\.github)$/.test(src) &&
      !/(\.map|\.[cm]?ts|\.tsx)$/.test(src) &&
      !/[\\/](test\.js|[^\\/]+\.test\.[cm]?js)$/.test(src),
  });
}
console.log(`runtime dependencies copied to dist/node_modules: ${[...closure].sort().join(', ') || '(none)'}`);

const out = `${pkg.name}-${pkg.version}.vsix`;
const hasLicense = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => fs.existsSync(path.join(root, f)));
if (!hasLicense) console.warn('warning: no LICENSE file at the repository root; packaging with --skip-license');
run(process.execPath, [
  path.join(root, 'node_modules/@vscode/vsce/vsce'),
  'package', '--no-dependencies', '--allow-missing-repository', ...(hasLicense ? [] : ['--skip-license']), '-o', out,
]);
console.log(`packaged ${out}`);
