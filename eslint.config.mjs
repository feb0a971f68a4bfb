// The lint's job is the import boundary between the places code runs (architecture.md,
// "Layering"); style and correctness rules are left to TypeScript and review. Two mechanisms:
// - `no-restricted-imports` for package names (electron, Node built-ins, React) in static
//   imports and re-exports;
// - `workbench/layers`, a small local rule that resolves each relative import against the file
//   that makes it and checks which folder it lands in (so `../../main/x` is caught at any depth
//   and a folder that merely happens to be called `main` is not), and that also checks dynamic
//   `import()` and `require()` for the same package names. Inside the renderer the same rule keeps
//   the layers in one direction (RENDERER_LAYERS) and each feature out of another's insides.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next from 'eslint-plugin-i18next';
import tseslint from 'typescript-eslint';

const ROOT = dirname(fileURLToPath(import.meta.url));

const ELECTRON = {
  names: ['electron'],
  message: "Only main/electron may import 'electron' (and under Node/Vitest requiring it tries to download a binary).",
};
const NODE_BUILTINS = {
  // Top-level names only: 'fs/promises' and the like are caught by the 'fs/*' pattern.
  names: ['node:', ...builtinModules.filter((name) => !name.startsWith('_') && !name.includes('/'))],
  message: 'Runs in the browser too: no Node built-ins here (use shared/ helpers or ask main/ over the contract).',
};
const REACT = {
  names: ['react', 'react-dom', '@monaco-editor/react'],
  message: 'shared/ is UI-free: no React here.',
};

const dir = (path, message) => ({ dir: path, message });
const TO_MAIN = dir('main', 'The renderer talks to main/ only through the contract (shared/contract), never by import.');
const TO_RENDERER = dir('renderer', 'Nothing outside the renderer imports renderer code.');
const TO_ELECTRON = dir('main/electron', 'Only the Electron entry imports main/electron.');
const TO_HOST = dir('main/host', 'main/core is shell-independent: it does not import a shell (main/host).');
const TO_CLI = dir('main/cli', 'main/core does not import the command-line entries.');
/**
 * Inside the renderer, layers in one direction (architecture.md, "Renderer, inside"): each folder
 * may import only the ones named beside it. bridge/ is the transport: stores reach the core through
 * it (and the app's startup wires it); components, in features/ or app/, only through store actions.
 */
const RENDERER_LAYERS = {
  ui: [],
  bridge: [],
  model: ['ui'],
  payload: ['ui', 'model'],
  stores: ['ui', 'model', 'payload', 'bridge'],
  features: ['ui', 'model', 'payload', 'stores'],
  app: ['ui', 'model', 'payload', 'stores', 'bridge', 'features'],
};
const LAYER_ORDER = 'The renderer\'s layers run ui < model < payload < stores < features < app (bridge/ below stores).';
const TO_API = dir('renderer/stores/api', 'Components talk to the core through store actions, not getApi().');
const PURE = {
  names: ['react', 'react-dom', '@monaco-editor/react', 'monaco-editor', 'zustand'],
  message: 'model/ and payload/ are pure logic: no React, no Monaco, no stores.',
};
const FEATURES = { dir: 'renderer/features', message: "A feature does not import another feature's insides: only what its index.ts exposes." };
const SANDBOXED = 'The preload runs sandboxed and is bundled alone: it may import only electron, shared/ and ipc-channels.';

/** True when `source` is the package `name` or a subpath of it; `node:` matches the whole scheme. */
function matchesModule(source, name) {
  if (name.endsWith(':')) return source.startsWith(name);
  return source === name || source.startsWith(`${name}/`);
}

