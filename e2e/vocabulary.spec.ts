import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { streamFile } from '../src/serving/file-stream-client.ts';
import { readWavFile } from '../src/serving/wav-reader.ts';
import { normalizeWords } from '../test-support/word-error-rate.ts';
import { startEarshotServe, type EarshotServer } from './earshot-server.ts';
import { fakeMicrophoneLaunch } from './fake-microphone.ts';
import { synthesizeSpeech, wavDurationMs } from './speech-fixture.ts';

// Settings → Custom vocabulary, end to end: a word typed into the web UI's settings reaches the
// gateway as protocol v1 `hotwords` when dictation starts, and the shipped model (beam search with
// its LM, `serve`'s default) spells it. The sentence is held out from training; without the
// word, the model writes "persperation" (checked below from Node). The word was chosen for a wide
// margin: Chromium resamples the fake microphone, so its audio differs a little on every run (this
// one was spelled with the hotword and missed without it in 5 of 5 copies shifted by 0-333
// samples, with the 5-gram LM shipped in session 15, which spells the earlier "personnel" unaided).

const SENTENCE = 'inspiration without perspiration is usually sterile';
const WORD = 'perspiration';
const modelDir = 'models/earshot-en-small';
const speech = synthesizeSpeech('perspiration', SENTENCE);

test.use({ launchOptions: fakeMicrophoneLaunch(speech) });
test.describe.configure({ timeout: 240_000 });

let server: EarshotServer;

test.beforeAll(async () => {
  test.skip(!existsSync(new URL(`../${modelDir}/lm.json`, import.meta.url)), `${modelDir} ships no language model`);
  server = await startEarshotServe(['--model', modelDir, '--capacity', '2']);
});

test.afterAll(async () => {
  await server?.stop();
});

test('a custom vocabulary word typed in Settings is spelled in the next dictation', async ({ page }) => {
  // The same audio without the vocabulary, straight to the same server: the word is missed.
  const plain = await streamFile(await readWavFile(speech), { url: server.wsUrl });
  expect(normalizeWords(plain.text), plain.text).not.toContain(WORD);

  await page.goto(server.httpUrl);
  await page.getByRole('tab', { name: 'Settings' }).click();
  const vocabulary = page.getByLabel('Words and names to favour, one per line');
  await vocabulary.fill(`${WORD}\n`);
  await vocabulary.blur();
  await page.getByRole('tab', { name: 'Dictate' }).click();

  const record = page.getByTestId('record-button');
  await record.click();
  await expect(page.getByTestId('connection-status')).toContainText('Listening', { timeout: 30_000 });
  await expect
    .poll(async () => Number(await page.getByTestId('audio-duration').getAttribute('data-audio-ms')), { timeout: 60_000 })
    .toBeGreaterThanOrEqual(wavDurationMs(speech) + 300);
  await record.click();
  await expect(record).toHaveText(/Start dictation/, { timeout: 60_000 });

  const text = (await page.getByTestId('final-text').textContent()) ?? '';
  test.info().annotations.push({ type: 'transcript', description: `with "${WORD}": "${text}"; without: "${plain.text}"` });
  expect(normalizeWords(text), text).toContain(WORD);
  // The setting persists (web mode keeps it in localStorage).
  await page.reload();
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByLabel('Words and names to favour, one per line')).toHaveValue(WORD);
});
