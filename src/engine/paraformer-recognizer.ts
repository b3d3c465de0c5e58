import { AsrError } from '../shared/errors.ts';
import { ErrorCode } from '../shared/protocol/error-codes.ts';
import { type CifState, initialCifState, integrateAndFire } from './decoder/continuous-integrate-and-fire.ts';
import { paraformerText } from './decoder/paraformer-text.ts';
import type { SymbolTable } from './decoder/symbol-table.ts';
import { isEndpointInFrames } from './endpoint.ts';
import { type FbankOptions, PARAFORMER_FBANK_OPTIONS } from './features/fbank-options.ts';
import { LfrFeatures } from './features/lfr-features.ts';
import type { PowerSpectrumKernel } from './features/power-spectrum.ts';
import type { ParaformerModel } from './model/streaming-model.ts';
import type { EngineRecognizerConfig } from './online-recognizer-config.ts';
import { decodeHeld, EngineStream } from './online-stream.ts';
import type { ModelInfo, OnlineRecognizer, OnlineStream, RecognitionResult } from './recognizer-api.ts';

const SAMPLE_RATE = 16000;
const FRAME_SHIFT_S = 0.01;

/**
 * FunASR's front-end: hamming window, snip_edges, mel bins up to Nyquist, samples ×32768. Since
 * sherpa-onnx PR #3821 its online Paraformer sets these as its offline one does (older releases
 * kept the povey defaults); sherpa-onnx-node 1.13.8 computes exactly these features, as probe
 * models that echo their input show.
 */
const FBANK_OPTIONS: Partial<FbankOptions> = PARAFORMER_FBANK_OPTIONS;

// sherpa-onnx's fixed streaming geometry (online-recognizer-paraformer-impl.h): 61 fbank frames
// per step (10 LFR frames at 7/6), advancing 60 so that consecutive LFR windows stay 6 apart.
const CHUNK_FRAMES = 61;
const CHUNK_SHIFT = CHUNK_FRAMES - 1;
// LFR frames of context kept from the previous step: 5 on the left, 3 of look-ahead on the
// right; their alphas are zeroed, so each LFR frame fires tokens in exactly one step.
const LEFT_CONTEXT = 5;
const RIGHT_CONTEXT = 3;

/** What a segment decodes; reset() starts a new one (the feature overlap in `states` survives). */
interface ParaformerSearch {
  tokens: number[];
  /** processedFrames at the start of the last step that emitted a token (endpointing). */
  lastTokenFrame: number;
  cif: CifState;
  /** FSMN caches of the decoder blocks; null until the first token fires. */
  caches: Float32Array[] | null;
}

type ParaformerStream = EngineStream<ParaformerSearch>;

/**
 * sherpa-onnx's OnlineRecognizer for its streaming Paraformer, token for token: per step, LFR +
 * CMVN + positions over the new chunk, prepended with the previous step's last 8 LFR frames; one
 * encoder call (batched over streams when the graph allows); then per stream CIF over the
 * middle frames and, when tokens fire, one decoder call with the stream's FSMN caches. Greedy only.
 * Its results carry no timestamps, as sherpa-onnx's do not.
 */
export class ParaformerRecognizer implements OnlineRecognizer {
  readonly modelInfo: ModelInfo;
  readonly provider: string;
  readonly encoderBinding: string;
  private readonly lfr: LfrFeatures;
  private readonly lfrFrames: number;
  private readonly context = LEFT_CONTEXT + RIGHT_CONTEXT;

  constructor(
    private readonly model: ParaformerModel,
    private readonly symbols: SymbolTable,
    private readonly config: EngineRecognizerConfig,
    private readonly spectrum: PowerSpectrumKernel,
  ) {
    if (config.decodingMethod !== 'greedy_search') {
      throw new AsrError(ErrorCode.InvalidConfig, `a streaming Paraformer decodes with greedy_search only (as sherpa-onnx), not ${config.decodingMethod}`);
    }
    if (typeof config.lm === 'object') {
      throw new AsrError(ErrorCode.InvalidConfig, 'a language model needs a CTC model; paraformer decodes without one');
    }
    this.lfr = new LfrFeatures({
      featureDim: model.featureDim,
      windowSize: model.lfrWindowSize,
      windowShift: model.lfrWindowShift,
      negMean: model.negMean,
      invStddev: model.invStddev,
    });
    this.lfrFrames = this.lfr.framesFor(CHUNK_FRAMES);
    if (this.lfrFrames === 0) {
      throw new AsrError(ErrorCode.ModelInvalid, `${model.tokensPath}: lfr_window_size ${model.lfrWindowSize} exceeds the ${CHUNK_FRAMES}-frame chunk`);
    }
    this.modelInfo = { family: model.family, sampleRate: SAMPLE_RATE, featureDim: model.featureDim, chunkShift: CHUNK_SHIFT, vocabSize: model.vocabSize };
    this.provider = model.provider;
    this.encoderBinding = model.binding;
  }

