import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainingPython as python } from '../test-support/training-python.ts';

// training/textgen.py's WordNet sources (synth.py --texts wordnet / wordnet-definitions), read from a miniature
// usr/share/wordnet laid out as Debian's wordnet-base: a licence header, then entries whose
// gloss follows '|' and quotes its example sentences.
describe('textgen WordNet sources', () => {
  const root = mkdtempSync(join(tmpdir(), 'earshot-wordnet-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'usr', 'share', 'wordnet');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'data.noun'),
    [
      '  1 This software and database is being provided "as is without any warranty at all"',
      '00001740 03 n 01 entity 0 003 | that which is perceived; "the entity was 3 feet tall"; "it exists"',
      '00002137 03 n 01 comedy 0 000 | light drama; "the comedy ran for a year" ; "a comedy of errors"',
      '00002200 03 n 01 acrididae 0 000 | a genus of acrididae; born in the 3rd century; a kind of light drama (as in Greece)  ',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'data.verb'), '00003 29 v 01 breathe 0 000 | draw air; "she breathed deeply and slowly"\n');
  writeFileSync(join(dir, 'data.adj'), '00004 00 a 01 able 0 000 | having ability; "able to swim well" "$%^ code"\n');
  writeFileSync(join(dir, 'data.adv'), '');
  const dict = join(root, 'usr', 'share', 'dict');
  mkdirSync(dict, { recursive: true });
  const words = 'a ability able air as born century drama draw genus having in is kind light of perceived that the which';
  writeFileSync(join(dict, 'american-english'), words.split(' ').join('\n') + '\n');

  it('keeps each quoted example of 3-22 words, normalized as the other texts, sorted and unique', () => {
    const r = python(`
import textgen
textgen.set_text_root(${JSON.stringify(root)})
print(json.dumps(textgen.wordnet_sentences()))
`) as string[];
    expect(r).toEqual(['a comedy of errors', 'able to swim well', 'she breathed deeply and slowly', 'the comedy ran for a year', 'the entity was three feet tall']);
  });

  it('keeps definitions of 4-22 dictionary words, one per clause, without examples, asides or ordinals', () => {
    const r = python(`
import textgen
textgen.set_text_root(${JSON.stringify(root)})
print(json.dumps(textgen.wordnet_definitions()))
`) as string[];
    // "light drama", "draw air", "having ability": too short; "acrididae" is not in the
    // dictionary; "3rd" would be said "three rd".
    expect(r).toEqual(['a kind of light drama', 'that which is perceived']);
  });
});
