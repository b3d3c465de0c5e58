import type { Worker } from 'node:worker_threads';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, SPEECH } from '../../../test-support/fixture-paths.ts';
import { pcm16 } from '../../../test-support/ws-test-client.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { ServingMetrics } from '../metrics.ts';
import { defaultPoolConfig, defaultServingConfig, withSerialMode } from '../serving-config.ts';
import { readWavFile } from '../wav-reader.ts';
import type { FinalResult } from './inference-transport.ts';
import { InProcessTransport } from './in-process-transport.ts';

const logger = pino({ level: 'silent' });

interface Outcome {
  finals: FinalResult[];
  error?: { code: string; message: string };
}

/** Opens a session, pushes `audio`, and (unless told not to) finishes it; resolves on end or error. */
async function run(transport: InProcessTransport, id: string, audio: Uint8Array, finish = true): Promise<{ done: Promise<Outcome>; abort: () => void }> {
  const finals: FinalResult[] = [];
  let settle!: (o: Outcome) => void;
  const done = new Promise<Outcome>((resolve) => (settle = resolve));
  const session = await transport.open(
    { sessionId: id, sampleRate: 16000, format: 'pcm_s16le' },
    {
      partial: () => undefined,
      final: (f) => finals.push(f),
      progress: () => undefined,
      end: () => settle({ finals }),
      error: (code, message) => settle({ finals, error: { code, message } }),
    },
  );
  for (let off = 0; off < audio.length; off += 3200) session.push(audio.subarray(off, off + 3200));
  if (finish) session.finish();
  return { done, abort: () => session.abort() };
}

// Worker threads each load a model: generous timeouts for a busy 2-core CI box.
describe('InProcessTransport (worker threads, real engine)', { timeout: 180_000 }, () => {
  it('serial mode decodes one stream per call (the old design, for benchmarks)', async () => {
    const config = withSerialMode(defaultServingConfig(FIXTURE_MODELS.nemoCtc));
    const metrics = new ServingMetrics(new Registry());
    const transport = new InProcessTransport({ pool: { ...config.pool, threadsPerWorker: 1 }, capacity: 1, logger, metrics });
    await transport.start();
    try {
      const audio = pcm16((await readWavFile(SPEECH.jfk)).samples.slice(0, 16000 * 2));
      const outcomes = await Promise.all(['a', 'b', 'c'].map(async (id) => (await run(transport, id, audio)).done));
      expect(outcomes.every((o) => !o.error && o.finals.length > 0)).toBe(true);
      expect(new Set(outcomes.map((o) => o.finals.map((f) => f.text).join(' '))).size).toBe(1);
      const values = (await metrics.batchSize.get()).values;
      const count = values.find((v) => v.metricName === 'earshot_batch_size_count')!.value;
      const sum = values.find((v) => v.metricName === 'earshot_batch_size_sum')!.value;
      expect(count).toBeGreaterThan(0);
      expect(sum).toBe(count);
    } finally {
      await transport.close();
    }
  });

  it('calibrates capacity, fails the sessions of a dead worker with ASR_ERR_WORKER_FAILED, and restarts it', async () => {
    const pool = { ...defaultPoolConfig(FIXTURE_MODELS.nemoCtc), workers: 2, threadsPerWorker: 1, maxBatch: 8 };
    const transport = new InProcessTransport({ pool, capacity: 'auto', logger });
    const capacities: number[] = [];
    transport.onCapacityChange((c) => capacities.push(c));
    const info = await transport.start();
    try {
      // Two worker threads, each with its own instance of the ort-values addon (the CPU default).
      expect(info.encoderBinding).toBe('native');
      const calibrated = transport.capacity;
      expect(calibrated).toBeGreaterThanOrEqual(2);
      expect(calibrated % 2).toBe(0); // the same share per worker
      await expect(transport.open({ sessionId: 'x', sampleRate: 16000, format: 'pcm_s16le', model: 'other' }, {} as never)).rejects.toMatchObject({
        code: ErrorCode.UnknownModel,
      });

      const audio = pcm16((await readWavFile(SPEECH.jfk)).samples.slice(0, 16000 * 2));
      // Two open sessions land on different workers (least loaded); neither is finished yet.
      const first = await run(transport, 'p', audio, false);
      const second = await run(transport, 'q', audio, false);
      const workers = (transport as unknown as { pool: { workers: { thread: Worker; sessions: Set<string> }[] } }).pool.workers;
      const victim = workers.find((w) => w.sessions.has('p'))!;
      expect(victim.sessions.has('q')).toBe(false);
      await victim.thread.terminate();

      expect((await first.done).error).toMatchObject({ code: ErrorCode.WorkerFailed });
      second.abort();
      await expect.poll(() => transport.capacity, { timeout: 60_000 }).toBe(calibrated);
      expect(Math.min(...capacities)).toBeLessThan(calibrated);

      const after = await Promise.all(['r', 's', 't'].map(async (id) => (await run(transport, id, audio)).done));
      expect(after.every((o) => !o.error && o.finals.length > 0)).toBe(true);
    } finally {
      await transport.close();
    }
  });
});
