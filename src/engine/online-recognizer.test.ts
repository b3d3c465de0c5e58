import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, SPEECH } from '../../test-support/fixture-paths.ts';
import { drain, engineDecode } from '../../test-support/fixtures/engine-decode.ts';
import { copyModel } from '../../test-support/fixtures/model-variants.ts';
import { readWav } from '../../test-support/fixtures/read-wav.ts';
import { createOnlineRecognizer } from './online-recognizer.ts';
import { EngineStream } from './online-stream.ts';
import type { OnlineRecognizer } from './recognizer-api.ts';

const jfk = readWav(SPEECH.jfk);
const code = (c: string) => expect.objectContaining({ code: c });

describe('createOnlineRecognizer', () => {
  it('describes the model it loaded', async () => {
    const rec = await createOnlineRecognizer({ modelDir: FIXTURE_MODELS.nemoCtc });
    try {
      expect(rec.modelInfo).toEqual({ family: 'nemo-ctc', sampleRate: 16000, featureDim: 80, chunkShift: 32, vocabSize: 31 });
      expect(rec.provider).toBe('cpu');
    } finally {
      await rec.dispose();
    }
    const zip = await createOnlineRecognizer({ modelDir: FIXTURE_MODELS.zipformer2, providers: ['dml'], numThreads: 2 });
    try {
      expect(zip.modelInfo).toEqual({ family: 'zipformer2-transducer', sampleRate: 16000, featureDim: 80, chunkShift: 32, vocabSize: 103 });
      expect(zip.provider).toBe('cpu');
    } finally {
      await zip.dispose();
    }
  });

  it('refuses a missing folder and bad config', async () => {
    await expect(createOnlineRecognizer({ modelDir: '/nonexistent/model' })).rejects.toThrow(code('ASR_ERR_MODEL_NOT_FOUND'));
    await expect(createOnlineRecognizer({ modelDir: FIXTURE_MODELS.nemoCtc, numThreads: -1 })).rejects.toThrow(code('ASR_ERR_INVALID_CONFIG'));
  });

  it('refuses a language model where it cannot be used or read', async () => {
    const lm = { model: 'lm.arpa', scale: 0.5, tokenBonus: 1 };
    // A transducer's modified beam search fuses one too (the file is read, so its absence shows).
    await expect(createOnlineRecognizer({ modelDir: FIXTURE_MODELS.zipformer2, decodingMethod: 'modified_beam_search', lm })).rejects.toThrow(
      code('ASR_ERR_MODEL_NOT_FOUND'),
    );
    await expect(createOnlineRecognizer({ modelDir: FIXTURE_MODELS.nemoCtc, lm: { ...lm, scale: -1 } })).rejects.toThrow(code('ASR_ERR_INVALID_CONFIG'));
    await expect(createOnlineRecognizer({ modelDir: FIXTURE_MODELS.nemoCtc, decodingMethod: 'modified_beam_search', lm })).rejects.toThrow(
      code('ASR_ERR_MODEL_NOT_FOUND'),
    );
    const copy = copyModel(FIXTURE_MODELS.nemoCtc);
    try {
      writeFileSync(join(copy.dir, 'lm.json'), '{"model": "lm.arpa", "scale": "high"}');
      await expect(createOnlineRecognizer({ modelDir: copy.dir, decodingMethod: 'modified_beam_search' })).rejects.toThrow(
        expect.objectContaining({ code: 'ASR_ERR_MODEL_INVALID', message: expect.stringMatching(/lm\.json/) }),
      );
      // Greedy search never reads it.
      await (await createOnlineRecognizer({ modelDir: copy.dir })).dispose();
    } finally {
      copy.remove();
    }
  });

  it('refuses a tokens.txt that does not fit the model', async () => {
    const copy = copyModel(FIXTURE_MODELS.nemoCtc);
    try {
      writeFileSync(join(copy.dir, 'tokens.txt'), 'a 0\nb 1\n<blk> 2\n');
      await expect(createOnlineRecognizer({ modelDir: copy.dir })).rejects.toThrow(
        expect.objectContaining({ code: 'ASR_ERR_MODEL_INVALID', message: expect.stringMatching(/3 tokens.*31 classes/) }),
      );
      writeFileSync(join(copy.dir, 'tokens.txt'), Array.from({ length: 31 }, (_, i) => `t${i} ${i}`).join('\n'));
      await expect(createOnlineRecognizer({ modelDir: copy.dir })).rejects.toThrow(
        expect.objectContaining({ code: 'ASR_ERR_MODEL_INVALID', message: expect.stringMatching(/no blank symbol/) }),
      );
    } finally {
      copy.remove();
    }
  });
});

