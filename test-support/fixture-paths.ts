import { join, resolve } from 'node:path';

/** Repository root (this file lives in test-support/). */
export const REPO_ROOT = resolve(import.meta.dirname, '..');

/** Generated model fixtures (gitignored), made by test-support/global-setup.ts. */
export const FIXTURES_DIR = join(REPO_ROOT, '.fixtures');

export const FIXTURE_MODELS = {
  /** Random-weight zipformer2 transducer with icefall's exact interface. */
  zipformer2: join(FIXTURES_DIR, 'zipformer2-transducer'),
  /** Random-weight Zipformer v1 transducer (sherpa-onnx model_type=zipformer) with icefall's exact interface. */
  zipformer: join(FIXTURES_DIR, 'zipformer-transducer'),
  /** Random-weight zipformer2 CTC model (one ctc-fixture.onnx) with icefall's exact interface. */
  zipformer2Ctc: join(FIXTURES_DIR, 'zipformer2-ctc'),
  /** Random-weight NeMo cache-aware streaming CTC model: the shipped model's architecture (training/make_fixture.py). */
  nemoCtc: join(FIXTURES_DIR, 'nemo-ctc'),
  /** Random-weight GRU transducer in sherpa-onnx's lstm layout: the shipped transducer's architecture (make_fixture.py --transducer). */
  gruTransducer: join(FIXTURES_DIR, 'gru-transducer'),
  /** Random-weight streaming Paraformer (encoder.onnx + decoder.onnx) with sherpa-onnx's online Paraformer interface. */
  paraformer: join(FIXTURES_DIR, 'paraformer'),
  /** The shipped architecture at full size, random weights: benchmarks only (made on demand). */
  benchCtc: join(FIXTURES_DIR, 'bench-earshot-ctc'),
} as const;

/** Real speech beside the project (../shared/data). */
const DATA = join(REPO_ROOT, '..', 'shared', 'data');
export const SPEECH = {
  /** 11 s, 16 kHz. */
  jfk: join(DATA, 'real-speech', 'jfk.wav'),
  /** Spoken digits, 8 kHz (exercises the resampler). */
  fsdd: (name: string) => join(DATA, 'fsdd', 'recordings', name),
} as const;