const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep imports inside the layer boundaries of architecture.md' },
    schema: [
      {
        type: 'object',
        properties: {
          dirs: {
            type: 'array',
            items: {
              type: 'object',
              properties: { dir: { type: 'string' }, message: { type: 'string' } },
              required: ['dir', 'message'],
              additionalProperties: false,
            },
          },
          siblings: {
            type: 'object',
            properties: { dir: { type: 'string' }, message: { type: 'string' } },
            required: ['dir', 'message'],
            additionalProperties: false,
          },
          modules: {
            type: 'array',
            items: {
              type: 'object',
              properties: { names: { type: 'array', items: { type: 'string' } }, message: { type: 'string' } },
              required: ['names', 'message'],
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      dir: "'{{source}}' imports from {{dir}}. {{message}}",
      module: "'{{source}}' is not allowed here. {{message}}",
      sibling: "'{{source}}' reaches inside {{dir}}. {{message}}",
    },
  },
  create(context) {
    const { dirs = [], modules = [], siblings } = context.options[0] ?? {};
    const fromDir = dirname(context.filename);
    // The sibling folder (features/<area>) this file is in, if any.
    const [, ownSibling] = siblings ? relative(ROOT, fromDir).split(sep).join('/').split(`${siblings.dir}/`) : [];
    const ownArea = ownSibling?.split('/')[0];
    const check = (node, source, dynamic) => {
      if (typeof source !== 'string') return;
      if (source.startsWith('.') || source.startsWith('/')) {
        const target = relative(ROOT, resolve(fromDir, source)).split(sep).join('/');
        for (const rule of dirs) {
          if (target === rule.dir || target.startsWith(`${rule.dir}/`)) {
            context.report({ node, messageId: 'dir', data: { source, dir: rule.dir, message: rule.message } });
          }
        }
        if (ownArea && target.startsWith(`${siblings.dir}/`)) {
          const [area, ...inside] = target.slice(siblings.dir.length + 1).split('/');
          const rest = inside.join('/');
          if (area !== ownArea && rest !== '' && rest !== 'index') {
            context.report({ node, messageId: 'sibling', data: { source, dir: `${siblings.dir}/${area}`, message: siblings.message } });
          }
        }
      } else if (dynamic) {
        // Static imports of package names are no-restricted-imports' job; this covers the rest.
        for (const rule of modules) {
          if (rule.names.some((name) => matchesModule(source, name))) {
            context.report({ node, messageId: 'module', data: { source, message: rule.message } });
          }
        }
      }
    };
    const literal = (node) =>
      node?.type === 'Literal'
        ? node.value
        : node?.type === 'TemplateLiteral' && node.expressions.length === 0
          ? node.quasis[0]?.value.cooked
          : undefined;
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value, false),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value, false),
      ExportAllDeclaration: (node) => check(node.source, node.source.value, false),
      ImportExpression: (node) => check(node.source, literal(node.source), true),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length > 0) {
          check(node.arguments[0], literal(node.arguments[0]), true);
        }
      },
      TSImportEqualsDeclaration: (node) => {
        if (node.moduleReference.type === 'TSExternalModuleReference') {
          check(node.moduleReference.expression, literal(node.moduleReference.expression), true);
        }
      },
    };
  },
};

/** Both rules for one area: which packages and which of our folders its files may not import. */
function boundary({ modules = [], dirs = [], siblings }) {
  const paths = [];
  const patterns = [];
  for (const group of modules) {
    for (const name of group.names) {
      if (name.endsWith(':')) {
        patterns.push({ group: [`${name}*`, `${name}*/**`], message: group.message });
      } else {
        paths.push({ name, message: group.message });
        patterns.push({ group: [`${name}/*`], message: group.message });
      }
    }
  }
  return {
    'no-restricted-imports': modules.length > 0 ? ['error', { paths, patterns }] : 'off',
    'workbench/layers': ['error', { dirs, modules, ...(siblings ? { siblings } : {}) }],
  };
}

/**
 * Languages (issue 20): a user-facing string written in JSX (text, or a title/placeholder/label
 * attribute, or a string expression inside markup) must come from the i18n layer
 * (renderer/ui/i18n). Words that read the same in every language (protocol names, units) are
 * allowed as they are.
 */
