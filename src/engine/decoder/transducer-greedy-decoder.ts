import type { TransducerModel } from '../model/streaming-model.ts';
import { argmax } from './log-prob-math.ts';
import type { DecodedPath, SearchDecoder } from './search-decoder.ts';

export interface TransducerGreedyState {
  /** Context (initially [-1, …, -1, 0]) followed by emitted tokens. */
  ys: number[];
  frames: number[];
  trailingBlanks: number;
  frameOffset: number;
  /** decoder_out of the last `contextSize` ys; kept across chunks until the next emission. */
  decoderOut: Float32Array | null;
  /** Frames the next joiner round scores for this stream (adapted to its emission rate). */
  lookahead: number;
}

/** The smallest speculative window: after an emission on the first scored frame. */
const MIN_LOOKAHEAD = 2;

export interface TransducerSearchOptions {
  /** Subtracted from the blank logit (0 = off). */
  blankPenalty: number;
  /** Id treated like blank (icefall's <unk>), or -1. */
  unkId: number;
}

/** Initial decoder context as sherpa-onnx builds it: context_size−1 times −1, then blank. */
export function initialContext(contextSize: number): number[] {
  const ys = new Array<number>(contextSize).fill(-1);
  ys[contextSize - 1] = 0;
  return ys;
}

/** Runs the decoder on the last `contextSize` tokens of each sequence, as one batch. */
export async function runDecoderOn(model: TransducerModel, seqs: readonly (readonly number[])[]): Promise<Float32Array> {
  const c = model.contextSize;
  const ys = new BigInt64Array(seqs.length * c);
  seqs.forEach((seq, i) => {
    for (let k = 0; k < c; k++) ys[i * c + k] = BigInt(seq[seq.length - c + k]);
  });
  return model.runDecoder(ys, seqs.length);
}

/** Greedy search, max one symbol per frame (../shared/MODEL_INTERFACES.md §2.6), batched across streams. */
export class TransducerGreedyDecoder implements SearchDecoder<TransducerGreedyState> {
  constructor(
    private readonly model: TransducerModel,
    private readonly options: TransducerSearchOptions,
  ) {}

  initial(): TransducerGreedyState {
    return { ys: initialContext(this.model.contextSize), frames: [], trailingBlanks: 0, frameOffset: 0, decoderOut: null, lookahead: Infinity };
  }

  async decode(output: Float32Array, frames: number, dim: number, states: TransducerGreedyState[]): Promise<void> {
    const n = states.length;
    const vocab = this.model.vocabSize;
    const { blankPenalty, unkId } = this.options;
    const missing = states.filter((s) => s.decoderOut === null);
    if (missing.length > 0) {
      const out = await runDecoderOn(
        this.model,
        missing.map((s) => s.ys),
      );
      missing.forEach((s, i) => (s.decoderOut = out.slice(i * dim, (i + 1) * dim)));
    }
    // Speculative rounds: the joiner scores the next frames of every stream with its current
    // decoder output in ONE call; a stream keeps the frames up to its first emission, and only the
    // frames after an emission are scored again (with the new decoder output) in the next round.
    // How many frames a round scores adapts to the stream's emission rate: twice the distance
    // to its last emission (all remaining frames at first, doubling while none emits), so that a
    // stream emitting on most frames costs ~2 rows per emission, not the rest of the chunk each time.
    const next = new Array<number>(n).fill(0);
    const take = (b: number) => Math.min(frames - next[b], states[b].lookahead);
    for (;;) {
      const active = states.flatMap((_, b) => (next[b] < frames ? [b] : []));
      if (active.length === 0) break;
      const rows = active.reduce((r, b) => r + take(b), 0);
      const encoderRows = new Float32Array(rows * dim);
      const decoderRows = new Float32Array(rows * dim);
      let row = 0;
      const counts = active.map(take);
      active.forEach((b, i) => {
        const dec = states[b].decoderOut as Float32Array;
        const from = (b * frames + next[b]) * dim;
        encoderRows.set(output.subarray(from, from + counts[i] * dim), row * dim);
        for (let k = 0; k < counts[i]; k++, row++) decoderRows.set(dec, row * dim);
      });
      const logits = await this.model.runJoiner(encoderRows, decoderRows, rows);
      const emitted: number[] = [];
      row = 0;
      active.forEach((b, i) => {
        const s = states[b];
        const first = row;
        row += counts[i];
        for (let r = first; r < row; r++) {
          const t = next[b];
          next[b]++;
          if (blankPenalty > 0) logits[r * vocab] -= blankPenalty;
          const y = argmax(logits, r * vocab, vocab);
          if (y !== 0 && y !== unkId) {
            s.ys.push(y);
            s.frames.push(t + s.frameOffset);
            s.trailingBlanks = 0;
            s.lookahead = Math.max(MIN_LOOKAHEAD, 2 * (r - first + 1));
            emitted.push(b);
            return;
          }
          s.trailingBlanks++;
        }
        s.lookahead = Math.min(s.lookahead * 2, frames); // no emission in this window: look further
      });
      if (emitted.length > 0) {
        const out = await runDecoderOn(
          this.model,
          emitted.map((b) => states[b].ys),
        );
        emitted.forEach((b, i) => (states[b].decoderOut = out.slice(i * dim, (i + 1) * dim)));
      }
    }
    for (const s of states) s.frameOffset += frames;
  }

  best(s: TransducerGreedyState): DecodedPath {
    return { tokens: s.ys.slice(this.model.contextSize), frames: [...s.frames], trailingBlanks: s.trailingBlanks };
  }

  /**
   * sherpa-onnx: keep the last context tokens if anything was emitted, else restart from the
   * initial context. Either way sherpa-onnx-node 1.13.8 keeps the cached decoder_out, so after a
   * segment without tokens the next emission is scored with the previous context's decoder_out
   * until it is recomputed; the Zipformer v1 endpoint oracle test pins this.
   */
  reset(s: TransducerGreedyState): TransducerGreedyState {
    const c = this.model.contextSize;
    if (s.ys.length <= c) return { ...this.initial(), decoderOut: s.decoderOut };
    // The context is unchanged, so its decoder_out still holds.
    return { ys: s.ys.slice(-c), frames: [], trailingBlanks: 0, frameOffset: 0, decoderOut: s.decoderOut, lookahead: s.lookahead };
  }

  segmentHasTokens(s: TransducerGreedyState): boolean {
    return s.ys.length > this.model.contextSize;
  }
}
