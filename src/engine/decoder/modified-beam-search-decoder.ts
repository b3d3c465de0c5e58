import type { LmFusion } from '../lm/lm-fusion.ts';
import type { TransducerModel } from '../model/streaming-model.ts';
import type { HotwordGraph } from './hotword-graph.ts';
import { type Hypothesis, Hypotheses, hypothesis } from './hypothesis.ts';
import { logSoftmaxRow } from './log-prob-math.ts';
import type { DecodedPath, SearchDecoder } from './search-decoder.ts';
import { type TransducerSearchOptions, initialContext, runDecoderOn } from './transducer-greedy-decoder.ts';

export interface BeamSearchState {
  hyps: Hypotheses;
  hotwords: HotwordGraph | null;
  frameOffset: number;
}

/**
 * Modified beam search, max one symbol per frame (../shared/MODEL_INTERFACES.md §2.7): per frame,
 * all streams' paths go through ONE decoder call (only paths with a new context) and ONE joiner call.
 * With an LM fused in (Earshot's addition; sherpa-onnx fuses only RNN LMs here), every non-blank
 * extension is ranked with its LM bonus, as icefall's shallow fusion does.
 */
export class ModifiedBeamSearchDecoder implements SearchDecoder<BeamSearchState> {
  readonly usesHotwords = true;
  constructor(
    private readonly model: TransducerModel,
    private readonly maxActivePaths: number,
    private readonly options: TransducerSearchOptions,
    private readonly fusion: LmFusion | null = null,
  ) {}

  initial(hotwords?: HotwordGraph): BeamSearchState {
    const hyps = new Hypotheses();
    hyps.add(hypothesis(initialContext(this.model.contextSize), 0, hotwords?.root ?? null, this.fusion?.lm.startState ?? 0));
    return { hyps, hotwords: hotwords ?? null, frameOffset: 0 };
  }

  async decode(output: Float32Array, frames: number, dim: number, states: BeamSearchState[]): Promise<void> {
    const vocab = this.model.vocabSize;
    const { blankPenalty, unkId } = this.options;
    for (let t = 0; t < frames; t++) {
      const prev: Hypothesis[] = [];
      const splits = [0];
      for (const s of states) {
        prev.push(...s.hyps.list());
        splits.push(prev.length);
      }
      const h = prev.length;
      await this.fillDecoderOut(prev, dim);
      const decoderOut = new Float32Array(h * dim);
      const encoderOut = new Float32Array(h * dim);
      states.forEach((_, b) => {
        const from = (b * frames + t) * dim;
        const frame = output.subarray(from, from + dim);
        for (let i = splits[b]; i < splits[b + 1]; i++) {
          decoderOut.set(prev[i].decoderOut as Float32Array, i * dim);
          encoderOut.set(frame, i * dim);
        }
      });
      const scores = await this.model.runJoiner(encoderOut, decoderOut, h);
      for (let i = 0; i < h; i++) {
        const row = i * vocab;
        if (blankPenalty > 0) scores[row] -= blankPenalty;
        logSoftmaxRow(scores, row, vocab);
        // float32 like sherpa-onnx: the path score is rounded before it is added.
        const logProb = Math.fround(prev[i].logProb);
        for (let k = row; k < row + vocab; k++) scores[k] = scores[k] + logProb;
        if (this.fusion) this.addLmBonus(scores, row, prev[i].lmState);
      }
      states.forEach((s, b) => {
        const start = splits[b];
        const picks = topK(scores, start * vocab, (splits[b + 1] - start) * vocab, this.maxActivePaths);
        const next = new Hypotheses();
        for (const k of picks) {
          const parent = prev[start + Math.floor(k / vocab)];
          const token = k % vocab;
          const logProb = scores[start * vocab + k];
          if (token !== 0 && token !== unkId) {
            // As sherpa-onnx: the hotword bonus joins the path's score after the top-k pick.
            const hot = s.hotwords && parent.hot ? s.hotwords.step(parent.hot, token) : null;
            next.add({
              ys: [...parent.ys, token],
              key: `${parent.key}-${token}`,
              logProb: logProb + (hot?.delta ?? 0),
              frames: [...parent.frames, t + s.frameOffset],
              trailingBlanks: 0,
              decoderOut: null,
              hot: hot?.next ?? null,
              lmState: this.fusion ? this.fusion.lm.score(parent.lmState, token).next : 0,
            });
          } else {
            next.add({ ...parent, logProb, trailingBlanks: parent.trailingBlanks + 1 });
          }
        }
        s.hyps = next;
      });
    }
    for (const s of states) s.frameOffset += frames;
  }

  /** Adds each non-blank token's LM bonus to one path's row of candidate scores. */
  private addLmBonus(scores: Float32Array, row: number, lmState: number): void {
    const { lm, scale, tokenBonus } = this.fusion as LmFusion;
    const unk = this.options.unkId;
    for (let k = 1; k < this.model.vocabSize; k++) {
      if (k !== unk) scores[row + k] += scale * lm.score(lmState, k).logProb + tokenBonus;
    }
  }

  /** One decoder call for every path whose context changed since its decoder_out was computed. */
  private async fillDecoderOut(hyps: Hypothesis[], dim: number): Promise<void> {
    const missing = hyps.filter((h) => h.decoderOut === null);
    if (missing.length === 0) return;
    const out = await runDecoderOn(
      this.model,
      missing.map((h) => h.ys),
    );
    missing.forEach((h, i) => (h.decoderOut = out.slice(i * dim, (i + 1) * dim)));
  }

  /** As CTC prefix beam search: the LM's end-of-sentence term counts once the segment is final. */
  best(s: BeamSearchState, final = true): DecodedPath {
    const fusion = this.fusion;
    const h = s.hyps.mostProbable(final && fusion ? (p) => fusion.scale * fusion.lm.endLogProb(p.lmState) : undefined);
    return { tokens: h.ys.slice(this.model.contextSize), frames: [...h.frames], trailingBlanks: h.trailingBlanks };
  }

  /**
   * A new segment starts from the initial context with one path. (The sherpa-onnx source reads as
   * if paths kept their last context tokens, but sherpa-onnx-node 1.13.8 restarts from [-1, 0]:
   * the endpoint oracle test pins this behaviour.)
   */
  reset(s: BeamSearchState): BeamSearchState {
    return this.initial(s.hotwords ?? undefined);
  }

  segmentHasTokens(s: BeamSearchState): boolean {
    return this.best(s).tokens.length > 0;
  }
}

/** Indices (relative to `start`) of the k largest values, largest first. */
function topK(values: Float32Array, start: number, length: number, k: number): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < length; i++) {
    const v = values[start + i];
    if (idx.length === k && v <= val[k - 1]) continue;
    let pos = idx.length === k ? k - 1 : idx.length;
    while (pos > 0 && val[pos - 1] < v) {
      if (pos < k) {
        idx[pos] = idx[pos - 1];
        val[pos] = val[pos - 1];
      }
      pos--;
    }
    idx[pos] = i;
    val[pos] = v;
  }
  return idx;
}