const UNTRANSLATED_WORDS = [
  '[0-9!-/:-@[-`{-~\\s·×→←↑↓…✓✕▸▾▴⋯]+', // digits, punctuation and symbols only
  '[A-Z0-9_-]+', // upper-case codes (QOS, TLS, UTF-8)
  'MQTT.*', 'QoS.*', 'TLS', 'JSON', 'CBOR', 'MessagePack', 'Base64', 'hex', 'Hex', 'ms', 'B', 'KiB', 'MiB', 'GiB', 'kB', 'MB', 'msg/s', 'x', 'px',
  '\\$SYS.*', 'Sparkplug B', 'Protobuf', 'Avro', 'PostgreSQL', 'SQLite', 'WebSocket', 'TCP', 'mqtt(s)?://.*', 'wss?://.*', 'https?://.*', 'postgres(ql)?://.*',
];
/**
 * Folders whose strings are not yet in the layer. Each is removed from this list as it is
 * translated; the list ends empty.
 */
const NOT_YET_TRANSLATED = [
  'renderer/app/**',
  'renderer/features/automation/**',
];
const USER_FACING_ATTRIBUTES = ['title', 'placeholder', 'aria-label', 'alt', 'label', 'heading', 'hint', 'description', 'emptyText', 'confirmText', 'message'];

export default [
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/artifacts/**', '.vite/**', 'coverage/**'] },
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    plugins: {
      workbench: { rules: { layers: layersRule } },
      // Registered without enabling any of its rules, so `eslint-disable` comments naming them resolve.
      '@typescript-eslint': tseslint.plugin,
    },
    // Everything not named below (tests, configs, scripts): no 'electron'.
    rules: boundary({ modules: [ELECTRON] }),
  },
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: { parser: tseslint.parser },
  },
  {
    files: ['renderer/**'],
    rules: boundary({ modules: [ELECTRON, NODE_BUILTINS], dirs: [TO_MAIN] }),
  },
  ...Object.entries(RENDERER_LAYERS).map(([layer, may]) => ({
    files: [`renderer/${layer}/**`],
    rules: boundary({
      modules: [ELECTRON, NODE_BUILTINS, ...(layer === 'model' || layer === 'payload' ? [PURE] : [])],
      dirs: [
        TO_MAIN,
        ...Object.keys(RENDERER_LAYERS)
          .filter((other) => other !== layer && !may.includes(other))
          .map((other) => dir(`renderer/${other}`, `${LAYER_ORDER} ${layer}/ may not import ${other}/.`)),
        ...(layer === 'features' || layer === 'app' ? [TO_API] : []),
      ],
      ...(layer === 'features' ? { siblings: FEATURES } : {}),
    }),
  })),
  {
    files: ['shared/**'],
    rules: boundary({ modules: [ELECTRON, NODE_BUILTINS, REACT], dirs: [TO_MAIN, TO_RENDERER] }),
  },
  {
    files: ['main/core/**'],
    rules: boundary({ modules: [ELECTRON], dirs: [TO_ELECTRON, TO_HOST, TO_CLI, TO_RENDERER] }),
  },
  {
    files: ['main/host/**', 'main/cli/**'],
    rules: boundary({ modules: [ELECTRON], dirs: [TO_ELECTRON, TO_RENDERER] }),
  },
  {
    files: ['main/electron/**'],
    rules: boundary({ dirs: [TO_RENDERER] }),
  },
  {
    // The sandboxed preload can require nothing but 'electron'.
    files: ['main/electron/preload.ts', 'main/electron/ipc-channels.ts'],
    rules: boundary({
      modules: [{ ...NODE_BUILTINS, message: SANDBOXED }],
      dirs: [
        TO_RENDERER,
        ...['main/core', 'main/host', 'main/cli'].map((path) => dir(path, SANDBOXED)),
        ...['security', 'protocol', 'window', 'ipc-transport', 'main'].map((name) => dir(`main/electron/${name}`, SANDBOXED)),
      ],
    }),
  },
  {
    files: ['renderer/**/*.tsx'],
    ignores: NOT_YET_TRANSLATED,
    plugins: { i18next },
    rules: {
      'i18next/no-literal-string': [
        'error',
        {
          mode: 'jsx-only',
          'jsx-attributes': { include: USER_FACING_ATTRIBUTES },
          words: { exclude: UNTRANSLATED_WORDS },
          message: 'A user-facing string goes through the i18n layer: t(...) from renderer/ui/i18n, with the key in every language',
        },
      ],
    },
  },
];
