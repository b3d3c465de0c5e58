import { Tensor } from 'onnxruntime-node';
import { placeholderStates, type StateData, type StateSpec, stackState, unstackState } from './state-batching.ts';

/**
 * Carries encoder states from one batched call to the next.
 *
 * Without a carry, every call stacks N streams' states into batched inputs and splits the batched
 * outputs back into N streams (and, on a GPU provider, copies them host → device and back). With
 * it, a call's state outputs stay batched (on the device where the session put them) and each
 * stream gets placeholder handles; when the next call batches the same streams in the same order,
 * as a steady batch of busy streams does, those outputs are fed back as they are. Only when the
 * batch changes are the held states read back and split (settled) — once for the whole batch.
 *
 * Not reentrant: the encoder runs its calls one at a time (OrtStreamingEncoder serializes them).
 */
export class StateCarry {
  private held: HeldBatch | undefined;

  constructor(
    private readonly specs: readonly StateSpec[],
    /** false: every call's outputs are split at once (the plain path). */
    private readonly enabled: boolean,
    /** How a held tensor's values reach the host (a device tensor: device-reader.ts). */
    private readonly readBack: ReadBack = (t) => Promise.resolve(t.data),
  ) {}

  /**
   * Batched state inputs for these streams: the held outputs when they belong to exactly these
   * streams in this order, else stacked from their (settled) per-stream states. `reused` is the
   * batch whose tensors were handed over; pass it to `consumed` once the call has returned.
   */
  async inputs(states: readonly (readonly StateData[])[]): Promise<{ tensors: Tensor[]; reused?: HeldBatch }> {
    const held = this.held;
    this.held = undefined;
    if (held && sameStreams(held.handles, states)) return { tensors: held.tensors, reused: held };
    if (held) await settle(this.specs, held, this.readBack);
    const tensors = this.specs.map((spec, i) => {
      const batched = stackState(
        spec,
        states.map((s) => s[i]),
      );
      return new Tensor(spec.type, batched.data, batched.dims);
    });
    return { tensors };
  }

  /** After a call that was fed a held batch: on success its tensors are spent, on failure its streams get their states back. */
  async consumed(reused: HeldBatch | undefined, ok: boolean): Promise<void> {
    if (!reused) return;
    if (ok) disposeAll(reused.tensors);
    else await settle(this.specs, reused, this.readBack);
  }

  /** Takes a call's state outputs (one batched tensor per spec) and returns each stream's states. */
  async adopt(outputs: Tensor[], n: number): Promise<StateData[][]> {
    const handles = Array.from({ length: n }, () => placeholderStates(this.specs));
    const batch: HeldBatch = { handles, tensors: outputs };
    if (this.enabled) this.held = batch;
    else await settle(this.specs, batch, this.readBack);
    return handles;
  }

  /** Makes these states readable (settles the held batch if they are in it). */
  async read(states: readonly StateData[]): Promise<readonly StateData[]> {
    const held = this.held;
    if (held?.handles.includes(states as StateData[])) {
      this.held = undefined;
      await settle(this.specs, held, this.readBack);
    }
    return states;
  }

  /** Frees the held batch's device memory (its streams' states are settled first). */
  async flush(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held) await settle(this.specs, held, this.readBack);
  }
}

/** A tensor's values on the host. */
export type ReadBack = (tensor: Tensor) => Promise<Tensor['data']>;

export interface HeldBatch {
  /** The per-stream state arrays handed out; filled in place when the batch is settled. */
  handles: StateData[][];
  tensors: Tensor[];
}

function sameStreams(handles: readonly StateData[][], states: readonly (readonly StateData[])[]): boolean {
  return handles.length === states.length && handles.every((h, k) => h === states[k]);
}

/** Reads the batched tensors (from the device if needed), splits them into the handles, frees the tensors. */
async function settle(specs: readonly StateSpec[], batch: HeldBatch, readBack: ReadBack): Promise<void> {
  const n = batch.handles.length;
  for (let i = 0; i < specs.length; i++) {
    const data = (await readBack(batch.tensors[i])) as StateData;
    const parts = unstackState(specs[i], data, n);
    for (let s = 0; s < n; s++) batch.handles[s][i] = parts[s];
  }
  disposeAll(batch.tensors);
}

function disposeAll(tensors: readonly Tensor[]): void {
  // CPU tensors are garbage-collected; device buffers must be released explicitly.
  for (const t of tensors) if (t.location !== 'cpu') t.dispose();
}
