import type { StateData, StateSpec } from './state-batching.ts';

/** One batched encoder call's output. */
export interface EncoderResult {
  /** (N, frames, dim), row-major: CTC log-probs or transducer encoder_out. */
  output: Float32Array;
  frames: number;
  dim: number;
  /**
   * The next states of each stream, in stateSpecs order. With a state carry they are handles
   * whose values stay in the encoder until needed: pass them to the next run() as they are, and
   * read their values only through StreamingEncoder.readStates().
   */
  states: StateData[][];
}

/**
 * How an encoder calls onnxruntime: through onnxruntime-node's JS API (its states travel as JS
 * arrays), or through the ort-values addon (its states stay native tensors between calls).
 */
export type EncoderBindingName = 'onnxruntime-node' | 'native';

/** A streaming acoustic encoder: reads `chunkLength` feature frames, then advances by `chunkShift`. */
export interface StreamingEncoder {
  readonly binding: EncoderBindingName;
  readonly chunkLength: number;
  readonly chunkShift: number;
  readonly featureDim: number;
  readonly stateSpecs: readonly StateSpec[];
  /** False when the graph has a fixed batch of 1: streams are then run one call each. */
  readonly supportsBatch: boolean;
  initStates(): StateData[];
  /** features: (N, chunkLength, featureDim) row-major; states: N streams' states. */
  run(features: Float32Array, states: readonly (readonly StateData[])[]): Promise<EncoderResult>;
  /** One stream's states with their values in place (a carried batch is read back first). */
  readStates(states: readonly StateData[]): Promise<readonly StateData[]>;
  /** Frees the session; the encoder cannot run afterwards. */
  release(): Promise<void>;
}

interface ModelBase {
  /** Family name from the registry, e.g. 'nemo-ctc'. */
  readonly family: string;
  readonly encoder: StreamingEncoder;
  readonly vocabSize: number;
  readonly tokensPath: string;
  /** Execution provider of the encoder session. */
  readonly provider: string;
  dispose(): Promise<void>;
}

/** The encoder emits log-probs; decoded by CTC greedy search. */
export interface CtcModel extends ModelBase {
  readonly kind: 'ctc';
}

/** Encoder + stateless prediction network + joiner (icefall transducers). */
export interface TransducerModel extends ModelBase {
  readonly kind: 'transducer';
  readonly contextSize: number;
  /** ys: (n, contextSize) token ids (−1 = none) → decoder_out (n, joinerDim). */
  runDecoder(ys: BigInt64Array, n: number): Promise<Float32Array>;
  /** encoderOut, decoderOut: (n, joinerDim) → logits (n, vocabSize). */
  runJoiner(encoderOut: Float32Array, decoderOut: Float32Array, n: number): Promise<Float32Array>;
}

/** A model decoded encoder chunk by encoder chunk, with a per-frame search (CTC, transducer). */
export type EncoderModel = CtcModel | TransducerModel;

/** One encoder call over N streams' overlapping LFR chunks (all of the same length). */
export interface ParaformerEncoderResult {
  /** (N, frames, encoderDim) hidden frames. */
  enc: Float32Array;
  /** (N,) the encoder's lengths output, handed to the decoder as is. */
  encLen: StateData;
  /** (N, frames) CIF weights. */
  alphas: Float32Array;
  frames: number;
}

/**
 * sherpa-onnx's streaming Paraformer (MODEL_INTERFACES.md §4, its re-exported variant in §4.7): a
 * stateless encoder over LFR features that also emits CIF weights, and a non-autoregressive
 * decoder over the fired acoustic embeddings whose FSMN caches are the only model states.
 */
export interface ParaformerModel {
  readonly kind: 'paraformer';
  readonly family: string;
  readonly vocabSize: number;
  readonly tokensPath: string;
  readonly provider: string;
  /** How the sessions call onnxruntime (there is no encoder state to carry). */
  readonly binding: EncoderBindingName;
  /** Fbank bins per frame (80). */
  readonly featureDim: number;
  readonly lfrWindowSize: number;
  readonly lfrWindowShift: number;
  /** CMVN of one LFR frame (featureDim × lfrWindowSize): y = (x + negMean) · invStddev. */
  readonly negMean: Float32Array;
  /** Already multiplied by sqrt(encoderOutputSize), as sherpa-onnx does when loading. */
  readonly invStddev: Float32Array;
  readonly encoderOutputSize: number;
  readonly decoderNumBlocks: number;
  /** Each FSMN cache is (1, encoderOutputSize, decoderKernelSize − 1). */
  readonly decoderKernelSize: number;
  /** False when the encoder graph has a fixed batch of 1. */
  readonly encoderSupportsBatch: boolean;
  /** features: (n, frames, featureDim · lfrWindowSize) row-major. */
  runEncoder(features: Float32Array, n: number, frames: number): Promise<ParaformerEncoderResult>;
  /**
   * One stream: its encoder output (frames × encoderDim), its encLen (1 value), `count` acoustic
   * embeddings and its FSMN caches → the argmax token per embedding and the next caches.
   */
  runDecoder(
    enc: Float32Array,
    encLen: StateData,
    embeddings: Float32Array,
    count: number,
    caches: readonly Float32Array[],
  ): Promise<{ tokens: number[]; caches: Float32Array[] }>;
  dispose(): Promise<void>;
}

export type StreamingModel = EncoderModel | ParaformerModel;
