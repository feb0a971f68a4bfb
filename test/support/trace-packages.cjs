// Preloaded into a CLI process (NODE_OPTIONS=--require): appends each package of PACKAGES_TRACE_NAMES
// (comma-separated) the process loads to the file PACKAGES_TRACE_FILE, one name a line.
const { appendFileSync } = require('node:fs');
const Module = require('node:module');

const names = new Set((process.env.PACKAGES_TRACE_NAMES ?? '').split(',').filter(Boolean));
const file = process.env.PACKAGES_TRACE_FILE;
const seen = new Set();
const load = Module._load;
Module._load = function traced(request, ...rest) {
  const name = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
  if (file && names.has(name) && !seen.has(name)) {
    seen.add(name);
    appendFileSync(file, `${name}\n`);
  }
  return load.call(this, request, ...rest);
};
