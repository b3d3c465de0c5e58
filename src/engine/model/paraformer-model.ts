import { join } from 'node:path';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { ArraySession } from './array-session.ts';
import { type ModelFamily, type ModelFiles, pickPrecision } from './model-family.ts';
import { type OnnxMetadata, requireFloatList, requireInt } from './onnx-metadata.ts';
import { createSession, type SessionFactoryOptions } from './session-factory.ts';
import { type DeclaredValue, hasFixedBatch, requireCount } from './session-io.ts';
import type { StateData } from './state-batching.ts';
import { createArraySession } from './streaming-encoder-factory.ts';
import type { EncoderBindingName, ParaformerEncoderResult, ParaformerModel } from './streaming-model.ts';

const FAMILY = 'paraformer';

/** sherpa-onnx's fbank: 80 bins (its featConfig), which LFR stacks lfr_window_size at a time. */
const FBANK_DIM = 80;

/** The integer keys sherpa-onnx reads from the encoder (online-paraformer-model.cc). */
const INT_KEYS = ['vocab_size', 'lfr_window_size', 'lfr_window_shift', 'encoder_output_size', 'decoder_num_blocks', 'decoder_kernel_size'] as const;

type ParaformerMeta = Record<(typeof INT_KEYS)[number], number> & { negMean: Float32Array; invStddev: Float32Array };

function looksLikeParaformer(meta: OnnxMetadata): boolean {
  return meta.get('model_type') === 'paraformer' || INT_KEYS.slice(1).some((k) => meta.has(k));
}

/**
 * sherpa-onnx's streaming Paraformer (its `paraformer: { encoder, decoder }` config): encoder and
 * decoder files, no joiner, the encoder carrying the LFR/CMVN metadata of MODEL_INTERFACES.md §4.7.
 */
export const paraformerFamily: ModelFamily = {
  name: FAMILY,

  async detect(dir, fileNames, options, readMetadata) {
    if (!fileNames.includes('tokens.txt')) return null;
    const pick = (role: string) => pickPrecision(fileNames.filter((f) => f.startsWith(role) && f.endsWith('.onnx')), options.preferInt8);
    const [encoder, decoder] = ['encoder', 'decoder'].map(pick);
    if (!encoder || !decoder) return null;
    const paths = { encoder: join(dir, encoder), decoder: join(dir, decoder) };
    const meta = await readMetadata(paths.encoder);
    if (!looksLikeParaformer(meta)) return null;
    return { family: FAMILY, dir, tokens: join(dir, 'tokens.txt'), onnx: paths, metadata: { encoder: meta, decoder: await readMetadata(paths.decoder) } };
  },

  load: loadParaformerModel,
};

function readMeta(meta: OnnxMetadata, path: string): ParaformerMeta {
  const ints = Object.fromEntries(INT_KEYS.map((k) => [k, requireInt(meta, k, path)])) as Record<(typeof INT_KEYS)[number], number>;
  for (const k of INT_KEYS) {
    if (ints[k] <= 0) throw new AsrError(ErrorCode.ModelInvalid, `${path}: metadata '${k}' must be positive, got ${ints[k]}`);
  }
  const negMean = requireFloatList(meta, 'neg_mean', path);
  const inv = requireFloatList(meta, 'inv_stddev', path);
  const lfrDim = FBANK_DIM * ints.lfr_window_size;
  if (negMean.length !== lfrDim || inv.length !== lfrDim) {
    throw new AsrError(
      ErrorCode.ModelInvalid,
      `${path}: neg_mean has ${negMean.length} and inv_stddev ${inv.length} values, lfr_window_size ${ints.lfr_window_size} × ${FBANK_DIM} bins needs ${lfrDim}`,
    );
  }
  // As sherpa-onnx: scale = float(sqrt(encoder_output_size)), then a float32 product per entry.
  const scale = Math.fround(Math.sqrt(ints.encoder_output_size));
  const invStddev = inv.map((v) => Math.fround(v * scale));
  return { ...ints, negMean, invStddev };
}

/** Rejects a value whose fixed dims disagree with `expected` (null = any size). */
function checkShape(value: DeclaredValue, expected: readonly (number | null)[], path: string): void {
  if (!value.shape) return;
  const ok = value.shape.length === expected.length && value.shape.every((d, i) => typeof d !== 'number' || expected[i] === null || d === expected[i]);
  if (!ok) {
    const want = expected.map((d) => d ?? '?').join(', ');
    throw new AsrError(ErrorCode.ModelInvalid, `${path}: '${value.name}' has shape [${value.shape.join(', ')}], the metadata implies [${want}]`);
  }
}

