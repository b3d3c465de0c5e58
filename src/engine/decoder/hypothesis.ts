import type { HotwordNode } from './hotword-graph.ts';
import { logAdd } from './log-prob-math.ts';

/** One beam-search path (sherpa-onnx's Hypothesis; logProb includes LM and hotword bonuses). */
export interface Hypothesis {
  /** Context followed by emitted tokens. */
  ys: number[];
  /** ys joined with '-': two paths with one key hold the same token sequence. */
  key: string;
  logProb: number;
  frames: number[];
  trailingBlanks: number;
  /** decoder_out for the last context tokens, shared with the parent while no token is added. */
  decoderOut: Float32Array | null;
  /** Where the path stands in the stream's hotword graph (null without hotwords); its bonuses are in logProb. */
  hot: HotwordNode | null;
  /** The fused LM's state after the emitted tokens (0 without an LM). */
  lmState: number;
}

export function hypothesis(ys: number[], logProb: number, hot: HotwordNode | null = null, lmState = 0): Hypothesis {
  return { ys, key: ys.join('-'), logProb, frames: [], trailingBlanks: 0, decoderOut: null, hot, lmState };
}

/** Paths keyed by token sequence; adding an existing sequence merges the scores with log-add. */
export class Hypotheses {
  private readonly byKey = new Map<string, Hypothesis>();

  add(h: Hypothesis): void {
    const existing = this.byKey.get(h.key);
    if (existing) existing.logProb = logAdd(existing.logProb, h.logProb);
    else this.byKey.set(h.key, h);
  }

  get size(): number {
    return this.byKey.size;
  }

  list(): Hypothesis[] {
    return [...this.byKey.values()];
  }

  /**
   * Highest log-prob per ys length (context included), first one on a tie; the bonus of a hotword
   * a path has only partly spelled does not count (sherpa-onnx's finalize); `endScore` adds
   * what ending the sentence there is worth (the LM's end-of-sentence term).
   */
  mostProbable(endScore?: (h: Hypothesis) => number): Hypothesis {
    let best: Hypothesis | undefined;
    let bestScore = -Infinity;
    for (const h of this.byKey.values()) {
      const score = (h.logProb - (h.hot?.carried ?? 0) + (endScore?.(h) ?? 0)) / h.ys.length;
      if (best === undefined || score > bestScore) {
        best = h;
        bestScore = score;
      }
    }
    if (!best) throw new Error('no hypotheses');
    return best;
  }
}
