import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { EncoderLayout } from './ort-streaming-encoder.ts';
import { toChannelsFirst } from './ort-streaming-encoder.ts';
import type { NativeInput, NativeSession, NativeValue, OrtValuesAddon } from './ort-values-addon.ts';
import { releaseOnce } from './release-once.ts';
import { placeholderStates, type StateData, type StateSpec, zeroState } from './state-batching.ts';
import type { EncoderResult, StreamingEncoder } from './streaming-model.ts';

/** What a stream's state handle stands for: its own native tensors, or a row of a batched call's. */
type Slot = { values: NativeValue[] } | { batch: HeldBatch; index: number } | { spent: true };

interface HeldBatch {
  /** The streams' handles, in the order of the call that produced `values`. */
  streams: StateData[][];
  /** One batched tensor per state spec; undefined once split. */
  values: NativeValue[] | undefined;
}

/** Where each session input comes from. */
type InputSource = { kind: 'features' } | { kind: 'state'; index: number } | { kind: 'constant'; value: number };

/**
 * A streaming encoder on the ort-values addon. The states never enter JavaScript: a call's state
 * outputs are native tensors fed straight into the stream's next call. Streams batched together
 * stay batched (like state-carry.ts) until a call batches them differently; then the batched
 * tensors are split (once, in C), and per-stream tensors are stacked (in C) for the new batch.
 *
 * Each stream's state handle is an array of empty placeholders; the tensors live in a WeakMap
 * keyed by that array. A handle is spent once a call has advanced it (its tensors are freed at
 * once, so the runtime's arena reuses the memory), exactly as with the state carry.
 * Calls are synchronous, so nothing can interleave between taking the inputs and adopting outputs.
 */
export class NativeStreamingEncoder implements StreamingEncoder {
  readonly binding = 'native';
  readonly chunkLength: number;
  readonly chunkShift: number;
  readonly featureDim: number;
  readonly stateSpecs: readonly StateSpec[];
  readonly supportsBatch: boolean;
  private readonly slots = new WeakMap<readonly StateData[], Slot>();
  private readonly sources: InputSource[];
  private readonly mainOutput: number;
  private readonly stateOutputs: number[];
  /** Outputs freed right after a call: all but the states (the main output is read first). */
  private readonly dropOutputs: number[];
  private released = false;
  private readonly freeSession = releaseOnce(() => this.addon.releaseSession(this.session.handle));

  constructor(
    private readonly addon: OrtValuesAddon,
    private readonly session: NativeSession,
    private readonly layout: EncoderLayout,
    private readonly path: string,
    /** Keep a batch's outputs batched until the batch changes (else split after every call). */
    private readonly carry: boolean,
  ) {
    this.chunkLength = layout.chunkLength;
    this.chunkShift = layout.chunkShift;
    this.featureDim = layout.featureDim;
    this.stateSpecs = layout.stateSpecs;
    this.supportsBatch = layout.supportsBatch;
    this.sources = session.inputNames.map((name): InputSource => {
      if (name === layout.featuresInput) return { kind: 'features' };
      const index = layout.stateSpecs.findIndex((s) => s.inputName === name);
      if (index >= 0) return { kind: 'state', index };
      const constant = layout.constantInputs.find((c) => c.name === name);
      if (constant) return { kind: 'constant', value: constant.value };
      throw new AsrError(ErrorCode.ModelInvalid, `${path}: input '${name}' is neither features, a state nor a known constant`);
    });
    this.mainOutput = this.outputIndex(layout.output);
    this.stateOutputs = layout.stateSpecs.map((s) => this.outputIndex(s.outputName));
    this.dropOutputs = session.outputNames.map((_, i) => i).filter((i) => !this.stateOutputs.includes(i));
  }

  initStates(): StateData[] {
    return this.stateSpecs.map(zeroState);
  }

