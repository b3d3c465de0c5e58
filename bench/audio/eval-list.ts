import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readWav, type Wave } from '../../test-support/fixtures/read-wav.ts';

export interface EvalClip {
  /** The WAV's path as the list gives it. */
  wav: string;
  text: string;
  clip: Wave;
}

/**
 * training/synth.py's evaluation lists: `WAV<TAB>reference` per line, WAV paths relative to the
 * folder above the list's own (or absolute). The clips are read at once.
 */
export function readEvalList(list: string, keep: (text: string) => boolean = () => true): EvalClip[] {
  const root = dirname(dirname(resolve(list)));
  return readFileSync(list, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.split('\t') as [string, string])
    .filter(([, text]) => keep(text))
    .map(([wav, text]) => ({ wav, text, clip: readWav(resolve(root, wav)) }));
}
