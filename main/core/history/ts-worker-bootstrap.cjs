'use strict';
// Dev and test only: lets a worker thread (or a child process, via `node -r`) load the history
// sources straight from TypeScript. The bundled app never uses this file; it runs the built
// out/main/history-worker.js instead (see worker-entry.ts). TypeScript is already a dev
// dependency, and transpileModule (types erased, no type check) keeps this to a few lines with
// nothing to build before `vitest run`. Loading TypeScript costs 0.5-2 s, so each file's output
// is cached in the temp folder under a hash of its source and only changed files load it.
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
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

if (!isMainThread && workerData && workerData.tsEntry) require(workerData.tsEntry);
