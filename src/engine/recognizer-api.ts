/**
 * The engine's public surface, shaped like sherpa-onnx's OnlineRecognizer.
 * Serving code (worker pool, Redis worker, bench) depends only on this file.
 */

export interface EndpointRule {
  mustContainNonSilence: boolean;
  /** Seconds of trailing silence (blank frames) required. */
  minTrailingSilence: number;
  /** Seconds of utterance required. */
  minUtteranceLength: number;
}

export interface EndpointConfig {
  enabled: boolean;
  rule1: EndpointRule;
  rule2: EndpointRule;
  rule3: EndpointRule;
}

export type DecodingMethod = 'greedy_search' | 'modified_beam_search';

/** A token-level n-gram LM fused into beam search: CTC prefix beam search, or a transducer's modified beam search. */
export interface LanguageModelConfig {
  /** ARPA file whose words are the model's tokens; a relative path is inside the model folder. */
  model: string;
  /** Weight of the LM's natural-log probability per token. */
  scale: number;
  /** Added per emitted token, offsetting the LM's pull towards short outputs. */
  tokenBonus: number;
}

export interface OnlineRecognizerConfig {
  /** A folder laid out like a sherpa-onnx model folder (model family detected from files + metadata). */
  modelDir: string;
  /** Execution providers tried one at a time, in order, then 'cpu'. */
  providers: string[];
  /** Intra-op threads per ORT session. */
  numThreads: number;
  decodingMethod: DecodingMethod;
  /** Beam for modified_beam_search (on CTC models: prefix beam search). */
  maxActivePaths: number;
  /**
   * LM for modified_beam_search (CTC and transducer models): 'auto' (default) uses the model
   * folder's lm.json when it has one; 'none' decodes without.
   */
  lm: LanguageModelConfig | 'auto' | 'none';
  endpoint: EndpointConfig;
  /** Bonus per character of a hotword spelled by a beam-search path (natural log). */
  hotwordsScore: number;
}

export interface RecognitionResult {
  /** Text of the current segment (since the last reset). */
  text: string;
  tokens: string[];
  /** Seconds from the start of the stream, one per token. */
  timestamps: number[];
  /** Index of the current segment; advances on reset() after a non-empty result. */
  segment: number;
  /** Seconds from the start of the stream where the current segment started. */
  startTime: number;
}

/** One audio stream's decoding state. Created by the recognizer; never shared between recognizers. */
export interface OnlineStream {
  /** Any sample rate and any chunk size; resampled to the model's rate. Samples in [-1, 1]. */
  acceptWaveform(sampleRate: number, samples: Float32Array): void;
  /** No more audio: flush the last frames. */
  inputFinished(): void;
  readonly finished: boolean;
}

export interface ModelInfo {
  family: 'zipformer2-transducer' | 'nemo-ctc' | string;
  sampleRate: number;
  featureDim: number;
  /** Feature frames consumed per encoder call (the window advances by this). */
  chunkShift: number;
  vocabSize: number;
}

export interface StreamOptions {
  hotwords?: readonly string[];
}

export interface OnlineRecognizer {
  readonly modelInfo: ModelInfo;
  /** The execution provider really in use (e.g. 'cpu', 'webgpu'). */
  readonly provider: string;
  /** How the engine's encoder calls onnxruntime ('native' or 'onnxruntime-node'); absent for other engines. */
  readonly encoderBinding?: string;
  /**
   * A new stream. `hotwords` (words or phrases) bias a beam search towards spelling them; greedy
   * search and engines without contextual biasing ignore them.
   */
  createStream(options?: StreamOptions): OnlineStream;
  /** True when the stream has enough frames for one encoder call. */
  isReady(stream: OnlineStream): boolean;
  /** Runs ONE batched encoder call over all given ready streams. */
  decodeStreams(streams: OnlineStream[]): Promise<void>;
  getResult(stream: OnlineStream): RecognitionResult;
  isEndpoint(stream: OnlineStream): boolean;
  /** Starts a new segment (after an endpoint); keeps encoder states, as sherpa-onnx does. */
  reset(stream: OnlineStream): void;
  /** Releases ORT sessions. */
  dispose(): Promise<void>;
}
