// Enforces the layering of ../shared/DESIGN.md, like VS Code's local/code-layering rule:
// an import may never climb from a poorer environment (shared, engine) to a richer one (main).
import { builtinModules } from 'node:module';
import path from 'node:path';

const LAYERS = ['shared', 'engine', 'serving', 'cli', 'main', 'preload', 'renderer'];

/** What each layer may import: project layers, Node built-ins, and which npm packages. */
export const POLICY = {
  shared: { layers: ['shared'], node: false, packages: ['zod'] },
  engine: { layers: ['shared', 'engine'], node: true, packages: '*', deniedPackages: ['electron', 'react', 'react-dom'] },
  serving: { layers: ['shared', 'engine', 'serving'], node: true, packages: '*', deniedPackages: ['electron', 'react', 'react-dom'] },
  cli: { layers: ['shared', 'engine', 'serving', 'cli'], node: true, packages: '*', deniedPackages: ['electron', 'react', 'react-dom'] },
  main: { layers: ['shared', 'engine', 'serving', 'main'], node: true, packages: '*', deniedPackages: ['react', 'react-dom'] },
  preload: { layers: ['shared', 'preload'], node: false, packages: ['electron'] },
  renderer: { layers: ['shared', 'renderer'], node: false, packages: '*', deniedPackages: ['electron', 'ws', 'ioredis', 'better-sqlite3', 'onnxruntime-node'] },
};

const NODE_BUILTINS = new Set(builtinModules);

const ROOT = path.resolve(import.meta.dirname, '..');

function layerOf(file) {
  const parts = path.relative(ROOT, path.resolve(file)).split(path.sep);
  if (parts[0] !== 'src' || parts.length < 3) return undefined;
  return LAYERS.includes(parts[1]) ? parts[1] : undefined;
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Returns a message if `spec` imported from `file` breaks the policy, else undefined. */
export function checkImport(file, spec) {
  const from = layerOf(file);
  if (!from) return undefined;
  const policy = POLICY[from];
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = layerOf(path.resolve(path.dirname(file), spec));
    if (target && !policy.layers.includes(target)) {
      return `src/${from} may not import src/${target} (allowed: ${policy.layers.join(', ')})`;
    }
    return undefined;
  }
  const isTest = /\.test\.tsx?$/.test(file);
  const isNode = spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0]);
  // Tests run under Node whatever layer they check, so they may use Node and the test runner.
  if (isNode) return policy.node || isTest ? undefined : `src/${from} must not use Node built-in '${spec}'`;
  const name = packageName(spec);
  if (isTest && name === 'vitest') return undefined;
  if (policy.deniedPackages?.includes(name)) return `src/${from} must not import '${name}'`;
  if (policy.packages !== '*' && !policy.packages.includes(name)) {
    return `src/${from} may only import packages: ${policy.packages.join(', ') || 'none'} (got '${name}')`;
  }
  return undefined;
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the shared → engine/serving → main layering of DESIGN.md' },
    schema: [],
    messages: { layering: '{{message}}' },
  },
  create(context) {
    const file = context.filename;
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string') return;
      const message = checkImport(file, source.value);
      if (message) context.report({ node, messageId: 'layering', data: { message } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : undefined),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0]);
        }
      },
    };
  },
};

export default { rules: { layering: layeringRule } };
