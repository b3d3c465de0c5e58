/** Where a token leads an n-gram LM, and what it costs. */
export interface LmStep {
  /** Natural-log probability of the token after the state's history. */
  logProb: number;
  /** The state for the history extended by the token. */
  next: number;
}

import type { IntKeyTable } from './int-key-table.ts';

/** The parts of a back-off n-gram model, indexed for lookup (built by arpa-reader.ts). */
export interface NgramTables {
  order: number;
  /** Distinct words of the model; an entry's key is `state * wordCount + word`. */
  wordCount: number;
  /** (context state, word) key → index into entryLogProb / entryNext. */
  entries: IntKeyTable;
  entryLogProb: Float64Array;
  entryNext: Int32Array;
  /** Per state: natural-log back-off weight, and the state of its history without the oldest word (−1 for the empty history, state 0). */
  backoff: Float64Array;
  parent: Int32Array;
  /** The state after `<s>`. */
  startState: number;
  /** The word id of `</s>`. */
  endWord: number;
  /** Recognizer token id → word id; −1 where the model has no such word. */
  tokenWord: Int32Array;
  /** Natural-log probability of a token the model does not know (`<unk>`'s, else a floor). */
  unknownLogProb: number;
}

/**
 * A back-off n-gram language model over a recognizer's tokens, with ARPA semantics:
 * P(w | h) = P*(w | h) if the n-gram (h, w) was seen, else backoff(h) · P(w | h minus its oldest word).
 * A state is a seen history, so a search keeps one integer per path.
 */
export class NgramLm {
  constructor(private readonly t: NgramTables) {}

  get order(): number {
    return this.t.order;
  }

  get startState(): number {
    return this.t.startState;
  }

  /** Number of (context, word) entries: the size of the model. */
  get size(): number {
    return this.t.entries.size;
  }

  /** Scores recognizer token `token` after `state`. */
  score(state: number, token: number): LmStep {
    const word = token >= 0 && token < this.t.tokenWord.length ? this.t.tokenWord[token] : -1;
    if (word < 0) return { logProb: this.t.unknownLogProb, next: 0 };
    return this.scoreWord(state, word);
  }

  /** Natural-log probability of ending the sentence after `state`. */
  endLogProb(state: number): number {
    return this.scoreWord(state, this.t.endWord).logProb;
  }

  private scoreWord(state: number, word: number): LmStep {
    const { entries, wordCount, backoff, parent } = this.t;
    let penalty = 0;
    for (let s = state; s >= 0; s = parent[s]) {
      const entry = entries.get(s * wordCount + word);
      if (entry >= 0) return { logProb: penalty + this.t.entryLogProb[entry], next: this.t.entryNext[entry] };
      penalty += backoff[s];
    }
    // A word with no unigram (only `<s>` in a well-formed file): never predicted.
    return { logProb: this.t.unknownLogProb, next: 0 };
  }
}
