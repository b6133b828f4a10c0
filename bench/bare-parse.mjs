#!/usr/bin/env node
// Bare-parse baseline: one process reads every file of a list and calls ts.createSourceFile on it.
//   node bench/bare-parse.mjs <file-list.txt | folder>
// Prints one JSON line: {files, bytes, nodes, ms}. setParentNodes is false (the cheapest parse).
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { listSourceFiles } from './lib.mjs';

const require = createRequire(import.meta.url);
const ts = require('typescript');

const arg = process.argv[2];
if (!arg) {
  console.error('usage: node bench/bare-parse.mjs <file-list.txt | folder>');
  process.exit(2);
}
let files;
try {
  files = statSync(arg).isDirectory() ? listSourceFiles(arg) : readFileSync(arg, 'utf8').split('\n').filter(Boolean);
} catch (err) {
  console.error(`bare-parse: cannot read ${arg}: ${err.message}`);
  process.exit(2);
}

const kindOf = (f) => {
  if (f.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (f.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[mc]?js$/.test(f)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
};

const t0 = performance.now();
let bytes = 0, statements = 0;
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  bytes += text.length;
  const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, false, kindOf(f));
  statements += sf.statements.length;
}
console.log(JSON.stringify({ files: files.length, bytes, statements, ms: Math.round(performance.now() - t0) }));
