import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directTranscript, loadRecognizer } from '../../../test-support/direct-transcript.ts';
import { FIXTURE_MODELS, SPEECH } from '../../../test-support/fixture-paths.ts';
import { pcm16 } from '../../../test-support/ws-test-client.ts';
import type { OnlineRecognizer } from '../../engine/recognizer-api.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { readWavFile, type WavAudio } from '../wav-reader.ts';
import { BatchScheduler, type BatchStats, type SchedulerEvent } from './batch-scheduler.ts';

// The scheduler runs here on the main thread with the real engine; in production the same class
// runs inside each worker thread.
describe('BatchScheduler (real engine, NeMo CTC fixture)', () => {
  let recognizer: OnlineRecognizer;
  let jfk: WavAudio;

  beforeAll(async () => {
    [recognizer, jfk] = await Promise.all([loadRecognizer(FIXTURE_MODELS.nemoCtc), readWavFile(SPEECH.jfk)]);
  });
  afterAll(() => recognizer?.dispose());

  function harness(maxBatch: number) {
    const events: SchedulerEvent[] = [];
    const stats: BatchStats[] = [];
    const ended = new Map<string, () => void>();
    const scheduler = new BatchScheduler(recognizer, { maxBatch, loopIntervalMs: 5 }, (e, s) => {
      events.push(...e);
      if (s) stats.push(s);
      for (const ev of e) if (ev.type === 'end' || ev.type === 'error') ended.get(ev.id)?.();
    });
    const done = (id: string) => new Promise<void>((resolve) => ended.set(id, resolve));
    const of = (id: string) => events.filter((e) => e.id === id);
    return { scheduler, events, stats, done, of };
  }

  it('decodes several sessions in shared batches of at most maxBatch, with the engine\'s exact finals', async () => {
    const clips = [1, 1.5, 2, 2.5, 3].map((s) => jfk.samples.slice(0, 16000 * s));
    const expected: string[] = [];
    for (const c of clips) expected.push(await directTranscript(recognizer, 16000, c));

    const h = harness(3);
    h.scheduler.start();
    const ids = clips.map((_, i) => `s${i}`);
    const finished = ids.map((id) => h.done(id));
    clips.forEach((c, i) => {
      h.scheduler.open(ids[i], 16000, 'pcm_s16le');
      const bytes = pcm16(c);
      for (let off = 0; off < bytes.length; off += 1001) h.scheduler.push(ids[i], bytes.subarray(off, off + 1001));
      h.scheduler.finish(ids[i]);
    });
    await Promise.all(finished);
    await h.scheduler.stop();

    expect(Math.max(...h.stats.map((s) => s.size))).toBeLessThanOrEqual(3);
    expect(h.stats.some((s) => s.size > 1)).toBe(true);
    ids.forEach((id, i) => {
      const mine = h.of(id);
      expect(mine.at(-1)?.type).toBe('end');
      const finals = mine.filter((e) => e.type === 'final');
      expect(finals.map((f) => f.text).filter((t) => t !== '').join(' ')).toBe(expected[i]);
      const progress = mine.filter((e) => e.type === 'progress').map((e) => e.seconds);
      expect(progress.at(-1)).toBeCloseTo(clips[i].length / 16000, 3);
      expect(progress.every((p, k) => k === 0 || p >= progress[k - 1])).toBe(true);
    });
    expect(h.scheduler.sessionCount).toBe(0);
  });

  it('gives a session with no audio one (empty) final and end; an aborted session gets nothing more', async () => {
    const h = harness(4);
    h.scheduler.start();
    const silentDone = h.done('silent');
    h.scheduler.open('silent', 16000, 'pcm_s16le');
    h.scheduler.open('gone', 16000, 'pcm_s16le');
    h.scheduler.push('gone', pcm16(jfk.samples.slice(0, 32000)));
    h.scheduler.abort('gone');
    h.scheduler.finish('silent');
    await silentDone;
    await h.scheduler.stop();
    expect(h.of('silent').map((e) => e.type)).toEqual(['final', 'end']);
    expect(h.of('silent')[0]).toMatchObject({ text: '', utterance: 0 });
    expect(h.of('gone')).toEqual([]);
  });

  it('fails only the session that sends non-finite float samples', async () => {
    const h = harness(4);
    h.scheduler.start();
    const [badDone, goodDone] = [h.done('bad'), h.done('good')];
    h.scheduler.open('bad', 16000, 'f32le');
    h.scheduler.open('good', 16000, 'f32le');
    h.scheduler.push('bad', new Uint8Array(new Float32Array([0.1, Number.NaN]).buffer));
    const good = jfk.samples.slice(0, 16000);
    h.scheduler.push('good', new Uint8Array(good.buffer));
    h.scheduler.finish('good');
    await Promise.all([badDone, goodDone]);
    await h.scheduler.stop();
    expect(h.of('bad')).toEqual([expect.objectContaining({ type: 'error', code: ErrorCode.InvalidAudio })]);
    expect(h.of('good').at(-1)?.type).toBe('end');
    expect(h.of('good').filter((e) => e.type === 'final').map((f) => f.text).filter((t) => t !== '').join(' ')).toBe(
      await directTranscript(recognizer, 16000, good),
    );
  });
});
