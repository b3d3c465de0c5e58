import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS } from '../../../test-support/fixture-paths.ts';
import { type ModelCopy, copyModel, editMetadata } from '../../../test-support/fixtures/model-variants.ts';
import { readOnnxMetadata, requireInt, requireIntList } from './onnx-metadata.ts';

describe('readOnnxMetadata', () => {
  let copy: ModelCopy | undefined;
  afterEach(() => copy?.remove());

  it('reads the metadata written by the exporter', async () => {
    const meta = await readOnnxMetadata(join(FIXTURE_MODELS.zipformer2, 'encoder.onnx'));
    expect(meta.get('model_type')).toBe('zipformer2');
    expect(meta.get('T')).toBe('45');
    expect(meta.get('num_encoder_layers')).toBe('1,2');
    const nemo = await readOnnxMetadata(join(FIXTURE_MODELS.nemoCtc, 'model.onnx'));
    expect(nemo.get('window_size')).toBe('35');
    expect(nemo.get('cache_last_time_dim3')).toBe('6');
  });

  it('sees edits made by python onnx, including removed keys and non-ASCII values', async () => {
    copy = copyModel(FIXTURE_MODELS.nemoCtc);
    const path = join(copy.dir, 'model.onnx');
    editMetadata(path, ['-chunk_shift', 'comment=Grüße ▁']);
    const meta = await readOnnxMetadata(path);
    expect(meta.has('chunk_shift')).toBe(false);
    expect(meta.get('comment')).toBe('Grüße ▁');
  });

  it('rejects a truncated model with ModelInvalid', async () => {
    copy = copyModel(FIXTURE_MODELS.nemoCtc);
    const path = join(copy.dir, 'model.onnx');
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readOnnxMetadata(path)).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_INVALID' });
  });

  it('rejects a file that is not protobuf with ModelInvalid', async () => {
    copy = copyModel(FIXTURE_MODELS.nemoCtc);
    const path = join(copy.dir, 'model.onnx');
    writeFileSync(path, 'this is not an onnx model\n'.repeat(10));
    await expect(readOnnxMetadata(path)).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_INVALID' });
  });
});

describe('requireInt / requireIntList', () => {
  const meta = new Map([
    ['T', '45'],
    ['dims', '1, 2,3'],
    ['bad', 'x'],
    ['badList', '1,,x'],
  ]);

  it('parses present keys', () => {
    expect(requireInt(meta, 'T', 'm.onnx')).toBe(45);
    expect(requireIntList(meta, 'dims', 'm.onnx')).toEqual([1, 2, 3]);
  });

  it('names the missing or malformed key', () => {
    expect(() => requireInt(meta, 'window_size', 'm.onnx')).toThrow(/'window_size' is missing/);
    expect(() => requireInt(meta, 'bad', 'm.onnx')).toThrow(/'bad'='x' is not an integer/);
    expect(() => requireIntList(meta, 'badList', 'm.onnx')).toThrow(/not a list of integers/);
    expect(() => requireIntList(meta, 'none', 'm.onnx')).toThrow(expect.objectContaining({ code: 'ASR_ERR_MODEL_INVALID' }));
  });
});
