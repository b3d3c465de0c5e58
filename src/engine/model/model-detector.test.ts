import { copyFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS } from '../../../test-support/fixture-paths.ts';
import { type ModelCopy, copyModel, editMetadata } from '../../../test-support/fixtures/model-variants.ts';
import { detectModel, loadEncoderModel, loadModel } from './model-detector.ts';

const cpu = { providers: [], numThreads: 1 };

describe('detectModel', () => {
  let copy: ModelCopy | undefined;
  afterEach(() => copy?.remove());

  it('recognizes a zipformer2 transducer folder from its files and model_type', async () => {
    const files = await detectModel(FIXTURE_MODELS.zipformer2);
    expect(files.family).toBe('zipformer2-transducer');
    expect(Object.keys(files.onnx).sort()).toEqual(['decoder', 'encoder', 'joiner']);
    expect(basename(files.onnx.encoder)).toBe('encoder.onnx');
    expect(files.metadata.decoder.get('context_size')).toBe('2');
  });

  it('recognizes a Zipformer v1 transducer (model_type=zipformer) and lays out its seven state groups', async () => {
    const files = await detectModel(FIXTURE_MODELS.zipformer);
    expect(files.family).toBe('zipformer-transducer');
    const model = await loadEncoderModel(FIXTURE_MODELS.zipformer, cpu);
    try {
      expect(model.kind).toBe('transducer');
      expect([model.encoder.chunkLength, model.encoder.chunkShift]).toEqual([39, 32]);
      // Group-major, one tensor per stack (1 + 2 layers), batch axes as icefall exports them.
      expect(model.encoder.stateSpecs.map((s) => [s.inputName, s.dims, s.batchAxis, s.type])).toEqual([
        ['cached_len_0', [1, 1], 1, 'int64'],
        ['cached_len_1', [2, 1], 1, 'int64'],
        ['cached_avg_0', [1, 1, 32], 1, 'float32'],
        ['cached_avg_1', [2, 1, 48], 1, 'float32'],
        ['cached_key_0', [1, 16, 1, 16], 2, 'float32'],
        ['cached_key_1', [2, 12, 1, 24], 2, 'float32'],
        ['cached_val_0', [1, 16, 1, 8], 2, 'float32'],
        ['cached_val_1', [2, 12, 1, 12], 2, 'float32'],
        ['cached_val2_0', [1, 16, 1, 8], 2, 'float32'],
        ['cached_val2_1', [2, 12, 1, 12], 2, 'float32'],
        ['cached_conv1_0', [1, 1, 32, 6], 1, 'float32'],
        ['cached_conv1_1', [2, 1, 48, 4], 1, 'float32'],
        ['cached_conv2_0', [1, 1, 32, 6], 1, 'float32'],
        ['cached_conv2_1', [2, 1, 48, 4], 1, 'float32'],
      ]);
    } finally {
      await model.dispose();
    }
  });

  it("recognizes sherpa-onnx's lstm transducer layout (Earshot's GRU transducer)", async () => {
    const files = await detectModel(FIXTURE_MODELS.gruTransducer);
    expect(files.family).toBe('lstm-transducer');
    expect(files.metadata.encoder.get('rnn_hidden_size')).toBe(String(64 * 4));
    const model = await loadEncoderModel(FIXTURE_MODELS.gruTransducer, cpu);
    try {
      expect(model.kind).toBe('transducer');
      expect([model.encoder.chunkLength, model.encoder.chunkShift]).toEqual([35, 32]);
      expect(model.encoder.stateSpecs.map((s) => [s.dims, s.batchAxis])).toEqual([
        [[2, 1, 64], 1],
        [[2, 1, 256], 1],
      ]);
    } finally {
      await model.dispose();
    }
  });

  it('recognizes a NeMo cache-aware CTC folder from its metadata', async () => {
    const files = await detectModel(FIXTURE_MODELS.nemoCtc);
    expect(files.family).toBe('nemo-ctc');
    expect(basename(files.onnx.model)).toBe('model.onnx');
  });

  it('recognizes a zipformer2 CTC folder (one ctc-*.onnx) and reads its vocabulary from the log_probs shape', async () => {
    const files = await detectModel(FIXTURE_MODELS.zipformer2Ctc);
    expect(files.family).toBe('zipformer2-ctc');
    expect(basename(files.onnx.model)).toBe('ctc-fixture.onnx');
    const model = await loadEncoderModel(FIXTURE_MODELS.zipformer2Ctc, cpu);
    try {
      expect(model.kind).toBe('ctc');
      expect(model.vocabSize).toBe(103);
      expect([model.encoder.chunkLength, model.encoder.chunkShift]).toEqual([45, 32]);
      // 3 layers × 6 states + embed_states + processed_lens (int64), batch axes as icefall exports them.
      expect(model.encoder.stateSpecs.map((s) => s.batchAxis)).toEqual([...Array(3).fill([1, 1, 1, 1, 0, 0]).flat(), 0, 0]);
      expect(model.encoder.stateSpecs.at(-1)?.type).toBe('int64');
    } finally {
      await model.dispose();
    }
  });

  it('recognizes a streaming Paraformer folder (encoder + decoder, LFR/CMVN metadata) and reads it as sherpa-onnx does', async () => {
    const files = await detectModel(FIXTURE_MODELS.paraformer);
    expect(files.family).toBe('paraformer');
    expect(Object.keys(files.onnx).sort()).toEqual(['decoder', 'encoder']);
    const model = await loadModel(FIXTURE_MODELS.paraformer, cpu);
    try {
      if (model.kind !== 'paraformer') throw new Error(`loaded a ${model.kind} model`);
      expect([model.lfrWindowSize, model.lfrWindowShift, model.encoderOutputSize, model.decoderNumBlocks, model.decoderKernelSize]).toEqual([7, 6, 32, 2, 11]);
      expect(model.negMean.length).toBe(560);
      // inv_stddev is scaled by float(sqrt(encoder_output_size)) at load time.
      const raw = Number(files.metadata.encoder.get('inv_stddev')?.split(',')[0]);
      expect(model.invStddev[0]).toBe(Math.fround(Math.fround(raw) * Math.fround(Math.sqrt(32))));
    } finally {
      await model.dispose();
    }
    await expect(loadEncoderModel(FIXTURE_MODELS.paraformer, cpu)).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_INVALID', message: /no streaming encoder/ });
  });

  it("does not take a zipformer2 transducer's lone encoder.onnx for a CTC model", async () => {
    copy = copyModel(FIXTURE_MODELS.zipformer2);
    unlinkSync(join(copy.dir, 'decoder.onnx'));
    await expect(detectModel(copy.dir)).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_INVALID', message: /no supported model family/ });
  });

  it('prefers full precision files unless int8 is asked for', async () => {
    copy = copyModel(FIXTURE_MODELS.zipformer2);
    for (const role of ['encoder', 'decoder', 'joiner']) {
      copyFileSync(join(copy.dir, `${role}.onnx`), join(copy.dir, `${role}-epoch-99.int8.onnx`));
      copyFileSync(join(copy.dir, `${role}.onnx`), join(copy.dir, `${role}-epoch-99.onnx`));
      unlinkSync(join(copy.dir, `${role}.onnx`));
    }
    expect(basename((await detectModel(copy.dir)).onnx.encoder)).toBe('encoder-epoch-99.onnx');
    expect(basename((await detectModel(copy.dir, { preferInt8: true })).onnx.joiner)).toBe('joiner-epoch-99.int8.onnx');
  });

  it('accepts a single *.onnx file with NeMo metadata', async () => {
    copy = copyModel(FIXTURE_MODELS.nemoCtc);
    copyFileSync(join(copy.dir, 'model.onnx'), join(copy.dir, 'fastconformer-ctc.onnx'));
    unlinkSync(join(copy.dir, 'model.onnx'));
    expect((await detectModel(copy.dir)).family).toBe('nemo-ctc');
  });

  it('throws ModelNotFound for a missing folder or a folder without tokens.txt', async () => {
    await expect(detectModel('/nonexistent/model-dir')).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_NOT_FOUND' });
    copy = copyModel(FIXTURE_MODELS.nemoCtc);
    unlinkSync(join(copy.dir, 'tokens.txt'));
    await expect(detectModel(copy.dir)).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_NOT_FOUND', message: /tokens\.txt/ });
  });

  it('throws ModelInvalid when no family matches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-model-'));
    try {
      mkdirSync(join(dir, 'sub'));
      copyFileSync(join(FIXTURE_MODELS.zipformer2, 'tokens.txt'), join(dir, 'tokens.txt'));
      copyFileSync(join(FIXTURE_MODELS.zipformer2, 'joiner.onnx'), join(dir, 'model.onnx'));
      await expect(detectModel(dir)).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_INVALID', message: /no supported model family/ });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not claim a transducer of another model_type', async () => {
    copy = copyModel(FIXTURE_MODELS.zipformer2);
    editMetadata(join(copy.dir, 'encoder.onnx'), ['model_type=conformer']);
    await expect(detectModel(copy.dir)).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_INVALID' });
  });
});

