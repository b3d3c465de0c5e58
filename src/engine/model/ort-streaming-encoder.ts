import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { type StateData, type StateSpec, zeroState } from './state-batching.ts';
import { DeviceReader } from './device-reader.ts';
import { StateCarry } from './state-carry.ts';
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
  readonly binding = 'onnxruntime-node';
  readonly chunkLength: number;
  readonly chunkShift: number;
  readonly featureDim: number;
  readonly stateSpecs: readonly StateSpec[];
  readonly supportsBatch: boolean;
  private readonly carry: StateCarry;
  /** Opened on the first read of a state the session left on the device. */
  private reader: Promise<DeviceReader> | undefined;
  /** The last call's completion: calls run one at a time, which the state carry relies on. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly session: InferenceSession,
    private readonly layout: EncoderLayout,
    private readonly path: string,
    /** Keep state outputs batched between calls (state-carry.ts). */
    carryStates = false,
    /** The session's provider: where the read-back session of device-held states runs. */
    private readonly provider = 'cpu',
  ) {
    this.chunkLength = layout.chunkLength;
    this.chunkShift = layout.chunkShift;
    this.featureDim = layout.featureDim;
    this.stateSpecs = layout.stateSpecs;
    this.supportsBatch = layout.supportsBatch;
    this.carry = new StateCarry(layout.stateSpecs, carryStates, (t) => this.readBack(t));
  }

  async release(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.carry.flush();
    const reader = this.reader;
    this.reader = undefined;
    await reader?.then((r) => r.release(), () => undefined);
    return this.session.release();
  }

  private async readBack(tensor: Tensor): Promise<Tensor['data']> {
    if (tensor.location === 'cpu') return tensor.data;
    this.reader ??= DeviceReader.create(this.provider);
    return (await this.reader).read(tensor);
  }

  readStates(states: readonly StateData[]): Promise<readonly StateData[]> {
    return this.serialized(() => this.carry.read(states));
  }

  initStates(): StateData[] {
    return this.stateSpecs.map(zeroState);
  }

  run(features: Float32Array, states: readonly (readonly StateData[])[]): Promise<EncoderResult> {
    return this.serialized(() => this.runNow(features, states));
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(features: Float32Array, states: readonly (readonly StateData[])[]): Promise<EncoderResult> {
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
    const { tensors, reused } = await this.carry.inputs(states);
    this.stateSpecs.forEach((spec, i) => (feeds[spec.inputName] = tensors[i]));
    for (const c of this.layout.constantInputs) {
      feeds[c.name] = new Tensor('int64', new BigInt64Array(n).fill(BigInt(c.value)), [n]);
    }
    let out: InferenceSession.OnnxValueMapType;
    let data: unknown;
    try {
      out = await this.session.run(feeds);
      // A GPU provider may leave outputs on the device: the main one is read back here.
      const main = out[this.layout.output];
      data = main ? await this.readBack(main) : undefined;
    } catch (err) {
      await this.carry.consumed(reused, false);
      throw err;
    }
    const main = out[this.layout.output];
    const stateOutputs = new Set(this.stateSpecs.map((spec) => spec.outputName));
    const valid = main && main.dims.length === 3 && main.dims[0] === n && data instanceof Float32Array;
    for (const [name, value] of Object.entries(out)) {
      if ((!valid || !stateOutputs.has(name)) && value.location !== 'cpu') value.dispose();
    }
    if (!valid) {
      await this.carry.consumed(reused, false); // the streams keep the states they came with
      throw new AsrError(
        ErrorCode.ModelInvalid,
        `${this.path}: output '${this.layout.output}' has shape [${main?.dims.join(', ')}], expected [${n}, frames, dim] float32`,
      );
    }
    await this.carry.consumed(reused, true);
    const next = await this.carry.adopt(
      this.stateSpecs.map((spec) => out[spec.outputName]),
      n,
    );
    return { output: data as Float32Array, frames: main.dims[1], dim: main.dims[2], states: next };
  }
}

/** (N, T, F) → (N, F, T). */
export function toChannelsFirst(src: Float32Array, n: number, t: number, f: number): Float32Array {
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
