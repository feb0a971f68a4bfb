#!/usr/bin/env node
// `npm run arch [-- --json]`: the import graph of main/, renderer/ and shared/, for a before/after
// of a restructuring. Prints, per area: import cycles (count and members; all imports, and the
// runtime ones alone, since `import type` costs nothing at run time), back-edges against the layer
// order below, and imports between sibling domains or features (and how many go past the target's
// index.ts); then the 15 largest files.
//
// Built on the TypeScript compiler API (a dev dependency already): each file is parsed alone
// (no type check, about a second for the tree), so the report needs no new package and reads
// `import type`, re-exports, `import()` and `require()` exactly as TypeScript does.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const AREAS = ['main', 'renderer', 'shared'];
const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SIZED = /\.(ts|tsx|mts|cts|js|mjs|cjs|css)$/;
const SKIP = new Set(['node_modules', 'out', 'dist', 'public']);
const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '/index.ts', '/index.tsx'];

/**
 * Layers, lowest first: an import from a lower layer to a higher one is a back-edge. A path takes
 * the level of the longest prefix that names it; files under no prefix are unlayered (listed).
 * Equal levels are siblings: allowed, but imports between different sibling folders are listed.
 */
const LAYERS = [
  ['shared', 0],
  // main/core: plumbing < domains < services < the composition root; the shells on top.
  ['main/core/files', 1],
  ['main/core/rpc', 1],
  ['main/core/downloads', 1],
  ['main/core/secrets', 1],
  ['main/core/broker', 2],
  ['main/core/engine', 2],
  ['main/core/history', 2],
  ['main/core/profiles', 2],
  ['main/core/services', 3],
  ['main/core', 4],
  ['main/host', 5],
  ['main/electron', 5],
  ['main/cli', 5],
  // renderer (README, Layout): ui < model < payload < stores (and the bridge they call) < features < app < the entry.
  ['renderer/ui', 1],
  ['renderer/model', 2],
  ['renderer/payload', 3],
  ['renderer/bridge', 3],
  ['renderer/stores', 4],
  ['renderer/features', 5],
  ['renderer/app', 6],
  ['renderer/main.tsx', 7],
];
/** Folders whose children are sibling domains: an import from one child into another is listed. */
const SIBLING_PARENTS = ['main/core', 'renderer/features', 'renderer/stores'];

const posix = (path) => path.split(sep).join('/');

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(posix(relative(ROOT, path)));
  }
  return out;
}

/** Every module specifier in a file, with whether it is needed at run time. */
function importsOf(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : undefined);
  const found = [];
  const add = (node, typeOnly) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ specifier: node.text, typeOnly });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allTypes =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name && !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, allTypes);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      const literal = ts.isLiteralTypeNode(node.argument) ? node.argument.literal : undefined;
      add(literal, true);
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((isImport || isRequire) && node.arguments.length > 0) add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveSpecifier(from, specifier, known) {
  if (!specifier.startsWith('.')) return undefined; // packages and node: built-ins are outside the graph
  const base = posix(relative(ROOT, resolve(ROOT, dirname(from), specifier)));
  for (const suffix of RESOLVE_SUFFIXES) if (known.has(base + suffix)) return base + suffix;
  return undefined;
}

function layerOf(file) {
  let best;
  for (const [prefix, level] of LAYERS) {
    if ((file === prefix || file.startsWith(`${prefix}/`)) && (!best || prefix.length > best.prefix.length)) best = { prefix, level };
  }
  return best;
}

function siblingOf(file) {
  for (const parent of SIBLING_PARENTS) {
    if (!file.startsWith(`${parent}/`)) continue;
    const rest = file.slice(parent.length + 1);
    if (rest.includes('/')) return `${parent}/${rest.split('/')[0]}`;
  }
  return undefined;
}

