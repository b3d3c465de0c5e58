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

export type StreamingModel = CtcModel | TransducerModel;
