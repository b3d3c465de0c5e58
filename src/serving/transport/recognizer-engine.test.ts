import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, SPEECH } from '../../../test-support/fixture-paths.ts';
import { readWav } from '../../../test-support/fixtures/read-wav.ts';
import type { RecognizerEngine } from '../../engine/recognizer-engines.ts';
import { defaultPoolConfig } from '../serving-config.ts';
import type { FinalResult } from './inference-transport.ts';
import { InProcessTransport } from './in-process-transport.ts';

// The pool's engine option: the same worker pool runs either recognizer implementation, and on
// the same model and audio both deliver the same finals (the bench compares them side by side).

const jfk = readWav(SPEECH.jfk);
const pcm16 = new Uint8Array(Int16Array.from(jfk.samples, (v) => Math.round(v * 32768)).buffer);

async function transcribe(engine: RecognizerEngine): Promise<{ finals: FinalResult[]; provider: string }> {
  const pool = { ...defaultPoolConfig(FIXTURE_MODELS.nemoCtc), engine, workers: 1, threadsPerWorker: 1 };
  const transport = new InProcessTransport({ pool, capacity: 4, logger: pino({ level: 'silent' }) });
  const info = await transport.start();
  try {
    const finals: FinalResult[] = [];
    await new Promise<void>((resolve, reject) => {
      void transport
        .open({ sessionId: `s-${engine}`, sampleRate: 16000, format: 'pcm_s16le' }, {
          partial: () => undefined,
          final: (f) => finals.push(f),
          progress: () => undefined,
          end: resolve,
          error: (code, message) => reject(new Error(`${code}: ${message}`)),
        })
        .then((session) => {
          for (let i = 0; i < pcm16.length; i += 6400) session.push(pcm16.subarray(i, i + 6400));
          session.finish();
        }, reject);
    });
    return { finals, provider: info.providers[0] };
  } finally {
    await transport.close();
  }
}

describe('pool engine option', () => {
  it('runs sherpa-onnx behind the same pool with the same finals as the engine', async () => {
    const sherpa = await transcribe('sherpa-onnx');
    const earshot = await transcribe('earshot');
    expect(sherpa.finals.length).toBeGreaterThan(0);
    expect(sherpa.finals.map((f) => [f.utterance, f.text, f.tokens])).toEqual(earshot.finals.map((f) => [f.utterance, f.text, f.tokens]));
    expect(sherpa.provider).toBe('cpu');
  });

  it('rejects an unknown engine with ASR_ERR_INVALID_CONFIG', () => {
    const pool = { ...defaultPoolConfig(FIXTURE_MODELS.nemoCtc), engine: 'kaldi' as RecognizerEngine };
    expect(() => new InProcessTransport({ pool, capacity: 1, logger: pino({ level: 'silent' }) })).toThrow(
      expect.objectContaining({ code: 'ASR_ERR_INVALID_CONFIG', message: expect.stringContaining('pool.engine') }),
    );
  });
});
