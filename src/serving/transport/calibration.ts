import type { OnlineRecognizer, OnlineStream } from '../../engine/recognizer-api.ts';

export interface CalibrationResult {
  /** Audio decoded, summed over all streams. */
  audioSeconds: number;
  wallMs: number;
  /** The untimed warm-up before it (the batch shape's first calls). */
  warmupMs: number;
}

/** Seconds of audio per stream in the untimed warm-up: a few calls at the calibrated batch shape. */
const WARMUP_SECONDS = 0.5;

/** Deterministic low-level noise with a little tone, so the encoder runs on speech-like levels. */
export function syntheticAudio(seconds: number, sampleRate: number, seed: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = 0.05 * ((x >>> 0) / 0xffffffff - 0.5) + 0.1 * Math.sin((2 * Math.PI * 220 * i) / sampleRate);
  }
  return out;
}

/**
 * Times `streams` streams of `seconds` synthetic audio decoded to the end in batches of
 * `maxBatch`, the way the scheduler runs them. Aggregate speed = audioSeconds / wall seconds,
 * which is how many real-time streams this recognizer can keep up with.
 */
export async function calibrateRecognizer(recognizer: OnlineRecognizer, streams: number, seconds: number, maxBatch: number): Promise<CalibrationResult> {
  // Untimed first: a provider's first calls at a batch shape compile kernels (WebGPU's shaders
  // took seconds on a GPU that then decodes 64 streams' chunk in ~0.1 s) and grow arenas. Timed
  // with the rest, they made the capacity, and so admission, a fraction of the real one.
  const w0 = performance.now();
  await decodeToEnd(recognizer, syntheticStreams(recognizer, streams, WARMUP_SECONDS), maxBatch);
  const t0 = performance.now();
  await decodeToEnd(recognizer, syntheticStreams(recognizer, streams, seconds), maxBatch);
  return { audioSeconds: streams * seconds, wallMs: performance.now() - t0, warmupMs: t0 - w0 };
}

function syntheticStreams(recognizer: OnlineRecognizer, streams: number, seconds: number): OnlineStream[] {
  const rate = recognizer.modelInfo.sampleRate;
  return Array.from({ length: streams }, (_, i) => {
    const s = recognizer.createStream();
    s.acceptWaveform(rate, syntheticAudio(seconds, rate, i + 1));
    s.inputFinished();
    return s;
  });
}

async function decodeToEnd(recognizer: OnlineRecognizer, all: OnlineStream[], maxBatch: number): Promise<void> {
  for (;;) {
    const ready = all.filter((s) => recognizer.isReady(s)).slice(0, maxBatch);
    if (ready.length === 0) return;
    await recognizer.decodeStreams(ready);
  }
}
