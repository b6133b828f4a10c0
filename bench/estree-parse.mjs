#!/usr/bin/env node
// Optional baseline (leg "estree", opt-in with --legs): typescript-estree's parse of every file, i.e. the
// TypeScript parse plus the conversion to ESTree that ESLint's typescript-eslint parser performs
// (loc and range on, tokens and comments off). Prints one JSON line: {files, bytes, nodes, ms}.
//   node bench/estree-parse.mjs <file-list.txt>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parse } = require('@typescript-eslint/typescript-estree');
const list = process.argv[2];
if (!list) { console.error('usage: node bench/estree-parse.mjs <file-list.txt>'); process.exit(2); }
let files;
try { files = readFileSync(list, 'utf8').split('\n').filter(Boolean); } catch (err) { console.error(`estree-parse: ${err.message}`); process.exit(2); }
const t0 = performance.now();
let bytes = 0, statements = 0, failed = 0;
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  bytes += text.length;
  try {
    const ast = parse(text, { filePath: f, jsx: /\.[jt]sx$/.test(f), loc: true, range: true, tokens: false, comment: false });
    statements += ast.body.length;
  } catch { failed++; }
}
console.log(JSON.stringify({ files: files.length, bytes, statements, failed, ms: Math.round(performance.now() - t0) }));