export async function loadParaformerModel(files: ModelFiles, options: SessionFactoryOptions): Promise<ParaformerModel> {
  const { encoder: encPath, decoder: decPath } = files.onnx;
  const m = readMeta(files.metadata.encoder, encPath);
  const sessions: { release(): Promise<void> }[] = [];
  try {
    const enc = await createSession(encPath, options);
    sessions.push(enc);
    // The decoder runs where the encoder does (provider and binding), as a transducer's decoder.
    const dec = await createSession(decPath, {
      ...options,
      providers: [enc.provider],
      encoderBinding: enc.binding.kind === 'native' ? 'auto' : 'onnxruntime-node',
    });
    sessions.push(dec);
    const blocks = m.decoder_num_blocks;
    requireCount(enc.inputs, 2, 'encoder inputs (speech, speech_lengths)', encPath);
    requireCount(enc.outputs, 3, 'encoder outputs (enc, enc_len, alphas)', encPath);
    requireCount(dec.inputs, 4 + blocks, `decoder inputs (enc, enc_len, acoustic_embeds, acoustic_embeds_len, ${blocks} caches)`, decPath);
    requireCount(dec.outputs, 2 + blocks, `decoder outputs (logits, sample_ids, ${blocks} caches)`, decPath);
    const lfrDim = FBANK_DIM * m.lfr_window_size;
    checkShape(enc.inputs[0], [null, null, lfrDim], encPath);
    for (const cache of dec.inputs.slice(4)) checkShape(cache, [null, m.encoder_output_size, m.decoder_kernel_size - 1], decPath);
    const encoder = createArraySession(enc, encPath);
    sessions[0] = encoder;
    const decoder = createArraySession(dec, decPath);
    sessions[1] = decoder;
    return ortParaformer(encoder, decoder, m, {
      tokensPath: files.tokens,
      provider: enc.provider,
      binding: enc.binding.kind,
      encoderSupportsBatch: !hasFixedBatch(enc.inputs[0], 0),
      encPath,
      decPath,
    });
  } catch (err) {
    await Promise.all(sessions.map((s) => s.release()));
    throw err;
  }
}

interface Info {
  tokensPath: string;
  provider: string;
  binding: EncoderBindingName;
  encoderSupportsBatch: boolean;
  encPath: string;
  decPath: string;
}

/** The two sessions, fed by position as sherpa-onnx feeds them; lengths are int32 as it passes them. */
function ortParaformer(encoder: ArraySession, decoder: ArraySession, m: ParaformerMeta, info: Info): ParaformerModel {
  const dim = m.encoder_output_size;
  const cacheDims = [1, dim, m.decoder_kernel_size - 1];
  const cacheSize = dim * (m.decoder_kernel_size - 1);
  return {
    kind: 'paraformer',
    family: FAMILY,
    featureDim: FBANK_DIM,
    vocabSize: m.vocab_size,
    lfrWindowSize: m.lfr_window_size,
    lfrWindowShift: m.lfr_window_shift,
    negMean: m.negMean,
    invStddev: m.invStddev,
    encoderOutputSize: dim,
    decoderNumBlocks: m.decoder_num_blocks,
    decoderKernelSize: m.decoder_kernel_size,
    tokensPath: info.tokensPath,
    provider: info.provider,
    binding: info.binding,
    encoderSupportsBatch: info.encoderSupportsBatch,

    async runEncoder(features: Float32Array, n: number, frames: number): Promise<ParaformerEncoderResult> {
      const lengths = new Int32Array(n).fill(frames);
      const [enc, encLen, alphas] = await encoder.run([
        [features, [n, frames, features.length / (n * frames)]],
        [lengths, [n]],
      ]);
      if (!(enc instanceof Float32Array) || enc.length !== n * frames * dim || !(alphas instanceof Float32Array) || alphas.length !== n * frames || encLen.length !== n) {
        throw new AsrError(
          ErrorCode.ModelInvalid,
          `${info.encPath}: for ${n}×${frames} frames it returned ${enc.length} enc values (expected ${n * frames * dim}: encoder_output_size ${dim}), ${alphas.length} alphas, ${encLen.length} lengths`,
        );
      }
      return { enc, encLen, alphas, frames };
    },

    async runDecoder(enc: Float32Array, encLen: StateData, embeddings: Float32Array, count: number, caches: readonly Float32Array[]) {
      const out = await decoder.run([
        [enc, [1, enc.length / dim, dim]],
        [encLen, [1]],
        [embeddings, [1, count, dim]],
        [Int32Array.of(count), [1]],
        ...caches.map((c): [StateData, number[]] => [c, cacheDims]),
      ]);
      const ids = out[1];
      const next = out.slice(2);
      if (ids.length !== count || next.some((c) => !(c instanceof Float32Array) || c.length !== cacheSize)) {
        throw new AsrError(
          ErrorCode.ModelInvalid,
          `${info.decPath}: for ${count} embeddings it returned ${ids.length} sample_ids and caches of [${next.map((c) => c.length).join(', ')}] values (expected ${cacheSize}: encoder_output_size × (decoder_kernel_size − 1))`,
        );
      }
      return { tokens: Array.from(ids, Number), caches: next as Float32Array[] };
    },

    async dispose(): Promise<void> {
      await Promise.all([encoder.release(), decoder.release()]);
    }
  };
}
