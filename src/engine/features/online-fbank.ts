import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { fbankComputer, type FbankComputer } from './fbank-computer.ts';
import { createFbankOptions, type FbankOptions } from './fbank-options.ts';
import { GaussianNoise } from './gaussian-noise.ts';
import type { PowerSpectrumKernel } from './power-spectrum.ts';

/**
 * Streaming Kaldi fbank, frame for frame what kaldi-native-fbank's OnlineFbank computes
 * (MODEL_INTERFACES.md §1.2, §1.4). Frames are computed as soon as their samples exist;
 * inputFinished() adds the right-edge frames. Frame indices are global and survive
 * discardFramesBefore(), which (with the knf-style waveform discard) keeps memory bounded.
 */
export class OnlineFbank {
  readonly options: Readonly<FbankOptions>;
  /** Values per frame (numBins). */
  readonly dim: number;
  private readonly computer: FbankComputer;
  private readonly frameLength: number;
  private readonly frameShift: number;
  private readonly noise: GaussianNoise | null;
  private readonly frameScratch: Float64Array;

  // Waveform tail: samples [waveOffset, waveOffset + waveLength) live at wave[waveHead…].
  private wave = new Float32Array(4096);
  private waveHead = 0;
  private waveLength = 0;
  private waveOffset = 0;

  // Frames [frameOffset, frameOffset + frameRows) live row-major at frames[frameHead·dim…].
  private frames: Float32Array;
  private frameHead = 0;
  private frameRows = 0;
  private frameOffset = 0;

  private finished = false;

  /**
   * `spectrum`: the FFT kernel (from loadPowerSpectrum); default the float64 JS one, which needs
   * no loading. The wasm kernel is float32 like kaldi-native-fbank and several times faster.
   */
  constructor(options: Partial<FbankOptions> = {}, spectrum?: PowerSpectrumKernel) {
    this.options = Object.freeze(createFbankOptions(options));
    this.computer = fbankComputer(this.options, spectrum);
    this.dim = this.options.numBins;
    this.frameLength = this.computer.geometry.frameLength;
    this.frameShift = this.computer.geometry.frameShift;
    this.noise = this.options.dither !== 0 ? new GaussianNoise(this.options.ditherSeed) : null;
    this.frameScratch = new Float64Array(this.computer.geometry.frameLength);
    this.frames = new Float32Array(128 * this.dim);
  }

  /** Global index one past the last computed frame. */
  get numFramesReady(): number {
    return this.frameOffset + this.frameRows;
  }

  /** Global index of the oldest frame still held (frames before it were discarded). */
  get firstAvailableFrame(): number {
    return this.frameOffset;
  }

  get isInputFinished(): boolean {
    return this.finished;
  }

  /** Samples accepted so far (at options.sampleRate). */
  get numSamplesAccepted(): number {
    return this.waveOffset + this.waveLength;
  }

  /** Samples currently held for future frames (bounded by about one frame plus the last chunk). */
  get retainedSamples(): number {
    return this.waveLength;
  }

  /** Frames currently held (bounded when the consumer calls discardFramesBefore). */
  get retainedFrames(): number {
    return this.frameRows;
  }

  /** Samples in [−1, 1] at options.sampleRate (scaled by options.inputScale); any chunk size. */
  acceptWaveform(samples: Float32Array): void {
    if (this.finished) {
      throw new AsrError(ErrorCode.StreamFinished, 'fbank: acceptWaveform() after inputFinished()');
    }
    // Check first so that a bad chunk leaves the stream exactly as it was.
    for (let i = 0; i < samples.length; i++) {
      if (!Number.isFinite(samples[i])) {
        throw new AsrError(ErrorCode.InvalidAudio, `fbank: sample ${i} of the chunk is ${samples[i]}; audio must be finite`);
      }
    }
    if (samples.length === 0) return;
    this.reserveSamples(samples.length);
    this.wave.set(samples, this.waveHead + this.waveLength);
    this.waveLength += samples.length;
    this.computeFrames();
  }

  /** No more audio: adds the last frames (right-edge reflection when snipEdges is false). Idempotent. */
  inputFinished(): void {
    if (this.finished) return;
    this.finished = true;
    this.computeFrames();
  }

