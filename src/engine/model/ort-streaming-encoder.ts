import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { type StateData, type StateSpec, stackState, unstackState, zeroState } from './state-batching.ts';
import type { EncoderResult, StreamingEncoder } from './streaming-model.ts';

export interface EncoderLayout {
  featuresInput: string;
  /** (N, T, F) as sherpa-onnx hands frames over, or (N, F, T) for NeMo's channels-first graphs. */
  featureLayout: 'frames-first' | 'channels-first';
  /** The main output: log-probs or encoder_out, (N, frames, dim). */
  output: string;
  stateSpecs: StateSpec[];
  /** int64 (N,) inputs that always hold one value, e.g. NeMo's `length` = window size. */
  constantInputs: { name: string; value: number }[];
  chunkLength: number;
  chunkShift: number;
  featureDim: number;
  supportsBatch: boolean;
}

/** A streaming encoder session: stacks states, runs one call for the batch, splits the results. */
export class OrtStreamingEncoder implements StreamingEncoder {
  readonly chunkLength: number;
  readonly chunkShift: number;
  readonly featureDim: number;
  readonly stateSpecs: readonly StateSpec[];
  readonly supportsBatch: boolean;

  constructor(
    private readonly session: InferenceSession,
    private readonly layout: EncoderLayout,
    private readonly path: string,
  ) {
    this.chunkLength = layout.chunkLength;
    this.chunkShift = layout.chunkShift;
    this.featureDim = layout.featureDim;
    this.stateSpecs = layout.stateSpecs;
    this.supportsBatch = layout.supportsBatch;
  }

  release(): Promise<void> {
    return this.session.release();
  }

  initStates(): StateData[] {
    return this.stateSpecs.map(zeroState);
  }

  async run(features: Float32Array, states: readonly (readonly StateData[])[]): Promise<EncoderResult> {
    const n = states.length;
    const { chunkLength: t, featureDim: f } = this;
    if (features.length !== n * t * f) {
      throw new AsrError(ErrorCode.Internal, `encoder input has ${features.length} values, expected ${n}×${t}×${f}`);
    }
    const feeds: Record<string, Tensor> = {};
    feeds[this.layout.featuresInput] =
      this.layout.featureLayout === 'channels-first'
        ? new Tensor('float32', toChannelsFirst(features, n, t, f), [n, f, t])
        : new Tensor('float32', features, [n, t, f]);
    this.stateSpecs.forEach((spec, i) => {
      const batched = stackState(
        spec,
        states.map((s) => s[i]),
      );
      feeds[spec.inputName] = new Tensor(spec.type, batched.data, batched.dims);
    });
    for (const c of this.layout.constantInputs) {
      feeds[c.name] = new Tensor('int64', new BigInt64Array(n).fill(BigInt(c.value)), [n]);
    }
    const out = await this.session.run(feeds);
    const main = out[this.layout.output];
    if (!main || main.dims.length !== 3 || main.dims[0] !== n || !(main.data instanceof Float32Array)) {
      throw new AsrError(
        ErrorCode.ModelInvalid,
        `${this.path}: output '${this.layout.output}' has shape [${main?.dims.join(', ')}], expected [${n}, frames, dim] float32`,
      );
    }
    const next: StateData[][] = Array.from({ length: n }, () => new Array<StateData>(this.stateSpecs.length));
    this.stateSpecs.forEach((spec, i) => {
      const value = out[spec.outputName];
      const parts = unstackState(spec, value.data as StateData, n);
      for (let s = 0; s < n; s++) next[s][i] = parts[s];
    });
    return { output: main.data, frames: main.dims[1], dim: main.dims[2], states: next };
  }
}

/** (N, T, F) → (N, F, T). */
function toChannelsFirst(src: Float32Array, n: number, t: number, f: number): Float32Array {
  const dst = new Float32Array(src.length);
  for (let b = 0; b < n; b++) {
    const base = b * t * f;
    for (let i = 0; i < t; i++) {
      const row = base + i * f;
      for (let j = 0; j < f; j++) dst[base + j * t + i] = src[row + j];
    }
  }
  return dst;
}
