/**
 * Hotword benchmark (not a test): what contextual biasing does on a WAV list, in one run.
 *
 *   npm run bench:hotwords -- --list DATA/eval/espeak_heldout.tsv [--model DIR] [--scores 0,1,2] [--beam 8]
 *
 * Each clip gets one hotword, as a user's custom vocabulary would hold a rare word: the longest
 * word of its own reference (at least 6 letters; clips without one are skipped). The same clips
 * are also decoded with a distractor, the chosen word of ANOTHER clip, to count what biasing
 * breaks where the word is not said. Reported per bonus: corpus WER, and how many of the hotwords
 * come out right (recall), with the search of the model folder (lm.json where it has one).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createOnlineRecognizer } from '../src/engine/online-recognizer.ts';
import type { OnlineRecognizer } from '../src/engine/recognizer-api.ts';
import { REPO_ROOT } from '../test-support/fixture-paths.ts';
import { readEvalList } from './audio/eval-list.ts';
import { drain } from '../test-support/fixtures/engine-decode.ts';
import { tailPadding } from '../test-support/fixtures/sherpa-reference.ts';
import { corpusErrorRate, normalizeWords, wordErrors } from '../test-support/word-error-rate.ts';

const { values: args } = parseArgs({
  options: {
    list: { type: 'string' },
    model: { type: 'string', default: join(REPO_ROOT, 'models', 'earshot-en-small') },
    scores: { type: 'string', default: '0,1,2,3' },
    beam: { type: 'string', default: '8' },
  },
});
if (!args.list) {
  process.stderr.write('usage: npm run bench:hotwords -- --list DATA/eval/LIST.tsv [--model DIR] [--scores 0,1,2]\n');
  process.exit(2);
}
const rarest = (text: string): string | undefined => normalizeWords(text).filter((w) => /^[a-z]{6,}$/.test(w)).sort((a, b) => b.length - a.length)[0];
const rows = readEvalList(args.list, (text) => rarest(text) !== undefined).map((r) => ({ ...r, word: rarest(r.text) as string }));
const clips = rows.map((r) => r.clip);
const refs = rows.map((r) => r.text);

/** Decodes every clip with its own hotword list, eight streams per batch. */
async function decode(rec: OnlineRecognizer, hotwords: (i: number) => string[]): Promise<string[]> {
  const out: string[] = [];
  for (let start = 0; start < clips.length; start += 8) {
    const batch = clips.slice(start, start + 8);
    const streams = batch.map((_, k) => rec.createStream({ hotwords: hotwords(start + k) }));
    batch.forEach((c, k) => {
      streams[k].acceptWaveform(c.sampleRate, c.samples);
      streams[k].acceptWaveform(c.sampleRate, tailPadding(c.sampleRate));
      streams[k].inputFinished();
    });
    await drain(rec, streams, 8);
    out.push(...streams.map((s) => rec.getResult(s).text));
  }
  return out;
}

const recall = (hyps: string[]) => rows.filter((r, i) => normalizeWords(hyps[i]).includes(r.word as string)).length / rows.length;
process.stdout.write(`${rows.length} clips with a hotword, model ${args.model}, beam ${args.beam}, ${new Date().toISOString()}\n\n`);
process.stdout.write('| hotwordsScore | WER, own word | recall | WER, another clip\'s word |\n|---|---|---|---|\n');
for (const score of (args.scores as string).split(',').map(Number)) {
  const rec = await createOnlineRecognizer({ modelDir: args.model, numThreads: 1, decodingMethod: 'modified_beam_search', maxActivePaths: Number(args.beam), hotwordsScore: score });
  const own = await decode(rec, (i) => [rows[i].word as string]);
  const other = await decode(rec, (i) => [rows[(i + 1) % rows.length].word as string]);
  await rec.dispose();
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  process.stdout.write(`| ${score} | ${pct(corpusErrorRate(refs, own, wordErrors))} | ${pct(recall(own))} | ${pct(corpusErrorRate(refs, other, wordErrors))} |\n`);
}
