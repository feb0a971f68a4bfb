'use strict';
// Dev and test only: lets a worker thread (or a child process, via `node -r`) load the history
// sources straight from TypeScript. The bundled app never uses this file; it runs the built
// out/main/history-worker.js instead (see worker-entry.ts). TypeScript is already a dev
// dependency, and transpileModule (types erased, no type check) keeps this to a few lines with
// nothing to build before `vitest run`. Loading TypeScript costs 0.5-2 s, so each file's output
// is cached in the temp folder under a hash of its source and only changed files load it.
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');
const { isMainThread, threadId, workerData } = require('node:worker_threads');

const cacheDir = join(tmpdir(), 'mqtt-workbench-ts-cache');
let ts = null;

function transpile(source, filename) {
  const key = createHash('sha256').update(filename).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // Not cached yet.
  }
  ts = ts || require('typescript');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      inlineSourceMap: true,
    },
  });
  try {
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${cached}.${process.pid}.${threadId}.tmp`;
    writeFileSync(temp, outputText);
    renameSync(temp, cached); // atomic: concurrent workers never read half a file
  } catch {
    // A cache we cannot write only costs time.
  }
  return outputText;
}

if (!require.extensions['.ts']) {
  require.extensions['.ts'] = function compileTypeScript(module, filename) {
    module._compile(transpile(readFileSync(filename, 'utf8'), filename), filename);
  };
}

// Packages that export ESM only (cborg: "exports" has an "import" entry and no "require" one)
// cannot be found by require(), though Node 20.19+ can load them once found (require(esm)). The
// bundled app inlines them; here their "import" entry is resolved by hand.
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveEsmOnly(request, parent, ...rest) {
  try {
    return resolveFilename.call(this, request, parent, ...rest);
  } catch (error) {
    if (error.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    const match = /^((?:@[^/]+\/)?[^/]+)(\/.*)?$/.exec(request);
    if (!match) throw error;
    const manifest = Module._nodeModulePaths(parent ? dirname(parent.filename) : process.cwd())
      .map((folder) => join(folder, match[1], 'package.json'))
      .find((candidate) => existsSync(candidate));
    if (!manifest) throw error;
    const entry = JSON.parse(readFileSync(manifest, 'utf8')).exports?.[`.${match[2] ?? ''}`];
    const target = typeof entry === 'string' ? entry : entry && (entry.import?.default ?? entry.import);
    if (typeof target !== 'string') throw error;
    return join(manifest, '..', target);
  }
};

if (!isMainThread && workerData && workerData.tsEntry) require(workerData.tsEntry);
