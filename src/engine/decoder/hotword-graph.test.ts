import { describe, expect, it } from 'vitest';
import { HotwordGraph, type HotwordNode } from './hotword-graph.ts';
import { SymbolTable } from './symbol-table.ts';

// A toy piece inventory: letters, word-initial letters, and two longer pieces.
const PIECES = ['<unk>', '▁', '▁c', '▁a', '▁t', 'c', 'a', 't', 's', 'at', '▁cat', '<blk>'];
const symbols = SymbolTable.parse(PIECES.map((p, i) => `${p} ${i}`).join('\n'));
const id = (p: string): number => PIECES.indexOf(p);

/** Walks `pieces` from the root; the summed deltas and the node reached. */
function walk(g: HotwordGraph, pieces: string[]): { total: number; at: HotwordNode } {
  let at = g.root;
  let total = 0;
  for (const p of pieces) {
    const step = g.step(at, id(p));
    total += step.delta;
    at = step.next;
  }
  return { total, at };
}

describe('HotwordGraph', () => {
  it('gives the same bonus per character whichever pieces spell the phrase', () => {
    const g = new HotwordGraph(['cat'], symbols, 2);
    expect(g.phrases).toEqual(['cat']);
    for (const spelling of [['▁cat'], ['▁c', 'at'], ['▁c', 'a', 't'], ['▁', 'c', 'a', 't']]) {
      const { total, at } = walk(g, spelling);
      expect(total, spelling.join(' ')).toBe(6);
      expect(at).toBe(g.root); // complete: back to the root, bonus kept
    }
  });

  it('takes back the bonus of a match that stops midway, and keeps it once complete', () => {
    const g = new HotwordGraph(['cat'], symbols, 2);
    const partial = walk(g, ['▁c', 'a']);
    expect(partial.total).toBe(4);
    expect(partial.at.carried).toBe(4); // what a finished segment would subtract
    expect(walk(g, ['▁c', 'a', 's']).total).toBe(0);
    expect(walk(g, ['▁cat', 's', '▁a']).total).toBe(6); // a word that starts with the hotword keeps it
    expect(walk(g, ['▁a', 't']).total).toBe(0); // no match: nothing either way
  });

  it('restarts a match inside a failed one (failure links)', () => {
    // "▁c a ▁c a t": the first try is abandoned at the second ▁c, which starts the match again.
    const g = new HotwordGraph(['cat'], symbols, 1);
    expect(walk(g, ['▁c', 'a', '▁c', 'a', 't']).total).toBe(3);
    const two = new HotwordGraph(['at', 'cat sat'], symbols, 1);
    // "▁a t" completes "at"; "▁cat" is only the start of "cat sat".
    expect(walk(two, ['▁a', 't']).total).toBe(2);
    expect(walk(two, ['▁cat']).at.carried).toBe(3);
  });

  it('keeps the bonus of a phrase that is the start of a longer one', () => {
    const g = new HotwordGraph(['ca', 'cat'], symbols, 1);
    expect(walk(g, ['▁c', 'a', 's']).total).toBe(2); // "ca" complete, the "t" of "cat" never came
    expect(walk(g, ['▁c', 'a', 't']).total).toBe(3);
  });

  it('ignores phrases the pieces cannot spell, and blank or special symbols', () => {
    const g = new HotwordGraph(['dog', '  ', 'CAT'], symbols, 1);
    expect(g.phrases).toEqual(['CAT']);
    expect(walk(g, ['▁cat']).total).toBe(3);
    expect(g.step(g.root, id('<unk>')).next).toBe(g.root);
  });
});
