import { join } from 'node:path';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { ModelFamily, ModelFiles } from './model-family.ts';
import { pickPrecision } from './model-family.ts';
import { type OnnxMetadata, requireInt } from './onnx-metadata.ts';
import { createSession, type SessionFactoryOptions } from './session-factory.ts';
import { createStreamingEncoder } from './streaming-encoder-factory.ts';
import {
  batchAxisOf,
  checkStateShape,
  hasFixedBatch,
  requireCount,
  stateTypeOf,
  symbolAt,
} from './session-io.ts';
import type { StateSpec } from './state-batching.ts';
import type { CtcModel } from './streaming-model.ts';

const FAMILY = 'nemo-ctc';

/** Keys sherpa-onnx's NeMo export writes (../shared/MODEL_INTERFACES.md §3.2). */
const REQUIRED_KEYS = [
  'window_size',
  'chunk_shift',
  'vocab_size',
  'cache_last_channel_dim1',
  'cache_last_channel_dim2',
  'cache_last_channel_dim3',
  'cache_last_time_dim1',
  'cache_last_time_dim2',
  'cache_last_time_dim3',
] as const;

function looksLikeNemo(meta: OnnxMetadata): boolean {
  return REQUIRED_KEYS.some((k) => meta.has(k));
}

/** NeMo cache-aware streaming CTC: one model.onnx (features channels-first, 3 caches on axis 0). */
export const nemoCtcFamily: ModelFamily = {
  name: FAMILY,

  async detect(dir, fileNames, options, readMetadata) {
    if (!fileNames.includes('tokens.txt')) return null;
    const onnx = fileNames.filter((f) => f.endsWith('.onnx'));
    const named = onnx.filter((f) => /^model(\..+)?\.onnx$/.test(f));
    const file = pickPrecision(named.length > 0 ? named : onnx.length === 1 ? onnx : [], options.preferInt8);
    if (!file) return null;
    const path = join(dir, file);
    const meta = await readMetadata(path);
    if (!looksLikeNemo(meta)) return null;
    return { family: FAMILY, dir, tokens: join(dir, 'tokens.txt'), onnx: { model: path }, metadata: { model: meta } };
  },

  load: loadNemoCtcModel,
};

export async function loadNemoCtcModel(files: ModelFiles, options: SessionFactoryOptions): Promise<CtcModel> {
  const path = files.onnx.model;
  const meta = files.metadata.model;
  const v = Object.fromEntries(REQUIRED_KEYS.map((k) => [k, requireInt(meta, k, path)])) as Record<
    (typeof REQUIRED_KEYS)[number],
    number
  >;
  const created = await createSession(path, options, 'encoder');
  const { inputs, outputs, provider } = created;
  try {
    requireCount(inputs, 5, 'inputs (features, length, cache_last_channel, cache_last_time, cache_last_channel_len)', path);
    requireCount(outputs, 5, 'outputs (log-probs, lengths, 3 next caches)', path);
    const batchSymbol = symbolAt(inputs[0], 0);
    const featureDim = typeof inputs[0].shape?.[1] === 'number' ? inputs[0].shape[1] : 80;
    const stateInputs = [inputs[2], inputs[3], inputs[4]];
    const dims = [
      [1, v.cache_last_channel_dim1, v.cache_last_channel_dim2, v.cache_last_channel_dim3],
      [1, v.cache_last_time_dim1, v.cache_last_time_dim2, v.cache_last_time_dim3],
      [1],
    ];
    const specs: StateSpec[] = stateInputs.map((input, i) => ({
      inputName: input.name,
      outputName: outputs[i + 2].name,
      dims: dims[i],
      batchAxis: batchAxisOf(input, batchSymbol, 0),
      type: stateTypeOf(input, i === 2 ? 'int64' : 'float32', path),
    }));
    specs.forEach((spec, i) => checkStateShape(spec, stateInputs[i], path));
    if (v.chunk_shift <= 0 || v.window_size < v.chunk_shift) {
      throw new AsrError(ErrorCode.ModelInvalid, `${path}: window_size ${v.window_size} / chunk_shift ${v.chunk_shift} are inconsistent`);
    }
    const encoder = createStreamingEncoder(
      created,
      {
        featuresInput: inputs[0].name,
        featureLayout: 'channels-first',
        output: outputs[0].name,
        stateSpecs: specs,
        constantInputs: [{ name: inputs[1].name, value: v.window_size }],
        chunkLength: v.window_size,
        chunkShift: v.chunk_shift,
        featureDim,
        supportsBatch: !hasFixedBatch(inputs[0], 0),
      },
      path,
      options,
    );
    return {
      kind: 'ctc',
      family: FAMILY,
      encoder,
      // NeMo's vocab_size excludes the blank, which tokens.txt appends last.
      vocabSize: v.vocab_size + 1,
      tokensPath: files.tokens,
      provider,
      dispose: () => encoder.release(),
    };
  } catch (err) {
    await created.release();
    throw err;
  }
}
