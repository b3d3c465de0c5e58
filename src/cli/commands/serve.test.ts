import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directTranscript, loadRecognizer } from '../../../test-support/direct-transcript.ts';
import { FIXTURE_MODELS, REPO_ROOT, SPEECH } from '../../../test-support/fixture-paths.ts';
import type { OnlineRecognizer } from '../../engine/recognizer-api.ts';
import { readWavFile } from '../../serving/wav-reader.ts';

const run = promisify(execFile);
const bin = new URL('../../../bin/earshot.js', import.meta.url).pathname;

async function expected(recognizer: OnlineRecognizer, file: string): Promise<string> {
  const audio = await readWavFile(file);
  return directTranscript(recognizer, audio.sampleRate, audio.samples);
}

// Each child process compiles the CLI through tsx and loads a model: slow on a busy 2-core CI box.
const CHILD_TIMEOUT_MS = 480_000;

describe('earshot serve + earshot transcribe (child processes)', { timeout: CHILD_TIMEOUT_MS }, () => {
  let recognizer: OnlineRecognizer;
  beforeAll(async () => {
    recognizer = await loadRecognizer(FIXTURE_MODELS.nemoCtc);
  });
  afterAll(() => recognizer?.dispose());

  it('serve prints its URL, transcribe --url prints the engine transcript, SIGTERM shuts down cleanly', async () => {
    const serve = spawn(process.execPath, [bin, 'serve', '--model', FIXTURE_MODELS.nemoCtc, '--port', '0', '--workers', '1', '--capacity', '4', '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => serve.once('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: serve.stdout! }).once('line', resolve);
        serve.once('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
      });
      const url = /listening on (ws:\/\/\S+)/.exec(line)?.[1];
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/listen$/);

      const files = [SPEECH.jfk, SPEECH.fsdd('4_theo_2.wav')];
      const [plain, json] = await Promise.all([
        run(process.execPath, [bin, 'transcribe', files[0], '--url', url!]),
        run(process.execPath, [bin, 'transcribe', ...files, '--url', url!, '--json']),
      ]);
      expect(plain.stdout.trim()).toBe(await expected(recognizer, files[0]));
      const finals = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; text: string; utterance: number; start: number; end: number });
      for (const [i, file] of files.entries()) {
        const mine = finals.filter((f) => f.file === file);
        expect(mine.length).toBeGreaterThan(0);
        expect(mine.map((f) => f.text).filter((t) => t !== '').join(' ')).toBe(await expected(recognizer, files[i]));
        expect(mine.map((f) => f.utterance)).toEqual(mine.map((_, k) => k));
      }
    } finally {
      serve.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('transcribe without --url runs an embedded gateway and pool', async () => {
    const file = SPEECH.fsdd('8_yweweler_4.wav');
    const { stdout } = await run(process.execPath, [bin, 'transcribe', file, '--model', FIXTURE_MODELS.nemoCtc]);
    expect(stdout.trim()).toBe(await expected(recognizer, file));
  });

  it("transcribes with the shipped model's token LM by default, greedily when told", async () => {
    const shipped = join(REPO_ROOT, 'models', 'earshot-en-small');
    const file = SPEECH.jfk;
    const audio = await readWavFile(file);
    const [withLm, greedy] = await Promise.all([
      loadRecognizer(shipped, { decodingMethod: 'modified_beam_search', maxActivePaths: 8 }),
      loadRecognizer(shipped),
    ]);
    try {
      const [auto, told] = await Promise.all([
        run(process.execPath, [bin, 'transcribe', file, '--model', shipped]),
        run(process.execPath, [bin, 'transcribe', file, '--model', shipped, '--decoding', 'greedy_search']),
      ]);
      const lmText = await directTranscript(withLm, audio.sampleRate, audio.samples);
      const greedyText = await directTranscript(greedy, audio.sampleRate, audio.samples);
      expect(lmText).not.toBe(greedyText);
      expect(auto.stdout.trim()).toBe(lmText);
      expect(told.stdout.trim()).toBe(greedyText);
    } finally {
      await Promise.all([withLm.dispose(), greedy.dispose()]);
    }
  });

  it('exits non-zero with a clear error for a missing file or a bad model folder', async () => {
    const missing = await run(process.execPath, [bin, 'transcribe', '/nonexistent.wav', '--url', 'ws://127.0.0.1:9/v1/listen']).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('ASR_ERR_INVALID_AUDIO') });
    const noModel = await run(process.execPath, [bin, 'serve', '--model', '/nonexistent-model', '--port', '0']).catch((e: { code: number; stderr: string }) => e);
    expect(noModel).toMatchObject({ code: 2, stderr: expect.stringContaining('ASR_ERR_MODEL_NOT_FOUND') });
  });
});
