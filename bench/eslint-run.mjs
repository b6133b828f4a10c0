#!/usr/bin/env node
// ESLint leg: lints exactly the files of a list through ESLint's Node API, with the flat config given
// (no config lookup: overrideConfigFile). Prints one JSON line: {files, linted, warnings, errors, ms}.
//   node bench/eslint-run.mjs <eslint.config.mjs> <file-list.txt> <cwd> [concurrency]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [configFile, listFile, cwd, concurrency] = process.argv.slice(2);
if (!configFile || !listFile || !cwd) {
  console.error('usage: node bench/eslint-run.mjs <eslint.config.mjs> <file-list.txt> <cwd> [concurrency]');
  process.exit(2);
}
const { ESLint } = require('eslint');
const files = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
const opts = { cwd, overrideConfigFile: configFile, cache: false, errorOnUnmatchedPattern: true };
if (concurrency && concurrency !== 'off') opts.concurrency = /^\d+$/.test(concurrency) ? Number(concurrency) : concurrency;
const t0 = performance.now();
const eslint = new ESLint(opts);
const results = await eslint.lintFiles(files);
let warnings = 0, errors = 0, fatal = 0, ignored = 0;
for (const r of results) {
  warnings += r.warningCount;
  errors += r.errorCount;
  fatal += r.fatalErrorCount;
  if (r.messages.some((m) => /ignored/i.test(m.message) && !m.ruleId)) ignored++;
}
console.log(JSON.stringify({ files: files.length, linted: results.length - ignored, ignored, warnings, errors, fatal, ms: Math.round(performance.now() - t0) }));
