#!/usr/bin/env node
'use strict';
// Runs dist/cli.js. With the build's V8 code cache (dist/cli.js.v8cache, made after a replayed run) when this Node
// accepts it: a replay then compiles almost none of the bundle (bench/RESULTS.md). Without one, or if reading or
// compiling fails, a plain require. scripts/build.mjs compiles the bundle the same way to make the cache.
const path = require('node:path');
const file = path.join(__dirname, '..', 'dist', 'cli.js');
const compiled = cliScript(file);
// How the bundle was compiled, for `PGLINT_DEBUG=1` (cli/run.ts prints it).
globalThis[Symbol.for('pglint.cliCodeCache')] = !compiled ? 'missing' : compiled.cachedDataRejected ? 'rejected' : 'used';
if (compiled) {
  const Module = require('node:module');
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  require.cache[file] = m;
  compiled.runInThisContext().call(m.exports, m.exports, Module.createRequire(file), m, file, path.dirname(file));
  m.loaded = true;
} else {
  require(file);
}

/** The bundle as a vm.Script with its code cache, or undefined (no cache, or it cannot be read). */
function cliScript(file) {
  try {
    const fs = require('node:fs');
    const cachedData = fs.readFileSync(`${file}.v8cache`);
    return new (require('node:vm').Script)(require('node:module').wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  } catch {
    return undefined;
  }
}
