import type { SymbolTable } from './symbol-table.ts';

const SPM_SPACE = '\u2581';
/**
 * Spellings of one phrase kept in the graph (fewest pieces first; more did not raise hotword
 * recall on the dev set). With pieces of at most P characters a phrase of L characters costs
 * O(L · P · MAX_SPELLINGS) to spell: 100 phrases of 100 characters (the protocol's limits) build
 * in ~70 ms on the bundled model's 64 pieces, a few words in well under a millisecond.
 */
const MAX_SPELLINGS = 8;

/** One node of the hotword trie: a prefix of some spelling of some phrase. */
export interface HotwordNode {
  readonly children: Map<number, HotwordNode>;
  /** Characters spelled from the root. */
  readonly chars: number;
  /** A phrase ends here. */
  end: boolean;
  /** Bonus of the match so far, counted from the last completed phrase on this branch. */
  score: number;
  /** Part of `score` a path loses if the match stops here (0 once a phrase is complete). */
  carried: number;
  /** Longest proper suffix of this node's pieces that is also in the trie (Aho-Corasick). */
  fail: HotwordNode | null;
}

/** What one emitted token does to a path's hotword match. */
export interface HotwordStep {
  /** Added to the path score: the bonus of newly matched characters, minus an abandoned partial match. */
  delta: number;
  next: HotwordNode;
}

/**
 * Contextual biasing for beam search (sherpa-onnx's "hotwords", as a token trie with failure
 * links): a path earns `bonusPerChar` for each character of a hotword phrase it spells, keeps the
 * bonus once the phrase is complete, and gives it back if it turns away midway. A phrase is
 * entered in the ways the model's pieces can spell it (the MAX_SPELLINGS with fewest pieces), so
 * the bonus hardly depends on which segmentation the model picks; it is counted per character
 * for the same reason.
 */
export class HotwordGraph {
  readonly root: HotwordNode;
  /** Phrases that could be spelled with the model's pieces (the others are ignored). */
  readonly phrases: string[] = [];

  constructor(phrases: readonly string[], symbols: SymbolTable, readonly bonusPerChar: number) {
    this.root = node(0);
    const pieces = spellingPieces(symbols);
    for (const phrase of phrases) {
      const words = phrase.split(/\s+/).filter(Boolean);
      if (words.length === 0) continue;
      // Models spell in lower case (ours) or upper case (LibriSpeech's): whichever the pieces allow.
      const text = SPM_SPACE + words.join(SPM_SPACE);
      const spellings = [...new Set([text.toLowerCase(), text.toUpperCase()])].flatMap((t) => spell(t, pieces));
      if (spellings.length === 0) continue;
      this.phrases.push(words.join(' '));
      for (const spelling of spellings) this.insert(spelling);
    }
    this.link();
  }

  /** Moves a path's match by one emitted token. */
  step(from: HotwordNode, token: number): HotwordStep {
    let target = from.children.get(token);
    if (!target) {
      let f = from.fail;
      while (f && !f.children.has(token)) f = f.fail;
      target = f?.children.get(token) ?? this.root;
    }
    // A completed phrase with nothing longer to match restarts from the root, bonus kept.
    const next = target.end && target.children.size === 0 ? this.root : target;
    return { delta: target.score - from.carried, next };
  }

  private insert(spelling: { token: number; chars: number }[]): void {
    let at = this.root;
    for (const p of spelling) {
      let child = at.children.get(p.token);
      if (!child) at.children.set(p.token, (child = node(at.chars + p.chars)));
      at = child;
    }
    at.end = true;
  }

  /** Breadth-first: scores (which need every phrase's end known) and Aho-Corasick failure links. */
  private link(): void {
    const queue: HotwordNode[] = [this.root];
    for (let head = 0; head < queue.length; head++) {
      const n = queue[head];
      for (const [token, child] of n.children) {
        child.score = n.carried + (child.chars - n.chars) * this.bonusPerChar;
        child.carried = child.end ? 0 : child.score;
        let f = n === this.root ? null : n.fail;
        while (f && !f.children.has(token)) f = f.fail;
        child.fail = f?.children.get(token) ?? this.root;
        queue.push(child);
      }
    }
  }
}

function node(chars: number): HotwordNode {
  return { children: new Map(), chars, end: false, score: 0, carried: 0, fail: null };
}

/** The model's pieces that spell text: every symbol but specials (`<...>`) and blanks. */
function spellingPieces(symbols: SymbolTable): Map<string, number> {
  const pieces = new Map<string, number>();
  for (const [id, sym] of symbols.entries()) if (sym !== '' && !/^<.*>$/.test(sym)) pieces.set(sym, id);
  return pieces;
}

/** A spelling as a list sharing its tail with others: building one costs O(1), not O(length). */
interface SpellingCell {
  token: number;
  chars: number;
  length: number;
  rest: SpellingCell | null;
}

/** Every way to cut `text` into pieces, fewest pieces first, at most MAX_SPELLINGS. */
function spell(text: string, pieces: Map<string, number>): { token: number; chars: number }[][] {
  const chars = [...text];
  let longest = 0;
  for (const p of pieces.keys()) longest = Math.max(longest, [...p].length);
  // ways[i]: spellings of chars[i..], built from the end; each list sorted by length.
  const ways: (SpellingCell | null)[][] = Array.from({ length: chars.length + 1 }, () => []);
  ways[chars.length] = [null];
  for (let i = chars.length - 1; i >= 0; i--) {
    const found: SpellingCell[] = [];
    for (let j = i + 1; j <= Math.min(chars.length, i + longest); j++) {
      const id = pieces.get(chars.slice(i, j).join(''));
      if (id === undefined) continue;
      // A leading ▁ counts as no character: bonuses follow the letters.
      const n = j - i - (chars[i] === SPM_SPACE ? 1 : 0);
      for (const rest of ways[j]) found.push({ token: id, chars: n, length: 1 + (rest?.length ?? 0), rest });
    }
    ways[i] = found.sort((a, b) => a.length - b.length).slice(0, MAX_SPELLINGS);
  }
  return ways[0].map((cell) => {
    const out: { token: number; chars: number }[] = [];
    for (let c = cell; c; c = c.rest) out.push({ token: c.token, chars: c.chars });
    return out;
  });
}