  /**
   * Copies frames [start, start+count) row-major (count × dim) into dst at dstOffset.
   * Throws AsrError(Internal) for frames not yet computed or already discarded: a caller bug.
   */
  getFrames(start: number, count: number, dst: Float32Array, dstOffset = 0): void {
    if (!Number.isInteger(start) || !Number.isInteger(count) || !Number.isInteger(dstOffset) || count < 0 || dstOffset < 0) {
      throw new AsrError(ErrorCode.Internal, `fbank: bad getFrames(${start}, ${count}, dst, ${dstOffset})`);
    }
    if (start < this.frameOffset || start + count > this.numFramesReady) {
      throw new AsrError(
        ErrorCode.Internal,
        `fbank: frames [${start}, ${start + count}) requested, but only [${this.frameOffset}, ${this.numFramesReady}) are held`,
      );
    }
    if (dstOffset + count * this.dim > dst.length) {
      throw new AsrError(ErrorCode.Internal, `fbank: destination too small for ${count} frames at offset ${dstOffset}`);
    }
    const from = (this.frameHead + start - this.frameOffset) * this.dim;
    dst.set(this.frames.subarray(from, from + count * this.dim), dstOffset);
  }

  /** Drops frames before `frame` (clamped to numFramesReady); later indices do not change. */
  discardFramesBefore(frame: number): void {
    const drop = Math.min(frame, this.numFramesReady) - this.frameOffset;
    if (!(drop > 0)) return;
    this.frameHead += drop;
    this.frameRows -= drop;
    this.frameOffset += drop;
    if (this.frameRows === 0) this.frameHead = 0;
  }

  /** Frames whose samples all exist (or all frames after flush), as knf's NumFrames. */
  private numFramesFor(numSamples: number, flush: boolean): number {
    const L = this.frameLength, S = this.frameShift;
    if (this.options.snipEdges) return numSamples < L ? 0 : 1 + Math.floor((numSamples - L) / S);
    let frames = Math.floor((numSamples + Math.trunc(S / 2)) / S);
    if (flush) return frames;
    let end = this.firstSampleOf(frames - 1) + L;
    while (frames > 0 && end > numSamples) {
      frames--;
      end -= S;
    }
    return frames;
  }

  private firstSampleOf(frame: number): number {
    const S = this.frameShift;
    return this.options.snipEdges ? frame * S : frame * S + Math.trunc(S / 2) - Math.trunc(this.frameLength / 2);
  }

  private computeFrames(): void {
    const total = this.waveOffset + this.waveLength;
    const target = this.numFramesFor(total, this.finished);
    for (let f = this.numFramesReady; f < target; f++) {
      this.extractFrame(f, total);
      this.reserveFrameRow();
      this.computer.compute(this.frameScratch, this.frames, (this.frameHead + this.frameRows) * this.dim, this.noise);
      this.frameRows++;
    }
    // Keep only what future frames need, as knf does.
    const discard = this.firstSampleOf(target) - this.waveOffset;
    if (discard <= 0) return;
    if (discard >= this.waveLength) {
      this.waveOffset += this.waveLength;
      this.waveHead = 0;
      this.waveLength = 0;
    } else {
      this.waveHead += discard;
      this.waveLength -= discard;
      this.waveOffset += discard;
    }
  }

  /** Copies frame f's samples, scaled, into frameScratch; reflects at the signal's edges. */
  private extractFrame(f: number, total: number): void {
    const L = this.frameLength;
    const scale = this.options.inputScale;
    const dst = this.frameScratch;
    const wave = this.wave;
    const start = this.firstSampleOf(f);
    const base = this.waveHead - this.waveOffset;
    if (start >= this.waveOffset && start + L <= total) {
      for (let i = 0, j = base + start; i < L; i++, j++) dst[i] = wave[j] * scale;
      return;
    }
    // Only the first and the last one or two frames get here (snipEdges false).
    for (let i = 0; i < L; i++) {
      let s = start + i;
      while (s < 0 || s >= total) s = s < 0 ? -s - 1 : 2 * total - 1 - s;
      dst[i] = wave[base + s] * scale;
    }
  }

  private reserveSamples(extra: number): void {
    if (this.waveHead + this.waveLength + extra <= this.wave.length) return;
    const needed = this.waveLength + extra;
    if (needed <= this.wave.length >> 1) {
      this.wave.copyWithin(0, this.waveHead, this.waveHead + this.waveLength);
    } else {
      const grown = new Float32Array(Math.max(needed, this.wave.length * 2));
      grown.set(this.wave.subarray(this.waveHead, this.waveHead + this.waveLength));
      this.wave = grown;
    }
    this.waveHead = 0;
  }

  private reserveFrameRow(): void {
    const capacity = this.frames.length / this.dim;
    if (this.frameHead + this.frameRows < capacity) return;
    const used = this.frameRows * this.dim;
    const from = this.frameHead * this.dim;
    if (this.frameRows + 1 <= capacity >> 1) {
      this.frames.copyWithin(0, from, from + used);
    } else {
      const grown = new Float32Array(this.frames.length * 2);
      grown.set(this.frames.subarray(from, from + used));
      this.frames = grown;
    }
    this.frameHead = 0;
  }
}
