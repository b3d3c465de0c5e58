/** Lower-case words without punctuation: what WER compares. */
export function normalizeWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

/** Levenshtein distance between two sequences. */
function editDistance<T>(ref: readonly T[], hyp: readonly T[]): number {
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[hyp.length];
}

/** Errors and reference length of one hypothesis, counted in some unit. */
export interface ErrorCount {
  errors: number;
  length: number;
}

/** Word errors (substitutions + deletions + insertions) against the reference's words. */
export function wordErrors(reference: string, hypothesis: string): ErrorCount {
  const ref = normalizeWords(reference);
  return { errors: editDistance(ref, normalizeWords(hypothesis)), length: ref.length };
}

/** Character errors of the normalized words joined by single spaces (as training/evaluate.py counts CER). */
export function characterErrors(reference: string, hypothesis: string): ErrorCount {
  const ref = [...normalizeWords(reference).join(' ')];
  return { errors: editDistance(ref, [...normalizeWords(hypothesis).join(' ')]), length: ref.length };
}

/** Word error rate of one sentence: errors / reference words. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const { errors, length } = wordErrors(reference, hypothesis);
  if (length === 0) return errors === 0 ? 0 : 1;
  return errors / length;
}

/** Corpus error rate: all errors over all reference units (not the mean of sentence rates). */
export function corpusErrorRate(refs: readonly string[], hyps: readonly string[], count: (r: string, h: string) => ErrorCount): number {
  let errors = 0;
  let length = 0;
  refs.forEach((r, i) => {
    const c = count(r, hyps[i] ?? '');
    errors += c.errors;
    length += c.length;
  });
  return length === 0 ? 0 : errors / length;
}