describe('OnlineRecognizer streams', () => {
  let rec: OnlineRecognizer;
  let other: OnlineRecognizer;
  beforeAll(async () => {
    rec = await createOnlineRecognizer({ modelDir: FIXTURE_MODELS.zipformer2 });
    other = await createOnlineRecognizer({ modelDir: FIXTURE_MODELS.nemoCtc });
  });
  afterAll(async () => {
    await rec.dispose();
    await other.dispose();
  });

  it('rejects non-finite samples without changing the stream', async () => {
    const clip = { sampleRate: 16000, samples: jfk.samples.slice(0, 3 * 16000) };
    const [clean] = await engineDecode(rec, [clip], { chunk: Infinity, maxBatch: 1 });
    const s = rec.createStream();
    s.acceptWaveform(16000, clip.samples.slice(0, 16000));
    for (const bad of [NaN, Infinity, -Infinity]) {
      const chunk = clip.samples.slice(16000, 32000);
      chunk[100] = bad;
      expect(() => s.acceptWaveform(16000, chunk)).toThrow(code('ASR_ERR_INVALID_AUDIO'));
    }
    const at8k = Float32Array.of(0, NaN);
    const s8 = rec.createStream();
    expect(() => s8.acceptWaveform(8000, at8k)).toThrow(code('ASR_ERR_INVALID_AUDIO'));
    // The stream goes on as if the bad chunks never came.
    s.acceptWaveform(16000, clip.samples.slice(16000));
    s.acceptWaveform(16000, new Float32Array(Math.round(0.66 * 16000)));
    s.inputFinished();
    await drain(rec, [s], 1);
    expect(rec.getResult(s).tokens).toEqual(clean.tokens);
  });

  it('rejects absurd sample rates and non-Float32Array samples', () => {
    const s = rec.createStream();
    for (const rate of [0, -16000, 16000.5, NaN, 1e9, 100]) {
      expect(() => s.acceptWaveform(rate, new Float32Array(10))).toThrow(code('ASR_ERR_INVALID_SAMPLE_RATE'));
    }
    expect(() => s.acceptWaveform(16000, [0.1, 0.2] as unknown as Float32Array)).toThrow(code('ASR_ERR_INVALID_AUDIO'));
  });

  it('rejects a sample rate change within a stream', () => {
    const s = rec.createStream();
    s.acceptWaveform(8000, new Float32Array(800));
    expect(() => s.acceptWaveform(44100, new Float32Array(800))).toThrow(code('ASR_ERR_INVALID_SAMPLE_RATE'));
    expect(() => s.acceptWaveform(16000, new Float32Array(800))).toThrow(code('ASR_ERR_INVALID_SAMPLE_RATE'));
    s.acceptWaveform(8000, new Float32Array(800));
  });

  it('rejects audio after inputFinished', () => {
    const s = rec.createStream();
    s.acceptWaveform(16000, new Float32Array(1600));
    s.inputFinished();
    s.inputFinished();
    expect(s.finished).toBe(true);
    expect(() => s.acceptWaveform(16000, new Float32Array(1600))).toThrow(code('ASR_ERR_STREAM_FINISHED'));
  });

  it('refuses streams of another recognizer and a stream decoded twice at once', async () => {
    const foreign = other.createStream();
    expect(() => rec.isReady(foreign)).toThrow(code('ASR_ERR_INTERNAL'));
    await expect(rec.decodeStreams([foreign])).rejects.toThrow(code('ASR_ERR_INTERNAL'));
    const s = rec.createStream();
    s.acceptWaveform(16000, jfk.samples.slice(0, 16000));
    expect(rec.isReady(s)).toBe(true);
    const first = rec.decodeStreams([s]);
    await expect(rec.decodeStreams([s])).rejects.toThrow(code('ASR_ERR_INTERNAL'));
    await first;
  });

  it('waits for a full chunk, and skips streams that are not ready', async () => {
    const s = rec.createStream();
    // T = 45 frames must be exceeded: frames = floor((n - 120) / 160) while streaming.
    s.acceptWaveform(16000, jfk.samples.slice(0, 120 + 160 * 45));
    expect(rec.isReady(s)).toBe(false);
    await rec.decodeStreams([s]);
    expect(rec.getResult(s).tokens).toEqual([]);
    s.acceptWaveform(16000, jfk.samples.slice(120 + 160 * 45, 120 + 160 * 46));
    expect(rec.isReady(s)).toBe(true);
  });

  it('starts a new segment on reset, keeping times relative to the stream start', async () => {
    const s = rec.createStream();
    s.acceptWaveform(16000, jfk.samples.slice(0, 5 * 16000));
    await drain(rec, [s], 1);
    const first = rec.getResult(s);
    expect(first.segment).toBe(0);
    expect(first.startTime).toBe(0);
    expect(first.tokens.length).toBeGreaterThan(0);
    rec.reset(s);
    const empty = rec.getResult(s);
    expect(empty).toMatchObject({ segment: 1, tokens: [], text: '' });
    expect(empty.startTime).toBeGreaterThan(4);
    s.acceptWaveform(16000, jfk.samples.slice(5 * 16000));
    await drain(rec, [s], 1);
    const second = rec.getResult(s);
    expect(second.tokens.length).toBeGreaterThan(0);
    expect(second.timestamps[0]).toBeGreaterThanOrEqual(second.startTime);
    // An empty segment does not advance the counter.
    rec.reset(s);
    rec.reset(s);
    expect(rec.getResult(s).segment).toBe(2);
  });

  it('keeps memory bounded on a long stream', async () => {
    const s = rec.createStream() as EngineStream;
    for (let i = 0; i < 6; i++) {
      s.acceptWaveform(16000, jfk.samples);
      await drain(rec, [s], 1);
    }
    // 66 s of audio went in; only about one chunk of features (45 × 80 floats) plus states stay.
    const states = s.states.reduce((n, x) => n + x.byteLength, 0);
    expect(s.retainedBytes - states).toBeLessThan(2 * 45 * 80 * 4 + 16000 * 4);
  });
});