  createStream(): OnlineStream {
    const overlap = new Float32Array(this.context * this.lfr.dim);
    return new EngineStream(this, SAMPLE_RATE, this.model.featureDim, [overlap], this.initialSearch(), this.spectrum, FBANK_OPTIONS);
  }

  isReady(stream: OnlineStream): boolean {
    const s = this.own(stream);
    return s.processedFrames + CHUNK_FRAMES < s.framesReady;
  }

  async decodeStreams(streams: OnlineStream[]): Promise<void> {
    const ready = [...new Set(streams.map((s) => this.own(s)))].filter((s) => this.isReady(s));
    if (ready.length > 0) await decodeHeld(ready, this.model.encoderSupportsBatch, (batch) => this.step(batch));
  }

  /** One step of every stream: their encoder inputs in one batch, then CIF and decoder per stream. */
  private async step(streams: ParaformerStream[]): Promise<void> {
    const dim = this.lfr.dim;
    const frames = this.context + this.lfrFrames;
    const input = new Float32Array(streams.length * frames * dim);
    const fbank = new Float32Array(CHUNK_FRAMES * this.model.featureDim);
    streams.forEach((s, i) => {
      s.readFrames(CHUNK_FRAMES, fbank, 0);
      const at = i * frames * dim;
      const overlap = s.states[0] as Float32Array;
      input.set(overlap, at);
      // Positions count LFR frames from the segment start (processedFrames restarts at a reset).
      this.lfr.compute(fbank, CHUNK_FRAMES, Math.floor(s.processedFrames / this.model.lfrWindowShift), input, at + overlap.length);
    });
    const { enc, encLen, alphas } = await this.model.runEncoder(input, streams.length, frames);
    const encDim = this.model.encoderOutputSize;
    for (const [i, s] of streams.entries()) {
      const start = s.processedFrames;
      // The next step's left context and look-ahead: this input's last frames.
      s.states = [input.slice((i + 1) * frames * dim - this.context * dim, (i + 1) * frames * dim)];
      s.processedFrames += CHUNK_SHIFT;
      s.releaseConsumedFrames();
      const a = alphas.subarray(i * frames, (i + 1) * frames);
      a.fill(0, 0, LEFT_CONTEXT);
      a.fill(0, frames - RIGHT_CONTEXT);
      const search = s.search;
      const { embeddings, count } = integrateAndFire(enc, i * frames * encDim, a, 0, frames, search.cif);
      if (count === 0) continue;
      const encOut = enc.slice(i * frames * encDim, (i + 1) * frames * encDim);
      const out = await this.model.runDecoder(encOut, encLen.slice(i, i + 1), embeddings, count, search.caches ?? this.zeroCaches());
      search.caches = out.caches;
      // sherpa-onnx drops only id 0 (blank) from sample_ids.
      const emitted = out.tokens.filter((t) => t !== 0);
      search.tokens.push(...emitted);
      if (emitted.length > 0) search.lastTokenFrame = start;
    }
  }

  getResult(stream: OnlineStream): RecognitionResult {
    const s = this.own(stream);
    const tokens = s.search.tokens.map((id) => this.symbols.display(id));
    return {
      text: paraformerText(tokens).trim(),
      tokens,
      timestamps: [],
      segment: s.segment,
      startTime: round(s.startFrame * FRAME_SHIFT_S),
    };
  }

  isEndpoint(stream: OnlineStream): boolean {
    const s = this.own(stream);
    return isEndpointInFrames(this.config.endpoint, s.processedFrames, s.processedFrames - s.search.lastTokenFrame);
  }

  /** As sherpa-onnx: CIF and decoder states restart, the feature overlap and the fbank do not. */
  reset(stream: OnlineStream): void {
    const s = this.own(stream);
    if (s.search.tokens.length > 0) s.segment++;
    s.search = this.initialSearch();
    s.startFrame += s.processedFrames;
    s.processedFrames = 0;
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }

  private initialSearch(): ParaformerSearch {
    return { tokens: [], lastTokenFrame: 0, cif: initialCifState(this.model.encoderOutputSize), caches: null };
  }

  private zeroCaches(): Float32Array[] {
    const size = this.model.encoderOutputSize * (this.model.decoderKernelSize - 1);
    return Array.from({ length: this.model.decoderNumBlocks }, () => new Float32Array(size));
  }

  private own(stream: OnlineStream): ParaformerStream {
    if (!(stream instanceof EngineStream) || stream.owner !== this) {
      throw new AsrError(ErrorCode.Internal, 'stream was not created by this recognizer');
    }
    return stream as ParaformerStream;
  }
}

/** Seconds with microsecond precision, as the engine's other results. */
function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
