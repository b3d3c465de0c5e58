/**
 * An OnlineRecognizer backed by sherpa-onnx-node: the peer engine, run behind Earshot's own
 * gateway and worker pool so benchmarks compare engines and nothing else. sherpa-onnx-node is a
 * devDependency: it is required only when this module is selected (the pool imports recognizer
 * modules by URL), never by production code paths.
 */
import { createRequire } from 'node:module';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { SymbolTable } from '../decoder/symbol-table.ts';
import { detectModel } from '../model/model-detector.ts';
import type { ModelFiles } from '../model/model-family.ts';
import { type EngineRecognizerConfigInput, resolveRecognizerConfig } from '../online-recognizer-config.ts';
import type { ModelInfo, OnlineRecognizer, OnlineStream, RecognitionResult } from '../recognizer-api.ts';
import { sherpaConfigFor, type SherpaNative, type SherpaNativeRecognizer, type SherpaNativeStream } from './sherpa-native.ts';

const require = createRequire(import.meta.url);

function loadSherpa(): SherpaNative {
  try {
    return require('sherpa-onnx-node') as SherpaNative;
  } catch (err) {
    throw new AsrError(
      ErrorCode.ProviderUnavailable,
      'the sherpa-onnx engine needs the sherpa-onnx-node package (a devDependency: npm install --include=dev)',
      { cause: err },
    );
  }
}

/** Our stream interface over a native sherpa-onnx stream. */
class SherpaStream implements OnlineStream {
  private done = false;
  /** Where sherpa-onnx leaves them unset (its Paraformer): decode steps in this segment, and the segment's place. */
  steps = 0;
  segment = 0;
  startFrame = 0;

  constructor(
    readonly owner: SherpaRecognizer,
    readonly native: SherpaNativeStream,
  ) {}

  acceptWaveform(sampleRate: number, samples: Float32Array): void {
    if (this.done) throw new AsrError(ErrorCode.StreamFinished, 'acceptWaveform() after inputFinished()');
    if (!(samples instanceof Float32Array)) throw new AsrError(ErrorCode.InvalidAudio, 'samples must be a Float32Array');
    if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192_000) {
      throw new AsrError(ErrorCode.InvalidSampleRate, `unsupported sample rate ${sampleRate}`);
    }
    this.native.acceptWaveform({ samples, sampleRate });
  }

  inputFinished(): void {
    this.done = true;
    this.native.inputFinished();
  }

  get finished(): boolean {
    return this.done;
  }
}

class SherpaRecognizer implements OnlineRecognizer {
  readonly provider = 'cpu';
  /**
   * sherpa-onnx's Paraformer results always say segment 0, start_time 0: this adapter counts
   * them itself, by sherpa-onnx's own rules (a reset after tokens starts the next segment; each
   * decode step consumes chunkShift frames), so that results mean what the engine's mean.
   */
  private readonly countsSegments: boolean;

  constructor(
    private readonly native: SherpaNativeRecognizer,
    readonly modelInfo: ModelInfo,
  ) {
    this.countsSegments = modelInfo.family === 'paraformer';
  }

  createStream(): OnlineStream {
    return new SherpaStream(this, this.native.createStream());
  }

  isReady(stream: OnlineStream): boolean {
    return this.native.isReady(this.own(stream).native);
  }