describe('hotwords in beam search', () => {
  /** One stream of `clip` to the end; its text. */
  async function transcribe(rec: OnlineRecognizer, clip: { sampleRate: number; samples: Float32Array }, hotwords?: string[]): Promise<string> {
    const s = rec.createStream({ hotwords });
    s.acceptWaveform(clip.sampleRate, clip.samples);
    s.inputFinished();
    await drain(rec, [s], 1);
    return rec.getResult(s).text;
  }

  it.each([
    ['zipformer2 transducer (modified beam search)', FIXTURE_MODELS.zipformer2],
    ['NeMo CTC (prefix beam search)', FIXTURE_MODELS.nemoCtc],
  ])('%s: a near-miss of a word it hears is spelled as the hotword; greedy search ignores hotwords', async (_name, modelDir) => {
    const clip = { sampleRate: 16000, samples: jfk.samples.slice(0, 4 * 16000) };
    const beam = await createOnlineRecognizer({ modelDir, decodingMethod: 'modified_beam_search', maxActivePaths: 8, endpoint: { enabled: false } });
    const greedy = await createOnlineRecognizer({ modelDir, endpoint: { enabled: false } });
    try {
      const plain = await transcribe(beam, clip);
      // The random-weight model's own words with one letter changed: the first that its bonus changes.
      const heard = [...new Set(plain.split(/\s+/).filter((w) => w.length >= 3))];
      const upper = plain === plain.toUpperCase();
      const misses = heard.flatMap((w) => [...w].flatMap((_, k) => ['a', 'e', 'o'].map((c) => w.slice(0, k) + (upper ? c.toUpperCase() : c) + w.slice(k + 1))));
      // Models with whole-word pieces spell few near-misses: their other words are candidates too.
      const vocabulary = readFileSync(join(modelDir, 'tokens.txt'), 'utf8').match(/^\u2581[A-Za-z']{3,}(?= )/gm)?.map((t) => t.slice(1)) ?? [];
      let hit: { hotword: string; text: string } | undefined;
      for (const hotword of [...misses, ...vocabulary].filter((m) => !heard.includes(m))) {
        const text = await transcribe(beam, clip, [hotword]);
        if (text !== plain) {
          hit = { hotword, text };
          break;
        }
      }
      expect(hit, `no near-miss of ${JSON.stringify(heard)} changed '${plain}'`).toBeDefined();
      expect(hit!.text.split(/\s+/)).toContain(hit!.hotword);
      const greedyPlain = await transcribe(greedy, clip);
      expect(await transcribe(greedy, clip, [hit!.hotword])).toBe(greedyPlain);
    } finally {
      await Promise.all([beam.dispose(), greedy.dispose()]);
    }
  }, 120_000);
});
