import { join } from 'node:path';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { type ModelFamily, type ModelFiles, pickPrecision } from './model-family.ts';
import { type OnnxMetadata, requireInt, requireIntList } from './onnx-metadata.ts';
import { createSession, type SessionFactoryOptions } from './session-factory.ts';
import type { ArraySession } from './array-session.ts';
import { createArraySession, createStreamingEncoder } from './streaming-encoder-factory.ts';
import {
  type DeclaredValue,
  batchAxisOf,
  checkStateShape,
  hasFixedBatch,
  requireCount,
  stateTypeOf,
  symbolAt,
} from './session-io.ts';
import type { StateSpec } from './state-batching.ts';
import type { StreamingEncoder, TransducerModel } from './streaming-model.ts';

const FAMILY = 'zipformer2-transducer';
const STATES_PER_LAYER = 6;

/** Streaming zipformer2 transducer (icefall export-onnx-streaming.py; ../shared/MODEL_INTERFACES.md §2.2, §2.5). */
export const zipformer2TransducerFamily: ModelFamily = {
  name: FAMILY,

  async detect(dir, fileNames, options, readMetadata) {
    if (!fileNames.includes('tokens.txt')) return null;
    const pick = (role: string) =>
      pickPrecision(
        fileNames.filter((f) => f.startsWith(role) && f.endsWith('.onnx')),
        options.preferInt8,
      );
    const [encoder, decoder, joiner] = ['encoder', 'decoder', 'joiner'].map(pick);
    if (!encoder || !decoder || !joiner) return null;
    const paths = { encoder: join(dir, encoder), decoder: join(dir, decoder), joiner: join(dir, joiner) };
    const encoderMeta = await readMetadata(paths.encoder);
    if (encoderMeta.get('model_type') !== 'zipformer2') return null;
    return {
      family: FAMILY,
      dir,
      tokens: join(dir, 'tokens.txt'),
      onnx: paths,
      metadata: {
        encoder: encoderMeta,
        decoder: await readMetadata(paths.decoder),
        joiner: await readMetadata(paths.joiner),
      },
    };
  },

  load: loadZipformer2TransducerModel,
};

interface EncoderMeta {
  numEncoderLayers: number[];
  encoderDims: number[];
  cnnModuleKernels: number[];
  leftContextLen: number[];
  queryHeadDims: number[];
  valueHeadDims: number[];
  numHeads: number[];
  T: number;
  decodeChunkLen: number;
}

function readEncoderMeta(meta: OnnxMetadata, path: string): EncoderMeta {
  const m: EncoderMeta = {
    numEncoderLayers: requireIntList(meta, 'num_encoder_layers', path),
    encoderDims: requireIntList(meta, 'encoder_dims', path),
    cnnModuleKernels: requireIntList(meta, 'cnn_module_kernels', path),
    leftContextLen: requireIntList(meta, 'left_context_len', path),
    queryHeadDims: requireIntList(meta, 'query_head_dims', path),
    valueHeadDims: requireIntList(meta, 'value_head_dims', path),
    numHeads: requireIntList(meta, 'num_heads', path),
    T: requireInt(meta, 'T', path),
    decodeChunkLen: requireInt(meta, 'decode_chunk_len', path),
  };
  const stacks = m.numEncoderLayers.length;
  for (const key of ['encoder_dims', 'cnn_module_kernels', 'left_context_len', 'query_head_dims', 'value_head_dims', 'num_heads']) {
    const n = requireIntList(meta, key, path).length;
    if (n !== stacks) {
      throw new AsrError(ErrorCode.ModelInvalid, `${path}: metadata '${key}' has ${n} stacks, num_encoder_layers has ${stacks}`);
    }
  }
  if (meta.get('feature') === 'whisper') {
    throw new AsrError(ErrorCode.ModelInvalid, `${path}: whisper-feature zipformer2 models are not supported`);
  }
  return m;
}

/** Per-stream state shapes (batch 1), in input order, with the documented batch axes as fallback. */
function stateShapes(m: EncoderMeta, featureDim: number): { dims: number[]; axis: number }[] {
  const shapes: { dims: number[]; axis: number }[] = [];
  m.numEncoderLayers.forEach((layers, i) => {
    const keyDim = m.queryHeadDims[i] * m.numHeads[i];
    const valueDim = m.valueHeadDims[i] * m.numHeads[i];
    const left = m.leftContextLen[i];
    const conv = Math.floor(m.cnnModuleKernels[i] / 2);
    for (let j = 0; j < layers; j++) {
      shapes.push(
        { dims: [left, 1, keyDim], axis: 1 },
        { dims: [1, 1, left, (3 * m.encoderDims[i]) / 4], axis: 1 },
        { dims: [left, 1, valueDim], axis: 1 },
        { dims: [left, 1, valueDim], axis: 1 },
        { dims: [1, m.encoderDims[i], conv], axis: 0 },
        { dims: [1, m.encoderDims[i], conv], axis: 0 },
      );
    }
  });
  const embed = Math.floor((Math.floor((featureDim - 1) / 2) - 1) / 2);
  shapes.push({ dims: [1, 128, 3, embed], axis: 0 }, { dims: [1], axis: 0 });
  return shapes;
}

