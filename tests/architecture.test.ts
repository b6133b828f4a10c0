/** ARCHITECTURE.md stays true: every path it names exists, and the layering it states holds. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const doc = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(rel));
    else if (/\.(ts|mjs|js)$/.test(e.name)) out.push(rel);
  }
  return out;
}

describe('ARCHITECTURE.md', () => {
  it('names only paths that exist', () => {
    const named = [...doc.matchAll(/`((?:rules|cli|server|client|snippets|test-fixtures|tests|bench|docs|scripts)\/[^`\s]*)`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    for (const p of named) expect(fs.existsSync(path.join(ROOT, p)), p).toBe(true);
  });

  it('has one code-map entry per top-level folder', () => {
    const folders = fs.readdirSync(ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !['node_modules', 'dist'].includes(e.name))
      .map((e) => e.name);
    for (const f of folders) expect(doc, `code map entry for ${f}/`).toContain(`### \`${f}/\``);
    expect(folders).not.toContain('shared');
  });

  it('rules/ imports nothing from vscode, the LSP libraries, the CLI or the server', () => {
    for (const f of filesUnder('rules')) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      expect(text, f).not.toMatch(/from ['"](vscode|vscode-languageserver[^'"]*|vscode-languageclient[^'"]*)['"]/);
      expect(text, f).not.toMatch(/from ['"](\.\.\/)+(cli|server|client)\//);
    }
  });

  it('client/ never imports the engine, and only server/ imports vscode-languageserver', () => {
    for (const f of filesUnder('client')) expect(fs.readFileSync(path.join(ROOT, f), 'utf8'), f).not.toMatch(/from ['"](\.\.\/)+rules\//);
    for (const dir of ['cli', 'rules']) {
      for (const f of filesUnder(dir)) expect(fs.readFileSync(path.join(ROOT, f), 'utf8'), f).not.toMatch(/from ['"]vscode-languageserver/);
    }
  });
});