describe('loadModel rejects broken models with ModelInvalid', () => {
  let copy: ModelCopy | undefined;
  afterEach(() => copy?.remove());

  const cases: [string, keyof typeof FIXTURE_MODELS, string, string[], RegExp][] = [
    ['a missing NeMo key', 'nemoCtc', 'model.onnx', ['-cache_last_time_dim2'], /'cache_last_time_dim2' is missing/],
    ['a missing zipformer2 key', 'zipformer2', 'encoder.onnx', ['-left_context_len'], /'left_context_len' is missing/],
    ['a missing decoder key', 'zipformer2', 'decoder.onnx', ['-context_size'], /'context_size' is missing/],
    ['a malformed value', 'nemoCtc', 'model.onnx', ['window_size=abc'], /'window_size'='abc' is not an integer/],
    ['cache shapes that disagree with the graph', 'nemoCtc', 'model.onnx', ['cache_last_channel_dim2=17'], /cache_last_channel' has shape/],
    ['zipformer2 dims that disagree with the graph', 'zipformer2', 'encoder.onnx', ['encoder_dims=32,64'], /has shape/],
    ['a chunk length that disagrees with the graph', 'zipformer2', 'encoder.onnx', ['T=40'], /takes 45 frames, metadata T is 40/],
    ['per-stack lists of different lengths', 'zipformer2', 'encoder.onnx', ['num_heads=2'], /'num_heads' has 1 stacks/],
    ['an lstm state width that disagrees with the graph', 'gruTransducer', 'encoder.onnx', ['rnn_hidden_size=100'], /state1' has shape/],
    ['a missing lstm key', 'gruTransducer', 'encoder.onnx', ['-d_model'], /'d_model' is missing/],
    ['an lstm chunk length that disagrees with the graph', 'gruTransducer', 'encoder.onnx', ['T=40'], /takes 35 frames, metadata T is 40/],
    ['a layer count that disagrees with the inputs', 'zipformer2', 'encoder.onnx', ['num_encoder_layers=1,1', 'T=45'], /expected 14 inputs/],
    ['a missing zipformer2 CTC key', 'zipformer2Ctc', 'ctc-fixture.onnx', ['-query_head_dims'], /'query_head_dims' is missing/],
    ['a missing Zipformer v1 key', 'zipformer', 'encoder.onnx', ['-attention_dims'], /'attention_dims' is missing/],
    ['Zipformer v1 attention dims that disagree with the graph', 'zipformer', 'encoder.onnx', ['attention_dims=16,32'], /cached_key_1' has shape/],
    ['Zipformer v1 per-stack lists of different lengths', 'zipformer', 'encoder.onnx', ['left_context_len=16'], /'left_context_len' has 1 stacks/],
    ['a Zipformer v1 stack count that disagrees with the inputs', 'zipformer', 'encoder.onnx', ['num_encoder_layers=1,2,1', 'encoder_dims=32,48,48', 'attention_dims=16,24,24', 'cnn_module_kernels=7,5,5', 'left_context_len=16,12,12'], /expected 22 encoder inputs/],
    ['a Zipformer v1 chunk length that disagrees with the graph', 'zipformer', 'encoder.onnx', ['T=45'], /takes 39 frames, metadata T is 45/],
    ['a CTC chunk length that disagrees with the graph', 'zipformer2Ctc', 'ctc-fixture.onnx', ['T=39'], /takes 45 frames, metadata T is 39/],
    ['a missing Paraformer key', 'paraformer', 'encoder.onnx', ['-decoder_kernel_size'], /'decoder_kernel_size' is missing/],
    ['a malformed Paraformer CMVN list', 'paraformer', 'encoder.onnx', ['neg_mean=1,x,3'], /'neg_mean' is not a list of numbers/],
    ['a CMVN length that disagrees with the LFR window', 'paraformer', 'encoder.onnx', ['lfr_window_size=5'], /lfr_window_size 5 × 80 bins needs 400/],
    ['a Paraformer block count that disagrees with the decoder', 'paraformer', 'encoder.onnx', ['decoder_num_blocks=3'], /expected 7 decoder inputs/],
    ['a Paraformer kernel size that disagrees with the caches', 'paraformer', 'encoder.onnx', ['decoder_kernel_size=9'], /'in_cache_0' has shape \[batch_size, 32, 10\], the metadata implies \[\?, 32, 8\]/],
  ];

  it.each(cases)('%s', async (_name, family, file, edits, message) => {
    copy = copyModel(FIXTURE_MODELS[family]);
    editMetadata(join(copy.dir, file), edits);
    await expect(loadModel(copy.dir, cpu)).rejects.toMatchObject({ code: 'ASR_ERR_MODEL_INVALID', message });
  });
});
