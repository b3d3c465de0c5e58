import type { LmFusion } from '../lm/lm-fusion.ts';
import type { HotwordGraph, HotwordNode } from './hotword-graph.ts';
import { argmax, logAdd } from './log-prob-math.ts';
import type { DecodedPath, SearchDecoder } from './search-decoder.ts';

/** One token sequence of the search; its parents are its prefixes. */
interface Prefix {
  readonly id: number;
  readonly parent: Prefix | null;
  readonly token: number;
  /** Encoder output frame (from the segment start) where the token was first emitted. */
  readonly frame: number;
  readonly lmState: number;
  /** Where the path stands in the stream's hotword graph (null without hotwords). */
  readonly hot: HotwordNode | null;
  /** What the LM and the hotwords added for this token (0 without either). */
  readonly bonus: number;
}

/** A live path: a prefix with its CTC probability split by the last frame's symbol. */
interface Beam {
  prefix: Prefix;
  /** log P(prefix, last frame blank) and log P(prefix, last frame its last token), LM bonuses included. */
  blank: number;
  nonBlank: number;
  /** Their log-sum, set when the frame's paths are ranked. */
  total: number;
}

export interface CtcPrefixBeamState {
  beams: Beam[];
  hotwords: HotwordGraph | null;
  /** Consecutive frames whose most probable symbol is blank (drives endpointing, as in greedy). */
  trailingBlanks: number;
  frameOffset: number;
}

/** Tokens less probable than e^-8 (0.03%) in a frame are not tried as extensions. */
const MIN_EXTENSION_LOG_PROB = -8;

/**
 * CTC prefix beam search (Hannun et al. 2014) over streaming chunks, with an optional token n-gram
 * LM fused in: paths are token sequences, scored by the sum over their CTC alignments; the
 * `beam` best survive each frame. Without an LM and with beam 1 it is greedy search.
 * The scoring matches training/lm_probe.py, where the LM weights were measured.
 */
export class CtcPrefixBeamSearchDecoder implements SearchDecoder<CtcPrefixBeamState> {
  readonly usesHotwords = true;
  private nextId = 1;

  constructor(
    private readonly blankId: number,
    private readonly beam: number,
    private readonly fusion: LmFusion | null,
  ) {}

  initial(hotwords?: HotwordGraph): CtcPrefixBeamState {
    const root: Prefix = {
      id: 0,
      parent: null,
      token: -1,
      frame: -1,
      lmState: this.fusion?.lm.startState ?? 0,
      hot: hotwords?.root ?? null,
      bonus: 0,
    };
    return { beams: [{ prefix: root, blank: 0, nonBlank: -Infinity, total: 0 }], hotwords: hotwords ?? null, trailingBlanks: 0, frameOffset: 0 };
  }

  async decode(output: Float32Array, frames: number, vocab: number, states: CtcPrefixBeamState[]): Promise<void> {
    const logProbs = new Float64Array(vocab);
    states.forEach((s, b) => {
      for (let t = 0; t < frames; t++) {
        const row = (b * frames + t) * vocab;
        logSoftmax(output, row, vocab, logProbs);
        s.trailingBlanks = argmax(output, row, vocab) === this.blankId ? s.trailingBlanks + 1 : 0;
        s.beams = this.step(s, logProbs, t + s.frameOffset);
      }
      s.frameOffset += frames;
    });
  }

  private step({ beams, hotwords }: CtcPrefixBeamState, lp: Float64Array, frame: number): Beam[] {
    const blank = this.blankId;
    const candidates: number[] = [];
    for (let c = 0; c < lp.length; c++) if (c !== blank && lp[c] > MIN_EXTENSION_LOG_PROB) candidates.push(c);

    // A prefix extended by a token is the same path whether it was already live or is new this frame.
    const live = new Map<number, Prefix>();
    for (const { prefix } of beams) if (prefix.parent) live.set(childKey(prefix.parent, prefix.token, lp.length), prefix);
    const next = new Map<Prefix, Beam>();
    const at = (prefix: Prefix): Beam => {
      let beam = next.get(prefix);
      if (!beam) next.set(prefix, (beam = { prefix, blank: -Infinity, nonBlank: -Infinity, total: -Infinity }));
      return beam;
    };
    for (const { prefix, blank: pb, nonBlank: pnb, total } of beams) {
      const same = at(prefix);
      same.blank = logAdd(same.blank, total + lp[blank]);
      if (prefix.parent) same.nonBlank = logAdd(same.nonBlank, pnb + lp[prefix.token]);
      for (const c of candidates) {
        const key = childKey(prefix, c, lp.length);
        let child = live.get(key);
        if (!child) live.set(key, (child = this.extend(prefix, c, frame, hotwords)));
        const ext = at(child);
        // A repeated token needs a blank between the two, else it is the same emission.
        const from = prefix.parent && c === prefix.token ? pb : total;
        ext.nonBlank = logAdd(ext.nonBlank, from + lp[c] + child.bonus);
      }
    }
    const ranked = [...next.values()];
    for (const b of ranked) b.total = logAdd(b.blank, b.nonBlank);
    return ranked.sort((x, y) => y.total - x.total).slice(0, this.beam);
  }

  private extend(parent: Prefix, token: number, frame: number, hotwords: HotwordGraph | null): Prefix {
    let lmState = 0;
    let bonus = 0;
    if (this.fusion) {
      const step = this.fusion.lm.score(parent.lmState, token);
      lmState = step.next;
      bonus = this.fusion.scale * step.logProb + this.fusion.tokenBonus;
    }
    let hot: HotwordNode | null = null;
    if (hotwords && parent.hot) {
      const step = hotwords.step(parent.hot, token);
      hot = step.next;
      bonus += step.delta;
    }
    return { id: this.nextId++, parent, token, frame, lmState, hot, bonus };
  }

  /**
   * The best path, without the bonus of a hotword that is only partly spelled; once the segment
   * is `final`, also with the LM's end-of-sentence probability (for partials it would favour
   * complete-looking guesses and make them change more often: 1.22 rewrites per held-out
   * sentence against 0.83 without it).
   */
  best(s: CtcPrefixBeamState, final = true): DecodedPath {
    let bestBeam = s.beams[0];
    let bestScore = -Infinity;
    for (const beam of s.beams) {
      const end = final && this.fusion ? this.fusion.scale * this.fusion.lm.endLogProb(beam.prefix.lmState) : 0;
      const score = beam.total + end - (beam.prefix.hot?.carried ?? 0);
      if (score > bestScore) {
        bestScore = score;
        bestBeam = beam;
      }
    }
    const tokens: number[] = [];
    const frames: number[] = [];
    for (let p: Prefix | null = bestBeam.prefix; p?.parent; p = p.parent) {
      tokens.push(p.token);
      frames.push(p.frame);
    }
    return { tokens: tokens.reverse(), frames: frames.reverse(), trailingBlanks: s.trailingBlanks };
  }

  reset(s: CtcPrefixBeamState): CtcPrefixBeamState {
    return this.initial(s.hotwords ?? undefined);
  }

  segmentHasTokens(s: CtcPrefixBeamState): boolean {
    return this.best(s).tokens.length > 0;
  }
}

function childKey(parent: Prefix, token: number, vocab: number): number {
  return parent.id * vocab + token;
}

/** Natural-log softmax of one row, in double (the model may emit logits or log-probabilities). */
function logSoftmax(values: Float32Array, start: number, length: number, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, values[start + i]);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(values[start + i] - max);
  const offset = max + Math.log(sum);
  for (let i = 0; i < length; i++) out[i] = values[start + i] - offset;
}
