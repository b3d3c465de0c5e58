import { createOnlineRecognizer } from '../src/engine/online-recognizer.ts';
import type { EngineRecognizerConfigInput } from '../src/engine/online-recognizer-config.ts';
import type { OnlineRecognizer } from '../src/engine/recognizer-api.ts';

/** Loads the engine directly (no pool, no gateway) with one intra-op thread, like a pool worker in tests. */
export function loadRecognizer(modelDir: string, options: Partial<EngineRecognizerConfigInput> = {}): Promise<OnlineRecognizer> {
  return createOnlineRecognizer({ modelDir, providers: ['cpu'], numThreads: 1, ...options });
}

/**
 * The engine's own transcript of one utterance file: decode to the end, a final at every endpoint
 * (getResult + reset) and at input end; non-empty finals joined by spaces. This is what the
 * gateway must reproduce for the same audio.
 */
export async function directTranscript(recognizer: OnlineRecognizer, sampleRate: number, samples: Float32Array): Promise<string> {
  const stream = recognizer.createStream();
  stream.acceptWaveform(sampleRate, samples);
  stream.inputFinished();
  const finals: string[] = [];
  while (recognizer.isReady(stream)) {
    await recognizer.decodeStreams([stream]);
    if (recognizer.isEndpoint(stream)) {
      finals.push(recognizer.getResult(stream).text);
      recognizer.reset(stream);
    }
  }
  finals.push(recognizer.getResult(stream).text);
  return finals.filter((t) => t !== '').join(' ');
}
