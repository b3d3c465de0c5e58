import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { IntKeyTable } from './int-key-table.ts';
import { NgramLm } from './ngram-lm.ts';

const gunzipAsync = promisify(gunzip);
const LN10 = Math.LN10;
/** log(1e-10): the score of a token a model without `<unk>` has never seen. */
const UNKNOWN_FLOOR = -10 * LN10;

/** Reads an ARPA file (gzip-compressed if it ends in .gz) whose words are a recognizer's tokens. */
export async function readArpaFile(path: string, tokenId: (word: string) => number | undefined, tokenCount: number): Promise<NgramLm> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new AsrError(ErrorCode.ModelNotFound, `language model not found: ${path}`);
  }
  if (path.endsWith('.gz')) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (err) {
      throw new AsrError(ErrorCode.ModelInvalid, `${path}: not a gzip file (${(err as Error).message})`);
    }
  }
  return parseArpa(bytes.toString('utf8'), tokenId, tokenCount, path);
}

/**
 * Parses ARPA text (log10 probabilities and back-off weights; `\data\`, `ngram N=COUNT`,
 * `\N-grams:` sections in ascending order, `\end\`). `tokenId` maps a word to the recognizer's
 * token id; tokens the file lacks score as `<unk>`. One pass, straight into typed arrays: every
 * n-gram's history was read in an earlier section, so its state is found by walking from the
 * empty history (a 0.5 M n-gram file loads in about a second).
 */
export function parseArpa(text: string, tokenId: (word: string) => number | undefined, tokenCount: number, source = 'ARPA'): NgramLm {
  const lines = new LineReader(text);
  const bad = (msg: string): never => {
    throw new AsrError(ErrorCode.ModelInvalid, `${source}:${lines.number}: ${msg}`);
  };
  let line = lines.nextNonEmpty();
  if (line !== '\\data\\') bad('expected \\data\\ (not an ARPA file)');
  const counts: number[] = [];
  while ((line = lines.next()) !== null && line !== '') {
    const m = /^ngram\s+(\d+)\s*=\s*(\d+)$/.exec(line);
    if (!m || Number(m[1]) !== counts.length + 1) bad(`expected 'ngram ${counts.length + 1}=COUNT', got '${line}'`);
    counts.push(Number(m![2]));
  }
  const order = counts.length;
  if (order === 0) bad('no ngram counts in the \\data\\ section');

  const total = counts.reduce((a, b) => a + b, 0);
  const states = 1 + counts.slice(0, -1).reduce((a, b) => a + b, 0);
  const wordCount = counts[0];
  const words = new Map<string, number>();
  const entries = new IntKeyTable(total);
  const entryLogProb = new Float64Array(total);
  const entryNext = new Int32Array(total);
  const backoff = new Float64Array(states);
  const parent = new Int32Array(states);
  parent[0] = -1;
  let entryCount = 0;
  let stateCount = 1;
  /** The state of `ws[from..]` walked from the empty history, or −1 if that history was never seen. */
  const stateOf = (ws: Int32Array, from: number, to: number): number => {
    let s = 0;
    for (let k = from; k < to && s >= 0; k++) {
      const e = entries.get(s * wordCount + ws[k]);
      s = e < 0 || e >= states - 1 ? -1 : entryNext[e];
    }
    return s;
  };
  /** The longest suffix of `ws[from..to]` that is a state (the empty history at least). */
  const longestState = (ws: Int32Array, from: number, to: number): number => {
    for (let k = from; k < to; k++) {
      const s = stateOf(ws, k, to);
      if (s >= 0) return s;
    }
    return 0;
  };

  const ids = new Int32Array(order);
  for (let n = 1; n <= order; n++) {
    if (lines.nextNonEmpty() !== `\\${n}-grams:`) bad(`expected \\${n}-grams:`);
    let seen = 0;
    while ((line = lines.next()) !== null && line !== '' && !line.startsWith('\\')) {
      const f = line.split(/\s+/);
      if (f.length !== n + 1 && f.length !== n + 2) bad(`expected a log10 probability, ${n} words and an optional back-off`);
      const logProb = Number(f[0]);
      const bow = f.length === n + 2 ? Number(f[n + 1]) : 0;
      if (!Number.isFinite(logProb) || !Number.isFinite(bow)) bad('probability and back-off must be numbers');
      if (++seen > counts[n - 1]) bad(`\\data\\ announces ${counts[n - 1]} ${n}-grams, the section has more`);
      for (let k = 0; k < n; k++) {
        let id = words.get(f[k + 1]);
        if (id === undefined) {
          if (n > 1) bad(`word '${f[k + 1]}' has no unigram`);
          id = words.size;
          words.set(f[k + 1], id);
        }
        ids[k] = id;
      }
      const context = stateOf(ids, 0, n - 1);
      if (context < 0) bad(`the ${n}-gram '${f.slice(1, n + 1).join(' ')}' has no ${n - 1}-gram for its history`);
      const e = entryCount;
      if (!entries.add(context * wordCount + ids[n - 1], e)) bad(`the ${n}-gram '${f.slice(1, n + 1).join(' ')}' is listed twice`);
      entryCount++;
      entryLogProb[e] = logProb * LN10;
      if (n < order) {
        // Entries of shorter n-grams come first, so e < states − 1: their next state is their own.
        const s = stateCount++;
        entryNext[e] = s;
        backoff[s] = bow * LN10;
        parent[s] = longestState(ids, 1, n);
      } else {
        entryNext[e] = longestState(ids, 1, n);
      }
    }
    if (seen !== counts[n - 1]) bad(`\\data\\ announces ${counts[n - 1]} ${n}-grams, the section has ${seen}`);
    if (line !== null && line.startsWith('\\')) lines.back();
  }
  if (lines.nextNonEmpty() !== '\\end\\') bad('expected \\end\\');

  const start = words.get('<s>');
  const end = words.get('</s>');
  if (start === undefined || end === undefined) bad('the unigrams must include <s> and </s>');

  const tokenWord = new Int32Array(tokenCount).fill(-1);
  for (const [w, id] of words) {
    const t = tokenId(w);
    if (t !== undefined && t >= 0 && t < tokenCount) tokenWord[t] = id;
  }
  const unk = words.get('<unk>');
  const unknownLogProb = unk === undefined ? UNKNOWN_FLOOR : entryLogProb[entries.get(unk)];
  return new NgramLm({
    order,
    wordCount,
    entries,
    entryLogProb,
    entryNext,
    backoff,
    parent,
    startState: order > 1 ? entryNext[entries.get(start as number)] : 0,
    endWord: end as number,
    tokenWord,
    unknownLogProb,
  });
}

/** Trimmed lines of a text, one at a time, without splitting the whole text up front. */
class LineReader {
  private pos = 0;
  private last = 0;
  /** 1-based number of the line last returned. */
  number = 0;

  constructor(private readonly text: string) {}

  next(): string | null {
    if (this.pos >= this.text.length) return null;
    this.last = this.pos;
    let end = this.text.indexOf('\n', this.pos);
    if (end < 0) end = this.text.length;
    const line = this.text.slice(this.pos, end).trim();
    this.pos = end + 1;
    this.number++;
    return line;
  }

  nextNonEmpty(): string | null {
    let line: string | null;
    while ((line = this.next()) === '');
    return line;
  }

  /** Returns the last line again on the next call. */
  back(): void {
    this.pos = this.last;
    this.number--;
  }
}
