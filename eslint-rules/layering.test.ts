import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { checkImport } from './layering.js';

const root = new URL('..', import.meta.url).pathname;
const at = (p: string): string => `${root}${p}`;

describe('layering policy', () => {
  it.each([
    ['src/engine/x.ts', 'electron'],
    ['src/engine/x.ts', '../serving/gateway.ts'],
    ['src/engine/decoder/x.ts', '../../main/index.ts'],
    ['src/serving/x.ts', 'electron'],
    ['src/shared/x.ts', 'node:fs'],
    ['src/shared/x.ts', 'fs'],
    ['src/shared/x.ts', '../engine/a.ts'],
    ['src/shared/x.ts', 'ws'],
    ['src/renderer/src/x.tsx', '../../serving/a.ts'],
    ['src/renderer/src/x.tsx', '../../engine/a.ts'],
    ['src/renderer/src/x.tsx', 'node:path'],
    ['src/renderer/src/x.tsx', 'electron'],
    ['src/cli/x.ts', '../main/index.ts'],
    ['src/preload/x.ts', '../engine/a.ts'],
  ])('%s may not import %s', (file, spec) => {
    expect(checkImport(at(file), spec)).toBeTypeOf('string');
  });

  it.each([
    ['src/engine/x.ts', '../shared/errors.ts'],
    ['src/engine/x.ts', 'onnxruntime-node'],
    ['src/engine/x.ts', 'node:fs'],
    ['src/serving/x.ts', '../engine/a.ts'],
    ['src/main/index.ts', 'electron'],
    ['src/main/index.ts', '../serving/a.ts'],
    ['src/shared/protocol/x.ts', '../errors.ts'],
    ['src/shared/x.ts', 'zod'],
    ['src/renderer/src/x.tsx', '../../shared/ipc-contract.ts'],
    ['src/renderer/src/x.tsx', 'react'],
    ['src/preload/index.ts', 'electron'],
  ])('%s may import %s', (file, spec) => {
    expect(checkImport(at(file), spec)).toBeUndefined();
  });
});

describe('npm run lint catches forbidden imports', () => {
  const eslint = new ESLint({ cwd: root });

  it('rejects electron in src/engine through the real ESLint config', async () => {
    const [result] = await eslint.lintText("import { app } from 'electron';\nexport const a = app;\n", {
      filePath: at('src/engine/forbidden-fixture.ts'),
    });
    expect(result.messages.map((m) => m.ruleId)).toContain('local/layering');
  });

  it('rejects src/serving from the renderer', async () => {
    const [result] = await eslint.lintText("import { x } from '../../serving/gateway.ts';\nexport const a = x;\n", {
      filePath: at('src/renderer/src/forbidden-fixture.tsx'),
    });
    expect(result.messages.map((m) => m.ruleId)).toContain('local/layering');
  });

  it('accepts an allowed import', async () => {
    const [result] = await eslint.lintText("import { AsrError } from '../shared/errors.ts';\nexport const a = AsrError;\n", {
      filePath: at('src/engine/allowed-fixture.ts'),
    });
    expect(result.messages).toEqual([]);
  });
});