/** Tarjan's strongly connected components; a component of two or more files is a cycle. */
function cycles(nodes, edgesOf) {
  let index = 0;
  const indices = new Map();
  const lowlinks = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const connect = (start) => {
    // Iterative, so a long chain cannot overflow the call stack.
    const work = [{ node: start, next: 0 }];
    indices.set(start, index);
    lowlinks.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = edgesOf(frame.node);
      if (frame.next < targets.length) {
        const target = targets[frame.next++];
        if (!indices.has(target)) {
          indices.set(target, index);
          lowlinks.set(target, index++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          lowlinks.set(frame.node, Math.min(lowlinks.get(frame.node), indices.get(target)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        lowlinks.set(parent, Math.min(lowlinks.get(parent), lowlinks.get(frame.node)));
      }
      if (lowlinks.get(frame.node) === indices.get(frame.node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1 || targets.includes(frame.node)) components.push(component.sort());
      }
    }
  };
  for (const node of nodes) if (!indices.has(node)) connect(node);
  return components.sort((a, b) => b.length - a.length || a[0].localeCompare(b[0]));
}

function analyse() {
  const files = AREAS.flatMap((area) => walk(join(ROOT, area)));
  const code = files.filter((file) => CODE.test(file));
  const known = new Set(code);
  const lines = new Map(files.filter((file) => SIZED.test(file)).map((file) => [file, readFileSync(join(ROOT, file), 'utf8').split('\n').length]));
  const edges = [];
  for (const file of code) {
    for (const { specifier, typeOnly } of importsOf(file, readFileSync(join(ROOT, file), 'utf8'))) {
      const target = resolveSpecifier(file, specifier, known);
      if (target && target !== file) edges.push({ from: file, to: target, typeOnly });
    }
  }
  // One edge per pair; runtime if any of its imports is.
  const pairs = new Map();
  for (const edge of edges) {
    const key = `${edge.from}\0${edge.to}`;
    const seen = pairs.get(key);
    pairs.set(key, seen ? { ...seen, typeOnly: seen.typeOnly && edge.typeOnly } : edge);
  }
  const unique = [...pairs.values()];
  const adjacency = (runtimeOnly) => {
    const map = new Map(code.map((file) => [file, []]));
    for (const edge of unique) if (!runtimeOnly || !edge.typeOnly) map.get(edge.from).push(edge.to);
    return (node) => map.get(node) ?? [];
  };

  const areas = AREAS.map((area) => {
    const inArea = (file) => file.startsWith(`${area}/`);
    const nodes = code.filter(inArea);
    const areaEdges = unique.filter((edge) => inArea(edge.from));
    const backEdges = [];
    const siblingEdges = [];
    const unlayered = new Set();
    for (const edge of areaEdges) {
      const from = layerOf(edge.from);
      const to = layerOf(edge.to);
      if (!from) unlayered.add(edge.from);
      if (!to) unlayered.add(edge.to);
      if (from && to && to.level > from.level) backEdges.push({ ...edge, fromLayer: from.prefix, toLayer: to.prefix });
      const fromSibling = siblingOf(edge.from);
      const toSibling = siblingOf(edge.to);
      if (fromSibling && toSibling && fromSibling !== toSibling && from && to && from.level === to.level) {
        siblingEdges.push({ ...edge, fromSibling, toSibling });
      }
    }
    const all = adjacency(false);
    const runtime = adjacency(true);
    const within = (edgesOf) => (node) => edgesOf(node).filter(inArea);
    return {
      area,
      files: nodes.length,
      imports: areaEdges.length,
      cycles: cycles(nodes, within(all)),
      runtimeCycles: cycles(nodes, within(runtime)),
      backEdges,
      siblingEdges,
      unlayered: [...unlayered].filter((file) => inArea(file) && !file.endsWith('.d.ts')).sort(),
    };
  });
  const largest = [...lines.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([file, count]) => ({ file, lines: count }));
  return { areas, largest };
}

function print({ areas, largest }) {
  const out = [];
  for (const report of areas) {
    out.push(`== ${report.area}/: ${report.files} files, ${report.imports} imports between them`);
    const describeCycles = (list, what) => {
      const members = list.reduce((sum, cycle) => sum + cycle.length, 0);
      out.push(`  ${what}: ${list.length} (${members} files)`);
      list.forEach((cycle, i) => out.push(`    ${i + 1}. ${cycle.length} files: ${cycle.join(', ')}`));
    };
    describeCycles(report.cycles, 'import cycles, all imports');
    describeCycles(report.runtimeCycles, 'import cycles, runtime imports only (no import type)');
    out.push(`  back-edges (a lower layer importing a higher one): ${report.backEdges.length}`);
    for (const edge of report.backEdges) out.push(`    ${edge.from} -> ${edge.to}${edge.typeOnly ? ' (type only)' : ''}   [${edge.fromLayer} < ${edge.toLayer}]`);
    const pairs = new Map();
    for (const edge of report.siblingEdges) {
      const key = `${edge.fromSibling} -> ${edge.toSibling}`;
      const pair = pairs.get(key) ?? { count: 0, insides: 0 };
      pair.count++;
      // A feature is meant to be reached through its index.ts; anything else is its insides.
      if (!/\/index\.tsx?$/.test(edge.to)) pair.insides++;
      pairs.set(key, pair);
    }
    const insides = [...pairs.values()].reduce((sum, pair) => sum + pair.insides, 0);
    out.push(`  imports between sibling folders (domains, features, stores): ${report.siblingEdges.length}, ${insides} of them past the target's index.ts`);
    for (const [key, { count, insides: past }] of [...pairs.entries()].sort()) out.push(`    ${key}: ${count}${past < count ? ` (${past} past index.ts)` : ''}`);
    if (report.unlayered.length > 0) out.push(`  files in no layer (add them to LAYERS in build/arch-report.mjs): ${report.unlayered.join(', ')}`);
  }
  out.push('== the 15 largest files (lines)');
  for (const { file, lines } of largest) out.push(`  ${String(lines).padStart(5)}  ${file}`);
  return out.join('\n');
}

const report = analyse();
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else process.stdout.write(`${print(report)}\n`);
