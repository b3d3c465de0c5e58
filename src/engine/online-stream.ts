import { AsrError } from '../shared/errors.ts';
import { ErrorCode } from '../shared/protocol/error-codes.ts';
import type { FbankOptions } from './features/fbank-options.ts';
import { OnlineFbank } from './features/online-fbank.ts';
import type { PowerSpectrumKernel } from './features/power-spectrum.ts';
import { Resampler, validateSampleRate } from './features/resampler.ts';
import type { StateData } from './model/state-batching.ts';
import type { OnlineStream } from './recognizer-api.ts';

/**
 * One audio stream's decoding state: its fbank (and a resampler when the client's rate differs
 * from the model's), encoder states, search state and frame counters (sherpa-onnx's OnlineStream).
 * Only the recognizer that created it touches the engine-side fields.
 */
export class EngineStream<S = unknown> implements OnlineStream {
  /** Encoder states, in the model's state order. */
  states: StateData[];
  /** Search state of the current segment. */
  search: S;
  /** Feature frames consumed in this segment (advances by the chunk shift). */
  processedFrames = 0;
  /** Global frame index where the current segment starts. */
  startFrame = 0;
  segment = 0;
  /** Set while a decodeStreams() call holds this stream. */
  busy = false;

  private readonly fbank: OnlineFbank;
  private resampler: Resampler | null = null;
  private done = false;

  constructor(
    readonly owner: object,
    private readonly modelSampleRate: number,
    featureDim: number,
    states: StateData[],
    search: S,
    spectrum?: PowerSpectrumKernel,
    /** The model's fbank front-end where it differs from sherpa-onnx's default (e.g. Paraformer's). */
    fbankOptions: Partial<FbankOptions> = {},
  ) {
    this.fbank = new OnlineFbank({ ...fbankOptions, sampleRate: modelSampleRate, numBins: featureDim }, spectrum);
    this.states = states;
    this.search = search;
  }

  acceptWaveform(sampleRate: number, samples: Float32Array): void {
    if (this.done) throw new AsrError(ErrorCode.StreamFinished, 'acceptWaveform() after inputFinished()');
    validateSampleRate(sampleRate);
    if (!(samples instanceof Float32Array)) {
      throw new AsrError(ErrorCode.InvalidAudio, 'samples must be a Float32Array');
    }
    if (sampleRate !== this.modelSampleRate) {
      // sherpa-onnx creates its resampler on the first chunk and refuses a later rate change.
      this.resampler ??= new Resampler(sampleRate, this.modelSampleRate);
    }
    if (this.resampler) {
      if (sampleRate !== this.resampler.inputRate) {
        throw new AsrError(
          ErrorCode.InvalidSampleRate,
          `sample rate changed from ${this.resampler.inputRate} to ${sampleRate} Hz within one stream`,
        );
      }
      this.fbank.acceptWaveform(this.resampler.resample(samples));
      return;
    }
    this.fbank.acceptWaveform(samples);
  }

  inputFinished(): void {
    this.done = true;
    this.fbank.inputFinished();
  }

  get finished(): boolean {
    return this.done;
  }

  /** Frames available from the segment start on. */
  get framesReady(): number {
    return this.fbank.numFramesReady - this.startFrame;
  }

  /** Copies `count` frames from the current position into dst (row-major, count × dim). */
  readFrames(count: number, dst: Float32Array, dstOffset: number): void {
    this.fbank.getFrames(this.startFrame + this.processedFrames, count, dst, dstOffset);
  }

  /** Frames before the current position are never read again. */
  releaseConsumedFrames(): void {
    this.fbank.discardFramesBefore(this.startFrame + this.processedFrames);
  }

  /**
   * Bytes held by this stream's buffers (states + features), for memory accounting. States that
   * the encoder still holds in a carried batch (state-carry.ts) are counted there, not here.
   */
  get retainedBytes(): number {
    const states = this.states.reduce((n, s) => n + s.byteLength, 0);
    return states + this.fbank.retainedFrames * this.fbank.dim * 4 + this.fbank.retainedSamples * 4;
  }
}

/**
 * Runs one decode over streams that no other decodeStreams() call may hold meanwhile (a caller bug
 * if one does): each is marked busy for the duration, however the decode ends. With `batch` false
 * (a batch-1 graph) the streams are decoded one call each.
 */
export async function decodeHeld<S extends EngineStream<unknown>>(ready: S[], batch: boolean, decode: (streams: S[]) => Promise<void>): Promise<void> {
  for (const s of ready) {
    if (s.busy) throw new AsrError(ErrorCode.Internal, 'a stream is already being decoded by another decodeStreams() call');
  }
  ready.forEach((s) => (s.busy = true));
  try {
    if (batch) await decode(ready);
    else for (const s of ready) await decode([s]);
  } finally {
    ready.forEach((s) => (s.busy = false));
  }
}