  async run(features: Float32Array, states: readonly (readonly StateData[])[]): Promise<EncoderResult> {
    if (this.released) throw new AsrError(ErrorCode.Internal, `${this.path}: encoder used after release`);
    const n = states.length;
    const { chunkLength: t, featureDim: f } = this;
    if (features.length !== n * t * f) {
      throw new AsrError(ErrorCode.Internal, `encoder input has ${features.length} values, expected ${n}×${t}×${f}`);
    }
    const held = this.heldBatchOf(states);
    let stateInputs: NativeValue[];
    let stacked: NativeValue[] = [];
    let perStream: NativeValue[][] = [];
    if (held?.values) {
      stateInputs = held.values;
    } else {
      perStream = states.map((s) => this.own(s));
      stacked = n === 1 ? [] : this.stateSpecs.map((spec, i) => this.addon.stack(perStream.map((p) => p[i]), spec.batchAxis));
      stateInputs = n === 1 ? perStream[0] : stacked;
    }
    const x: NativeInput =
      this.layout.featureLayout === 'channels-first' ? [toChannelsFirst(features, n, t, f), [n, f, t]] : [features, [n, t, f]];
    const inputs = this.sources.map((src): NativeInput => {
      if (src.kind === 'features') return x;
      if (src.kind === 'state') return stateInputs[src.index];
      return [new BigInt64Array(n).fill(BigInt(src.value)), [n]];
    });
    let outputs: NativeValue[];
    try {
      outputs = this.addon.run(this.session.handle, inputs);
    } catch (err) {
      throw new AsrError(ErrorCode.ModelInvalid, `${this.path}: ${(err as Error).message}`, { cause: err });
    } finally {
      this.addon.release(stacked);
    }
    const main = outputs[this.mainOutput];
    const { type, dims } = this.addon.info(main);
    if (type !== 'float32' || dims.length !== 3 || dims[0] !== n) {
      this.addon.release(outputs); // the streams keep the states they came with
      throw new AsrError(ErrorCode.ModelInvalid, `${this.path}: output '${this.layout.output}' has shape [${dims.join(', ')}], expected [${n}, frames, dim] float32`);
    }
    const output = this.addon.read(main) as Float32Array;
    this.addon.release(this.dropOutputs.map((i) => outputs[i]));
    // The inputs are spent: free them now rather than at garbage collection.
    if (held) {
      this.addon.release(held.values ?? []);
      held.values = undefined;
    } else this.addon.release(perStream.flat());
    for (const s of states) this.slots.set(s, { spent: true });
    return { output, frames: dims[1], dim: dims[2], states: this.adopt(this.stateOutputs.map((i) => outputs[i]), n) };
  }

  async readStates(states: readonly StateData[]): Promise<readonly StateData[]> {
    const values = this.own(states);
    const filled = states as StateData[];
    values.forEach((v, i) => (filled[i] = this.addon.read(v)));
    return states;
  }

  async release(): Promise<void> {
    this.released = true;
    await this.freeSession();
  }

  /** New handles for a call's state outputs: one stream's own, or a held batch. */
  private adopt(values: NativeValue[], n: number): StateData[][] {
    const handles = Array.from({ length: n }, () => placeholderStates(this.stateSpecs));
    if (n === 1) {
      this.slots.set(handles[0], { values });
      return handles;
    }
    const batch: HeldBatch = { streams: handles, values };
    handles.forEach((h, index) => this.slots.set(h, { batch, index }));
    if (!this.carry) this.split(batch);
    return handles;
  }

  /** The held batch these streams form, in this order, if any. */
  private heldBatchOf(states: readonly (readonly StateData[])[]): HeldBatch | undefined {
    const slot = this.slots.get(states[0]);
    if (!slot || !('batch' in slot)) return undefined;
    const { streams } = slot.batch;
    return streams.length === states.length && streams.every((s, k) => s === states[k]) ? slot.batch : undefined;
  }

  /** A stream's own native tensors: split out of its batch, or made from its arrays (fresh streams). */
  private own(states: readonly StateData[]): NativeValue[] {
    const slot = this.slots.get(states);
    if (slot && 'spent' in slot) throw new AsrError(ErrorCode.Internal, `${this.path}: these encoder states were already advanced by a call`);
    if (slot && 'values' in slot) return slot.values;
    if (slot) {
      this.split(slot.batch);
      return this.own(states);
    }
    const values = this.stateSpecs.map((spec, i) => {
      const data = states[i];
      const size = spec.dims.reduce((a, b) => a * b, 1);
      if (data?.length !== size) {
        throw new AsrError(ErrorCode.Internal, `state ${spec.inputName}: got ${data?.length} values, expected ${size}`);
      }
      return this.addon.fromArray(data, spec.dims);
    });
    this.slots.set(states, { values });
    return values;
  }

  /** Cuts a held batch into its streams' own tensors (one unstack per state) and frees it. */
  private split(batch: HeldBatch): void {
    const values = batch.values;
    if (!values) return;
    const pieces = this.stateSpecs.map((spec, i) => this.addon.unstack(values[i], spec.batchAxis));
    batch.streams.forEach((s, k) => this.slots.set(s, { values: pieces.map((p) => p[k]) }));
    this.addon.release(values);
    batch.values = undefined;
  }

  private outputIndex(name: string): number {
    const i = this.session.outputNames.indexOf(name);
    if (i < 0) throw new AsrError(ErrorCode.ModelInvalid, `${this.path}: no output '${name}'`);
    return i;
  }
}
