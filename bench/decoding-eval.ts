/**
 * Decoding benchmark (not a test): accuracy and CPU cost of the engine's decoding methods on one
 * model, side by side in one run — greedy search, beam search (CTC prefix beam search, or a
 * transducer's modified beam search), and beam search with the model folder's token n-gram LM
 * (lm.json, when the folder has one).
 *
 *   npm run bench:decoding -- --list DATA/eval/espeak_heldout.tsv [--model DIR] [--beam 8] [--limit N] [--repeats 3]
 *                             [--lm FILE --scale S --bonus B]   (an LM other than lm.json's, for tuning)
 *                             [--blank-penalty P]   (a transducer's blank penalty, every method)
 *
 * The list is training/synth.py's evaluation TSV (`WAV<TAB>reference` per line, WAV paths
 * relative to the folder above the list's own, or absolute), or `fsdd-test` / `jfk` (built from
 * ../shared/data: bench/audio/eval-list.ts). Every clip is streamed in 1,600-sample chunks (100 ms at 16 kHz), eight
 * streams per batched decode (as the gateway drives the engine). CPU time is the process's
 * (process.cpuUsage; the least of --repeats interleaved passes), so the difference between methods
 * is what the search costs. "exact" is the
 * share of clips transcribed without a word error (digit accuracy on a list of single digits).
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createOnlineRecognizer } from '../src/engine/online-recognizer.ts';
import { LM_CONFIG_FILE } from '../src/engine/lm/language-model-config.ts';
import type { EngineRecognizerConfigInput } from '../src/engine/online-recognizer-config.ts';
import { REPO_ROOT } from '../test-support/fixture-paths.ts';
import { readEvalList } from './audio/eval-list.ts';
import { engineDecode } from '../test-support/fixtures/engine-decode.ts';
import { characterErrors, corpusErrorRate, wordErrors } from '../test-support/word-error-rate.ts';

const { values: args } = parseArgs({
  options: {
    list: { type: 'string' },
    model: { type: 'string', default: join(REPO_ROOT, 'models', 'earshot-en-small') },
    beam: { type: 'string', default: '8' },
    limit: { type: 'string' },
    repeats: { type: 'string', default: '3' },
    lm: { type: 'string' },
    scale: { type: 'string', default: '0.5' },
    bonus: { type: 'string', default: '1' },
    'blank-penalty': { type: 'string', default: '0' },
  },
});
if (!args.list) {
  process.stderr.write('usage: npm run bench:decoding -- --list DATA/eval/LIST.tsv [--model DIR] [--beam 8] [--limit N]\n');
  process.exit(2);
}

const rows = readEvalList(args.list).slice(0, args.limit ? Number(args.limit) : undefined);
const clips = rows.map((r) => r.clip);
const refs = rows.map((r) => r.text);
const audioSeconds = clips.reduce((s, c) => s + c.samples.length / c.sampleRate, 0);
const beam = Number(args.beam);
const repeats = Number(args.repeats);

// A folder without lm.json gets no LM row unless --lm names one.
const hasLm = args.lm !== undefined || existsSync(join(args.model, LM_CONFIG_FILE));
const methods: [string, Partial<EngineRecognizerConfigInput>][] = [
  ['greedy_search', { decodingMethod: 'greedy_search' }],
  [`beam ${beam}, no LM`, { decodingMethod: 'modified_beam_search', maxActivePaths: beam, lm: 'none' }],
];
if (hasLm) {
  methods.push(
    args.lm
      ? [
          `beam ${beam} + ${args.lm} (scale ${args.scale}, bonus ${args.bonus})`,
          { decodingMethod: 'modified_beam_search', maxActivePaths: beam, lm: { model: resolve(args.lm), scale: Number(args.scale), tokenBonus: Number(args.bonus) } },
        ]
      : [`beam ${beam} + lm.json`, { decodingMethod: 'modified_beam_search', maxActivePaths: beam, lm: 'auto' }],
  );
}

process.stdout.write(
  `${rows.length} clips, ${audioSeconds.toFixed(0)} s of audio, model ${args.model}\n` +
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${new Date().toISOString()}\n\n` +
    '| decoding | WER | CER | exact | CPU s per audio s |\n|---|---|---|---|---|\n',
);
// Every method decodes the whole list `repeats` times, the methods taking turns, and keeps its
// least CPU time: a busy VM only ever adds time, and turns spread its bursts over all methods.
const recognizers = await Promise.all(methods.map(([, config]) => createOnlineRecognizer({ modelDir: args.model, numThreads: 1, blankPenalty: Number(args['blank-penalty']), ...config })));
const cpuSeconds = methods.map(() => Infinity);
const transcripts: string[][] = [];
for (const rec of recognizers) await engineDecode(rec, clips.slice(0, 8), { chunk: 1600, maxBatch: 8 }); // warm-up
for (let r = 0; r < repeats; r++) {
  for (const [i, rec] of recognizers.entries()) {
    const before = process.cpuUsage();
    const results = await engineDecode(rec, clips, { chunk: 1600, maxBatch: 8 });
    const cpu = process.cpuUsage(before);
    cpuSeconds[i] = Math.min(cpuSeconds[i], (cpu.user + cpu.system) / 1e6);
    transcripts[i] = results.map((x) => x.text);
  }
}
await Promise.all(recognizers.map((rec) => rec.dispose()));
for (const [i, [name]] of methods.entries()) {
  const hyps = transcripts[i];
  const wer = corpusErrorRate(refs, hyps, wordErrors);
  const cer = corpusErrorRate(refs, hyps, characterErrors);
  const exact = refs.filter((ref, k) => wordErrors(ref, hyps[k]).errors === 0).length / refs.length;
  const rtf = cpuSeconds[i] / audioSeconds;
  process.stdout.write(`| ${name} | ${(wer * 100).toFixed(1)}% | ${(cer * 100).toFixed(1)}% | ${(exact * 100).toFixed(1)}% | ${rtf.toFixed(4)} |\n`);
}
