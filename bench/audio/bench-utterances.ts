import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readWav } from '../../test-support/fixtures/read-wav.ts';

/** Short English sentences; spoken by espeak-ng they last about 3–6 s. */
const SENTENCES = [
  'Please schedule the quarterly review for next Tuesday afternoon.',
  'The weather tomorrow will be cloudy with a chance of light rain.',
  'Send the updated budget spreadsheet to the finance team before noon.',
  'Our flight to Chicago was delayed by almost two hours.',
  'Remember to water the plants on the balcony every other day.',
  'The library closes early on Sundays during the summer months.',
  'Can you remind me to call the dentist about my appointment?',
  'The new printer on the third floor is finally working again.',
  'She bought fresh bread, two apples and a jar of honey at the market.',
  'Turn left at the second traffic light and park behind the bakery.',
  'The meeting notes are saved in the shared folder under project alpha.',
  'We need at least three volunteers for the charity run in October.',
  'Add milk, eggs and coffee filters to the shopping list.',
  'The train to the airport leaves every fifteen minutes from platform four.',
  'His presentation about renewable energy was clear and well prepared.',
  'Write a short thank you note to everyone who helped with the move.',
];

const VOICES = ['en-us', 'en-us+f3', 'en-us+m3', 'en-gb'];
const MIN_S = 3;
const MAX_S = 6;

export interface Utterance {
  text: string;
  /** 16 kHz mono PCM16. */
  pcm: Int16Array;
}

function toPcm16(samples: Float32Array): Int16Array {
  return Int16Array.from(samples, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
}

/** Pads with silence or trims so every clip lasts between 3 and 6 s, as in the post-mortem. */
function fitDuration(pcm: Int16Array, rate: number): Int16Array {
  if (pcm.length > MAX_S * rate) return pcm.slice(0, MAX_S * rate);
  if (pcm.length >= MIN_S * rate) return pcm;
  const out = new Int16Array(MIN_S * rate);
  out.set(pcm);
  return out;
}

/**
 * `count` distinct utterances synthesized with espeak-ng (voice and rate vary) and converted by
 * sox to 16 kHz mono PCM16, cached in `cacheDir` by content so reruns cost nothing.
 */
export function benchUtterances(cacheDir: string, count: number): Utterance[] {
  mkdirSync(cacheDir, { recursive: true });
  return Array.from({ length: count }, (_, i) => {
    const text = SENTENCES[i % SENTENCES.length];
    const voice = VOICES[Math.floor(i / SENTENCES.length) % VOICES.length];
    const rate = 140 + 10 * (i % 4);
    const key = createHash('sha256').update(`${voice}|${rate}|${text}`).digest('hex').slice(0, 16);
    const wav = join(cacheDir, `${key}.wav`);
    if (!existsSync(wav)) {
      const raw = join(cacheDir, `${key}.raw-${process.pid}.wav`);
      const tmp = join(cacheDir, `${key}.tmp-${process.pid}.wav`);
      execFileSync('espeak-ng', ['-v', voice, '-s', String(rate), '-w', raw, text], { stdio: 'ignore' });
      execFileSync('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', tmp], { stdio: 'ignore' });
      rmSync(raw, { force: true });
      renameSync(tmp, wav);
    }
    const { samples, sampleRate } = readWav(wav);
    return { text, pcm: fitDuration(toPcm16(samples), sampleRate) };
  });
}
