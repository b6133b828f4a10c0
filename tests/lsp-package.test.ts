/**
 * The packaged extension (pglint-<version>.vsix, built by `npm run package`): what it contains, and that its
 * server runs from the unzipped folder alone (runtime dependencies in dist/node_modules, nothing from the repo).
 * Skipped, with a message, when the .vsix has not been built; the editor scripts (tests/editor/) build it first.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LspClient, ROOT, expectedFindings, actualFindings, baseCapabilities } from './lsp-harness';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  contributes: { walkthroughs: { steps: { media: { markdown: string } }[] }[]; commands: { command: string; title: string }[] };
};
const VSIX = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
const present = fs.existsSync(VSIX);
if (!present) console.log(`[lsp-package] ${path.basename(VSIX)} not built: run \`npm run package\` to test the packaged extension`);

describe.skipIf(!present)('packaged extension (.vsix)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-vsix-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const listing = present ? execFileSync('unzip', ['-Z1', VSIX], { encoding: 'utf8' }).split('\n').filter(Boolean) : [];

  it('contains the bundles, runtime dependencies, snippets, walkthrough and manifest, and nothing else', () => {
    for (const f of ['extension/package.json', 'extension/dist/server.js', 'extension/dist/client.js', 'extension/snippets/pglint.code-snippets.json', 'extension/docs/images/icon.png']) {
      expect(listing).toContain(f);
    }
    for (const step of pkg.contributes.walkthroughs[0]!.steps) expect(listing).toContain(`extension/${step.media.markdown}`);
    expect(listing.some((f) => f.startsWith('extension/dist/node_modules/libpg-query/'))).toBe(true);
    const forbidden = listing.filter((f) =>
      /^extension\/(tests?|test-fixtures|rules|server|client|cli|bench|scripts|node_modules)\//.test(f) || /\.map$|\.test\.ts$|tsconfig/.test(f) ||
      /\/node_modules\/(typescript|vitest|esbuild|@vscode\/vsce|playwright-core|eslint|vscode-languageclient)\//.test(f),
    );
    expect(forbidden).toEqual([]);
  });

  it('its server runs from the unzipped folder and lints a file', async () => {
    execFileSync('unzip', ['-q', VSIX, '-d', dir]);
    const server = path.join(dir, 'extension', 'dist', 'server.js');
    const project = path.join(dir, 'project');
    fs.cpSync(path.join(__dirname, 'lsp-fixture'), project, { recursive: true });
    const client = new LspClient(['--stdio'], server, dir);
    try {
      await client.initialize(project, baseCapabilities());
      const doc = await client.open(path.join(project, 'src', 'concat.ts'));
      const diags = await client.waitDiagnostics(doc, (d) => d.length > 0, 30_000);
      expect(actualFindings(diags)).toEqual(expectedFindings(doc.text));
      // the SQL fix needs libpg-query's WASM, shipped in dist/node_modules
      const actions = await client.conn.sendRequest<{ title: string }[]>('textDocument/codeAction', {
        textDocument: { uri: doc.uri }, range: diags[0]!.range, context: { diagnostics: [diags[0]] },
      });
      expect(actions.map((a) => a.title)).toContain('Use query parameters');
    } finally {
      await client.close();
    }
    expect(client.stderr).not.toMatch(/Cannot find module/);
  });

  it('its server replays migrations with the shipped PGlite', async () => {
    const server = path.join(dir, 'extension', 'dist', 'server.js');
    const project = path.join(dir, 'project-migrations');
    fs.cpSync(path.join(__dirname, 'lsp-fixture-migrations'), project, { recursive: true });
    const client = new LspClient(['--stdio'], server, dir);
    try {
      await client.initialize(project, baseCapabilities());
      const doc = await client.open(path.join(project, 'migrations', '003_orders.sql'), 'sql');
      const diags = await client.waitDiagnostics(doc, (d) => d.length > 0, 60_000);
      expect(actualFindings(diags)).toEqual(expectedFindings(doc.text));
    } finally {
      await client.close();
    }
    expect(client.stderr).not.toMatch(/Cannot find module/);
  });
});
