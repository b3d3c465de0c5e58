import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SPEECH } from '../../test-support/fixture-paths.ts';
import { readWav, type Wave } from '../../test-support/fixtures/read-wav.ts';

export interface EvalClip {
  /** The WAV's absolute path. */
  wav: string;
  text: string;
  clip: Wave;
}

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
/** What jfk.wav says, in the models' lowercase words (training/evaluate.py's JFK_REF). */
const JFK_TEXT = 'and so my fellow americans ask not what your country can do for you ask what you can do for your country';

/**
 * Lists built from ../shared/data, by name: `fsdd-test` (all 1,000 clips of the FSDD test
 * speakers theo and yweweler, the digit as text) and `jfk`.
 */
const BUILTIN_LISTS: Record<string, () => [string, string][]> = {
  'fsdd-test': () => {
    const dir = SPEECH.fsdd('');
    return readdirSync(dir)
      .filter((f) => /^\d_(theo|yweweler)_\d+\.wav$/.test(f))
      .sort()
      .map((f) => [resolve(dir, f), DIGITS[Number(f[0])]]);
  },
  jfk: () => [[SPEECH.jfk, JFK_TEXT]],
};

/**
 * An evaluation list: a built-in name (see BUILTIN_LISTS), or training/synth.py's TSV —
 * `WAV<TAB>reference` per line, WAV paths relative to the folder above the list's own (or
 * absolute). The clips are read at once.
 */
export function readEvalList(list: string, keep: (text: string) => boolean = () => true): EvalClip[] {
  const builtin = BUILTIN_LISTS[list];
  let rows: [string, string][];
  if (builtin) rows = builtin();
  else {
    const root = dirname(dirname(resolve(list)));
    rows = readFileSync(list, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => l.split('\t') as [string, string])
      .map(([wav, text]) => [resolve(root, wav), text]);
  }
  return rows.filter(([, text]) => keep(text)).map(([wav, text]) => ({ wav, text, clip: readWav(wav) }));
}