export async function loadZipformer2TransducerModel(
  files: ModelFiles,
  options: SessionFactoryOptions,
): Promise<TransducerModel> {
  const { encoder: encPath, decoder: decPath, joiner: joinPath } = files.onnx;
  const m = readEncoderMeta(files.metadata.encoder, encPath);
  const contextSize = requireInt(files.metadata.decoder, 'context_size', decPath);
  const vocabSize = requireInt(files.metadata.decoder, 'vocab_size', decPath);
  // Everything to release if loading fails: sessions, then the encoder that took over the first.
  const sessions: { release(): Promise<void> }[] = [];
  try {
    const enc = await createSession(encPath, options, 'encoder');
    sessions.push(enc);
    // The decoder and joiner follow the encoder: on the addon where it runs (or onnxruntime-node
    // where they have outputs the addon cannot hand over), else on onnxruntime-node.
    const small: SessionFactoryOptions = {
      ...options,
      providers: [enc.provider],
      encoderBinding: enc.binding.kind === 'native' ? 'auto' : 'onnxruntime-node',
    };
    const dec = await createSession(decPath, small);
    sessions.push(dec);
    const join = await createSession(joinPath, small);
    sessions.push(join);
    requireCount(dec.inputs, 1, 'decoder inputs (y)', decPath);
    requireCount(join.inputs, 2, 'joiner inputs (encoder_out, decoder_out)', joinPath);

    const { inputs, outputs } = enc;
    const numLayers = m.numEncoderLayers.reduce((a, b) => a + b, 0);
    const numStates = STATES_PER_LAYER * numLayers + 2;
    requireCount(inputs, 1 + numStates, 'encoder inputs (x, 6 states per layer, embed_states, processed_lens)', encPath);
    requireCount(outputs, 1 + numStates, 'encoder outputs (encoder_out and one per state)', encPath);
    const featureDim = typeof inputs[0].shape?.[2] === 'number' ? inputs[0].shape[2] : 80;
    const batchSymbol = symbolAt(inputs[0], 0);
    const specs = stateShapes(m, featureDim).map((shape, i): StateSpec => {
      const input = inputs[i + 1];
      const spec: StateSpec = {
        inputName: input.name,
        outputName: outputs[i + 1].name,
        dims: shape.dims,
        batchAxis: batchAxisOf(input, batchSymbol, shape.axis),
        type: stateTypeOf(input, i === numStates - 1 ? 'int64' : 'float32', encPath),
      };
      checkStateShape(spec, input, encPath);
      return spec;
    });
    checkFrames(inputs[0], m.T, encPath);
    const encoder = createStreamingEncoder(
      enc,
      {
        featuresInput: inputs[0].name,
        featureLayout: 'frames-first',
        output: outputs[0].name,
        stateSpecs: specs,
        constantInputs: [],
        chunkLength: m.T,
        chunkShift: m.decodeChunkLen,
        featureDim,
        supportsBatch: !hasFixedBatch(inputs[0], 0),
      },
      encPath,
      options,
    );
    sessions[0] = encoder;
    const decoder = createArraySession(dec, decPath);
    sessions[1] = decoder;
    const joiner = createArraySession(join, joinPath);
    sessions[2] = joiner;
    return new OrtTransducer(encoder, decoder, joiner, {
      contextSize,
      vocabSize,
      tokensPath: files.tokens,
      provider: enc.provider,
    });
  } catch (err) {
    await Promise.all(sessions.map((s) => s.release()));
    throw err;
  }
}

function checkFrames(x: DeclaredValue, T: number, path: string): void {
  const t = x.shape?.[1];
  if (typeof t === 'number' && t !== T) {
    throw new AsrError(ErrorCode.ModelInvalid, `${path}: input '${x.name}' takes ${t} frames, metadata T is ${T}`);
  }
}

class OrtTransducer implements TransducerModel {
  readonly kind = 'transducer';
  readonly family = FAMILY;
  readonly contextSize: number;
  readonly vocabSize: number;
  readonly tokensPath: string;
  readonly provider: string;

  constructor(
    readonly encoder: StreamingEncoder,
    private readonly decoder: ArraySession,
    private readonly joiner: ArraySession,
    info: { contextSize: number; vocabSize: number; tokensPath: string; provider: string },
  ) {
    this.contextSize = info.contextSize;
    this.vocabSize = info.vocabSize;
    this.tokensPath = info.tokensPath;
    this.provider = info.provider;
  }

  async runDecoder(ys: BigInt64Array, n: number): Promise<Float32Array> {
    const [out] = await this.decoder.run([[ys, [n, this.contextSize]]]);
    return out as Float32Array;
  }

  async runJoiner(encoderOut: Float32Array, decoderOut: Float32Array, n: number): Promise<Float32Array> {
    const dim = encoderOut.length / n;
    const [out] = await this.joiner.run([
      [encoderOut, [n, dim]],
      [decoderOut, [n, dim]],
    ]);
    const logits = out as Float32Array;
    if (logits.length !== n * this.vocabSize) {
      throw new AsrError(ErrorCode.ModelInvalid, `joiner output has ${logits.length / n} classes, decoder vocab_size is ${this.vocabSize}`);
    }
    return logits;
  }

  async dispose(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release(), this.joiner.release()]);
  }
}
