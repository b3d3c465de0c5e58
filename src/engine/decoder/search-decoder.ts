import type { HotwordGraph } from './hotword-graph.ts';

/** The best path of one stream's current segment. */
export interface DecodedPath {
  /** Emitted token ids (no context, no blanks). */
  tokens: number[];
  /** Encoder output frame of each token, counted from the segment start. */
  frames: number[];
  /** Blank frames since the last emitted token (drives endpointing). */
  trailingBlanks: number;
}

/**
 * A search over encoder output, batched across streams. `S` is the per-stream search state,
 * owned by the stream and replaced on reset.
 */
export interface SearchDecoder<S> {
  /** Whether `initial(hotwords)` uses them (others ignore them, so none need building). */
  readonly usesHotwords?: boolean;
  /** A new stream's state; `hotwords` biases the searches that support it (beam search over CTC). */
  initial(hotwords?: HotwordGraph): S;
  /** output: (N, frames, dim) for the N streams whose states are given, in that order. */
  decode(output: Float32Array, frames: number, dim: number, states: S[]): Promise<void>;
  /**
   * The best path so far. `final` (default): the segment is complete (an endpoint, or the end of
   * input); a search that scores how sentences end does so only then, so partials do not jump
   * between complete-looking guesses.
   */
  best(state: S, final?: boolean): DecodedPath;
  /** The state a new segment starts from (sherpa-onnx keeps the decoder context). */
  reset(state: S): S;
  /** Whether a reset now should advance the segment counter. */
  segmentHasTokens(state: S): boolean;
}
