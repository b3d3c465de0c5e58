import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, REPO_ROOT } from '../../../test-support/fixture-paths.ts';
import { readGraphOutputs } from './onnx-graph-outputs.ts';

const dir = mkdtempSync(join(tmpdir(), 'earshot-graph-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODELS = [
  join(FIXTURE_MODELS.nemoCtc, 'model.onnx'),
  join(REPO_ROOT, 'models', 'earshot-en-small', 'model.onnx'),
  ...['encoder', 'decoder', 'joiner'].map((name) => join(FIXTURE_MODELS.zipformer2, `${name}.onnx`)),
];

describe('readGraphOutputs', () => {
  it.each(MODELS.map((path) => [relative(REPO_ROOT, path), path]))('declares what onnxruntime-node declares: %s', async (_, path) => {
    const ref = await InferenceSession.create(path);
    try {
      const outputs = await readGraphOutputs(path);
      expect(outputs.map((o) => o.name)).toEqual(ref.outputNames);
      expect(outputs.map((o) => ({ type: o.type, isTensor: o.isTensor }))).toEqual(
        ref.outputMetadata.map((m) => ({ type: m.isTensor ? m.type : undefined, isTensor: m.isTensor })),
      );
    } finally {
      await ref.release();
    }
  });

  it('tells sequences, other element types and undeclared types apart', async () => {
    const path = join(dir, 'kinds.onnx');
    // y = x (float32), mask = x > 0 (bool), seq (a sequence), n (int32), m: a bool the file leaves untyped.
    const script = [
      'import sys, onnx',
      'from onnx import helper as h, TensorProto as T',
      "g = h.make_graph([h.make_node('Identity', ['x'], ['y']), h.make_node('Greater', ['x', 'zero'], ['mask']),",
      "    h.make_node('SequenceConstruct', ['x'], ['seq']), h.make_node('Constant', [], ['n'], value=h.make_tensor('c', T.INT32, [], [3])),",
      "    h.make_node('Not', ['mask'], ['m'])], 'g',",
      "    [h.make_tensor_value_info('x', T.FLOAT, ['N', 4])],",
      "    [h.make_tensor_value_info('y', T.FLOAT, ['N', 4]), h.make_tensor_value_info('mask', T.BOOL, ['N', 4]),",
      "     h.make_tensor_sequence_value_info('seq', T.FLOAT, None), h.make_tensor_value_info('n', T.INT32, []),",
      "     h.make_empty_tensor_value_info('m')],",
      "    [h.make_tensor('zero', T.FLOAT, [], [0.0])])",
      "onnx.save(h.make_model(g, opset_imports=[h.make_opsetid('', 13)]), sys.argv[1])",
    ].join('\n');
    execFileSync('/usr/bin/python3', ['-c', script, path]);
    expect(await readGraphOutputs(path)).toEqual([
      { name: 'y', type: 'float32', isTensor: true },
      { name: 'mask', type: 'bool', isTensor: true },
      { name: 'seq', isTensor: false },
      { name: 'n', type: 'int32', isTensor: true },
      { name: 'm' },
    ]);
  });

  it('rejects a truncated or non-protobuf file with ModelInvalid', async () => {
    const truncated = join(dir, 'truncated.onnx');
    const bytes = readFileSync(MODELS[0]);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    await expect(readGraphOutputs(truncated)).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_INVALID' });
    const text = join(dir, 'text.onnx');
    writeFileSync(text, 'this is not an onnx model\n'.repeat(10));
    await expect(readGraphOutputs(text)).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_INVALID' });
  });
});
