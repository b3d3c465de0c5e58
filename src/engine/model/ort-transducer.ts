import { join } from 'node:path';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { ArraySession } from './array-session.ts';
import { type DetectOptions, type ModelFiles, pickPrecision } from './model-family.ts';
import type { OnnxMetadata } from './onnx-metadata.ts';
import { requireInt } from './onnx-metadata.ts';
import type { EncoderLayout } from './ort-streaming-encoder.ts';
import { type CreatedSession, createSession, type SessionFactoryOptions } from './session-factory.ts';
import { type DeclaredValue, hasFixedBatch, requireCount } from './session-io.ts';
import type { StateSpec } from './state-batching.ts';
import { createArraySession, createStreamingEncoder } from './streaming-encoder-factory.ts';
import type { StreamingEncoder, TransducerModel } from './streaming-model.ts';

/**
 * What every sherpa-onnx transducer family shares (MODEL_INTERFACES.md §2.1, §2.5): the
 * encoder/decoder/joiner files, the stateless decoder and the joiner. Families differ only in the
 * encoder's inputs and states, which each describes as an EncoderLayout.
 */

/** The folder's encoder/decoder/joiner files if the encoder's `model_type` is `modelType`. */
export async function detectTransducer(
  family: string,
  modelType: string,
  dir: string,
  fileNames: readonly string[],
  options: DetectOptions,
  readMetadata: (path: string) => Promise<OnnxMetadata>,
): Promise<ModelFiles | null> {
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
  if (encoderMeta.get('model_type') !== modelType) return null;
  return {
    family,
    dir,
    tokens: join(dir, 'tokens.txt'),
    onnx: paths,
    metadata: {
      encoder: encoderMeta,
      decoder: await readMetadata(paths.decoder),
      joiner: await readMetadata(paths.joiner),
    },
  };
}

/**
 * Opens the three sessions; `layout` describes the family's encoder from its opened session.
 * Releases whatever it opened if anything fails.
 */
export async function loadTransducer(
  family: string,
  files: ModelFiles,
  options: SessionFactoryOptions,
  layout: (encoder: CreatedSession) => EncoderLayout,
): Promise<TransducerModel> {
  const { encoder: encPath, decoder: decPath, joiner: joinPath } = files.onnx;
  const contextSize = requireInt(files.metadata.decoder, 'context_size', decPath);
  const vocabSize = requireInt(files.metadata.decoder, 'vocab_size', decPath);
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
    const encoder = createStreamingEncoder(enc, layout(enc), encPath, options);
    sessions[0] = encoder;
    const decoder = createArraySession(dec, decPath);
    sessions[1] = decoder;
    const joiner = createArraySession(join, joinPath);
    sessions[2] = joiner;
    return new OrtTransducer(family, encoder, decoder, joiner, {
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

/**
 * The layout of a transducer encoder that takes x (N, T, F) first and returns encoder_out first,
 * each state after it in the same order. Checks T against the graph.
 */
export function framesFirstLayout(
  encoder: CreatedSession,
  stateSpecs: StateSpec[],
  chunk: { T: number; shift: number },
  path: string,
): EncoderLayout {
  const [x] = encoder.inputs;
  checkFrames(x, chunk.T, path);
  return {
    featuresInput: x.name,
    featureLayout: 'frames-first',
    output: encoder.outputs[0].name,
    stateSpecs,
    constantInputs: [],
    chunkLength: chunk.T,
    chunkShift: chunk.shift,
    featureDim: featureDimOf(x),
    supportsBatch: !hasFixedBatch(x, 0),
  };
}

/** The features' last axis, 80 where the export left it symbolic. */
export function featureDimOf(x: DeclaredValue): number {
  return typeof x.shape?.[2] === 'number' ? x.shape[2] : 80;
}

/** Rejects an encoder whose features input takes another number of frames than metadata T. */
function checkFrames(x: DeclaredValue, T: number, path: string): void {
  const t = x.shape?.[1];
  if (typeof t === 'number' && t !== T) {
    throw new AsrError(ErrorCode.ModelInvalid, `${path}: input '${x.name}' takes ${t} frames, metadata T is ${T}`);
  }
}

class OrtTransducer implements TransducerModel {
  readonly kind = 'transducer';
  readonly contextSize: number;
  readonly vocabSize: number;
  readonly tokensPath: string;
  readonly provider: string;

  constructor(
    readonly family: string,
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
    // icefall projects both sides to joiner_dim; an encoder may also hand the joiner its raw
    // features (the Earshot GRU transducer), so each side keeps its own width.
    const [out] = await this.joiner.run([
      [encoderOut, [n, encoderOut.length / n]],
      [decoderOut, [n, decoderOut.length / n]],
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