  /** sherpa-onnx batches the ready streams into one encoder call (synchronously, in this thread). */
  async decodeStreams(streams: OnlineStream[]): Promise<void> {
    const ready = [...new Set(streams.map((s) => this.own(s)))].filter((s) => this.native.isReady(s.native));
    if (ready.length === 0) return;
    try {
      this.native.decodeStreams(ready.map((s) => s.native));
      ready.forEach((s) => s.steps++);
    } catch (err) {
      throw new AsrError(ErrorCode.WorkerFailed, `sherpa-onnx decode failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  getResult(stream: OnlineStream): RecognitionResult {
    const s = this.own(stream);
    const r = this.native.getResult(s.native);
    // sherpa-onnx counts timestamps from the segment start and may lead with a space; ours do neither.
    const start = round(this.countsSegments ? s.startFrame * 0.01 : r.start_time);
    const segment = this.countsSegments ? s.segment : r.segment;
    return { text: r.text.trim(), tokens: r.tokens, timestamps: r.timestamps.map((t) => round(start + t)), segment, startTime: start };
  }

  isEndpoint(stream: OnlineStream): boolean {
    return this.native.isEndpoint(this.own(stream).native);
  }

  reset(stream: OnlineStream): void {
    const s = this.own(stream);
    if (this.countsSegments) {
      if (this.native.getResult(s.native).tokens.length > 0) s.segment++;
      s.startFrame += s.steps * this.modelInfo.chunkShift;
      s.steps = 0;
    }
    this.native.reset(s.native);
  }

  async dispose(): Promise<void> {
    // The addon frees the native recognizer when it is garbage-collected.
  }

  private own(stream: OnlineStream): SherpaStream {
    if (!(stream instanceof SherpaStream) || stream.owner !== this) {
      throw new AsrError(ErrorCode.Internal, 'stream was not created by this recognizer');
    }
    return stream;
  }
}

/** Seconds with microsecond precision, as the engine reports them. */
function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

function metaInt(files: ModelFiles, role: string, key: string): number {
  const v = Number(files.metadata[role]?.get(key));
  if (!Number.isInteger(v) || v <= 0) throw new AsrError(ErrorCode.ModelInvalid, `${files.onnx[role]}: metadata ${key} is missing or not a positive integer`);
  return v;
}

async function modelInfoOf(files: ModelFiles): Promise<ModelInfo> {
  if (files.family === 'nemo-ctc') {
    return { family: files.family, sampleRate: 16000, featureDim: 80, chunkShift: metaInt(files, 'model', 'chunk_shift'), vocabSize: metaInt(files, 'model', 'vocab_size') + 1 };
  }
  if (files.family === 'zipformer2-ctc') {
    // No metadata key holds its vocabulary (sherpa-onnx reads the log_probs shape): one class per token.
    const symbols = await SymbolTable.load(files.tokens);
    return { family: files.family, sampleRate: 16000, featureDim: 80, chunkShift: metaInt(files, 'model', 'decode_chunk_len'), vocabSize: symbols.size };
  }
  if (files.family === 'paraformer') {
    // sherpa-onnx's fixed step: 61 fbank frames read, 60 consumed.
    return { family: files.family, sampleRate: 16000, featureDim: 80, chunkShift: 60, vocabSize: metaInt(files, 'encoder', 'vocab_size') };
  }
  return { family: files.family, sampleRate: 16000, featureDim: 80, chunkShift: metaInt(files, 'encoder', 'decode_chunk_len'), vocabSize: metaInt(files, 'decoder', 'vocab_size') };
}

/**
 * Same signature as the engine's createOnlineRecognizer(), so the worker pool loads either one.
 * The model folder is detected by the engine's own rules; sherpa-onnx then loads the same files.
 */
export async function createOnlineRecognizer(input: EngineRecognizerConfigInput): Promise<OnlineRecognizer> {
  const config = resolveRecognizerConfig(input);
  if (typeof config.lm === 'object') {
    throw new AsrError(ErrorCode.InvalidConfig, "sherpa-onnx-node's streaming recognizer takes no token n-gram LM; use Earshot's engine");
  }
  const files = await detectModel(config.modelDir, { preferInt8: config.preferInt8 });
  if (files.family === 'paraformer' && config.decodingMethod !== 'greedy_search') {
    // sherpa-onnx would exit() the whole process on this config.
    throw new AsrError(ErrorCode.InvalidConfig, `sherpa-onnx decodes a streaming Paraformer with greedy_search only, not ${config.decodingMethod}`);
  }
  const sherpa = loadSherpa();
  let native: SherpaNativeRecognizer;
  try {
    native = new sherpa.OnlineRecognizer(sherpaConfigFor(files, config));
  } catch (err) {
    throw new AsrError(ErrorCode.ModelInvalid, `sherpa-onnx could not load ${config.modelDir}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return new SherpaRecognizer(native, await modelInfoOf(files));
}
