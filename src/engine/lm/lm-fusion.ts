import type { NgramLm } from './ngram-lm.ts';

/**
 * Shallow fusion of a token n-gram LM into a beam search: each emitted token adds
 * `scale · ln P_lm(token | history) + tokenBonus` to its path's score.
 */
export interface LmFusion {
  lm: NgramLm;
  scale: number;
  tokenBonus: number;
}
