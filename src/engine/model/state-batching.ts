/**
 * Stacks per-stream model states into one batch along each state's own batch axis, and splits
 * a batched result back (zipformer2 mixes axes 0 and 1; NeMo caches use axis 0).
 * Blocks are moved with TypedArray.set; only tiny blocks use a plain loop (cheaper than a view).
 */

export type StateData = Float32Array | BigInt64Array | Int32Array;
export type StateType = 'float32' | 'int64' | 'int32';

export interface StateSpec {
  inputName: string;
  outputName: string;
  /** Shape for ONE stream: the batch axis has size 1. */
  dims: readonly number[];
  batchAxis: number;
  type: StateType;
}

export interface BatchedState {
  data: StateData;
  dims: number[];
}

const SMALL_BLOCK = 16;

// Zero-length, so shared: nothing can be written into them.
const EMPTY: Record<StateType, StateData> = {
  float32: new Float32Array(0),
  int64: new BigInt64Array(0),
  int32: new Int32Array(0),
};

/**
 * A stream's handle for states whose values are held elsewhere (a carried batch, native
 * tensors): a new array (its identity is the handle) of empty elements, filled in when read.
 */
export function placeholderStates(specs: readonly StateSpec[]): StateData[] {
  return specs.map((spec) => EMPTY[spec.type]);
}

export function zeroState(spec: StateSpec): StateData {
  const size = spec.dims.reduce((a, b) => a * b, 1);
  return allocate(spec.type, size);
}

/** Concatenates N streams' values of one state along its batch axis. */
export function stackState(spec: StateSpec, perStream: readonly StateData[]): BatchedState {
  const n = perStream.length;
  const dims = [...spec.dims];
  dims[spec.batchAxis] = n;
  if (n === 1) return { data: perStream[0], dims };
  const { outer, inner } = blockShape(spec);
  const out = allocate(spec.type, outer * n * inner);
  for (let s = 0; s < n; s++) {
    const src = perStream[s];
    if (src.length !== outer * inner) {
      throw new RangeError(`state ${spec.inputName}: stream ${s} has ${src.length} values, expected ${outer * inner}`);
    }
    if (outer === 1) {
      set(out, src, s * inner);
      continue;
    }
    for (let o = 0; o < outer; o++) copyBlock(out, (o * n + s) * inner, src, o * inner, inner);
  }
  return { data: out, dims };
}

/** Splits a batched state (batch size n along spec.batchAxis) into n per-stream values. */
export function unstackState(spec: StateSpec, batched: StateData, n: number): StateData[] {
  const { outer, inner } = blockShape(spec);
  if (batched.length !== outer * n * inner) {
    throw new RangeError(`state ${spec.outputName}: got ${batched.length} values, expected ${outer * n * inner}`);
  }
  // A fresh output buffer of batch 1 is already the stream's own.
  if (n === 1) return [batched];
  const result: StateData[] = [];
  for (let s = 0; s < n; s++) {
    if (outer === 1) {
      result.push(batched.slice(s * inner, (s + 1) * inner));
      continue;
    }
    const dst = allocate(spec.type, outer * inner);
    for (let o = 0; o < outer; o++) copyBlock(dst, o * inner, batched, (o * n + s) * inner, inner);
    result.push(dst);
  }
  return result;
}

function blockShape(spec: StateSpec): { outer: number; inner: number } {
  let outer = 1;
  let inner = 1;
  spec.dims.forEach((d, i) => {
    if (i < spec.batchAxis) outer *= d;
    else if (i > spec.batchAxis) inner *= d;
  });
  return { outer, inner };
}

function copyBlock(dst: StateData, dstOffset: number, src: StateData, srcOffset: number, length: number): void {
  if (length <= SMALL_BLOCK) {
    for (let i = 0; i < length; i++) dst[dstOffset + i] = src[srcOffset + i];
    return;
  }
  set(dst, src.subarray(srcOffset, srcOffset + length), dstOffset);
}

function set(dst: StateData, src: StateData, offset: number): void {
  (dst as Float32Array).set(src as Float32Array, offset);
}

function allocate(type: StateType, size: number): StateData {
  if (type === 'int64') return new BigInt64Array(size);
  if (type === 'int32') return new Int32Array(size);
  return new Float32Array(size);
}
