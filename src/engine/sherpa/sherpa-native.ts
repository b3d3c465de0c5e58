/** The parts of sherpa-onnx-node's streaming API this adapter uses, and our config in its terms. */
import type { ModelFiles } from '../model/model-family.ts';
import type { EngineRecognizerConfig } from '../online-recognizer-config.ts';

export interface SherpaNativeStream {
  acceptWaveform(w: { samples: Float32Array; sampleRate: number }): void;
  inputFinished(): void;
}

export interface SherpaNativeResult {
  text: string;
  tokens: string[];
  timestamps: number[];
  segment: number;
  start_time: number;
}

export interface SherpaNativeRecognizer {
  createStream(): SherpaNativeStream;
  isReady(s: SherpaNativeStream): boolean;
  decodeStreams(s: SherpaNativeStream[]): void;
  isEndpoint(s: SherpaNativeStream): boolean;
  reset(s: SherpaNativeStream): void;
  getResult(s: SherpaNativeStream): SherpaNativeResult;
}

export interface SherpaNative {
  OnlineRecognizer: new (config: object) => SherpaNativeRecognizer;
}

/** sherpa-onnx's `modelType` of each transducer family (its encoder metadata's model_type). */
const TRANSDUCER_MODEL_TYPES: Readonly<Record<string, string>> = {
  'zipformer2-transducer': 'zipformer2',
  'zipformer-transducer': 'zipformer',
  'lstm-transducer': 'lstm',
};

/**
 * sherpa-onnx's OnlineRecognizerConfig for a detected model folder. Its endpoint rules take only
 * the three thresholds (the mustContainNonSilence flags are fixed to its defaults, which are ours).
 * The npm build runs on CPU only.
 */
export function sherpaConfigFor(files: ModelFiles, config: EngineRecognizerConfig): object {
  const modelType = TRANSDUCER_MODEL_TYPES[files.family];
  const model =
    files.family === 'nemo-ctc'
      ? { nemoCtc: { model: files.onnx.model } }
      : files.family === 'zipformer2-ctc'
      ? { zipformer2Ctc: { model: files.onnx.model } }
      : files.family === 'paraformer'
      ? { paraformer: { encoder: files.onnx.encoder, decoder: files.onnx.decoder } }
      : { transducer: { encoder: files.onnx.encoder, decoder: files.onnx.decoder, joiner: files.onnx.joiner }, modelType };
  const e = config.endpoint;
  return {
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: { ...model, tokens: files.tokens, numThreads: config.numThreads, provider: 'cpu', debug: 0 },
    decodingMethod: config.decodingMethod,
    maxActivePaths: config.maxActivePaths,
    blankPenalty: config.blankPenalty,
    enableEndpoint: e.enabled ? 1 : 0,
    rule1MinTrailingSilence: e.rule1.minTrailingSilence,
    rule2MinTrailingSilence: e.rule2.minTrailingSilence,
    rule3MinUtteranceLength: e.rule3.minUtteranceLength,
  };
}
