import { argmax } from './log-prob-math.ts';
import type { DecodedPath, SearchDecoder } from './search-decoder.ts';

export interface CtcGreedyState {
  tokens: number[];
  frames: number[];
  trailingBlanks: number;
  frameOffset: number;
}

/**
 * CTC greedy search (../shared/MODEL_INTERFACES.md §3): argmax per frame, drop blanks and repeats;
 * across chunks the previous symbol is blank if the last chunk ended in blanks, else the last token.
 */
export class CtcGreedyDecoder implements SearchDecoder<CtcGreedyState> {
  constructor(private readonly blankId: number) {}

  initial(): CtcGreedyState {
    return { tokens: [], frames: [], trailingBlanks: 0, frameOffset: 0 };
  }

  async decode(output: Float32Array, frames: number, vocab: number, states: CtcGreedyState[]): Promise<void> {
    const blank = this.blankId;
    states.forEach((s, b) => {
      let prev = s.tokens.length === 0 ? -1 : s.trailingBlanks > 0 ? blank : s.tokens[s.tokens.length - 1];
      for (let t = 0; t < frames; t++) {
        const y = argmax(output, (b * frames + t) * vocab, vocab);
        s.trailingBlanks = y === blank ? s.trailingBlanks + 1 : 0;
        if (y !== blank && y !== prev) {
          s.tokens.push(y);
          s.frames.push(t + s.frameOffset);
        }
        prev = y;
      }
      s.frameOffset += frames;
    });
  }

  best(s: CtcGreedyState): DecodedPath {
    return { tokens: [...s.tokens], frames: [...s.frames], trailingBlanks: s.trailingBlanks };
  }

  reset(): CtcGreedyState {
    return this.initial();
  }

  segmentHasTokens(s: CtcGreedyState): boolean {
    return s.tokens.length > 0;
  }
}
