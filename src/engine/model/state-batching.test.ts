import { describe, expect, it } from 'vitest';
import { type StateData, type StateSpec, stackState, unstackState, zeroState } from './state-batching.ts';

/** Reference: element-wise concatenation along the batch axis, by explicit multi-indices. */
function naiveStack(spec: StateSpec, streams: StateData[]): number[] {
  const n = streams.length;
  const dims = [...spec.dims];
  dims[spec.batchAxis] = n;
  const total = dims.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let flat = 0; flat < total; flat++) {
    // Decompose flat index into a multi-index over dims (row-major).
    const idx: number[] = [];
    let rest = flat;
    for (let k = dims.length - 1; k >= 0; k--) {
      idx[k] = rest % dims[k];
      rest = Math.floor(rest / dims[k]);
    }
    const s = idx[spec.batchAxis];
    let srcFlat = 0;
    for (let k = 0; k < dims.length; k++) srcFlat = srcFlat * spec.dims[k] + (k === spec.batchAxis ? 0 : idx[k]);
    out.push(Number(streams[s][srcFlat]));
  }
  return out;
}

function spec(dims: number[], batchAxis: number, type: StateSpec['type'] = 'float32'): StateSpec {
  return { inputName: 'in', outputName: 'out', dims, batchAxis, type };
}

function randomState(s: StateSpec, seed: number): StateData {
  const data = zeroState(s);
  for (let i = 0; i < data.length; i++) {
    const v = ((i * 7919 + seed * 104729) % 1000) - 500;
    if (data instanceof BigInt64Array) data[i] = BigInt(v);
    else data[i] = v / 7;
  }
  return data;
}

const SHAPES: StateSpec[] = [
  spec([16, 1, 16], 1), // zipformer2 cached_key (batch axis 1, big outer)
  spec([1, 1, 12, 24], 1), // cached_nonlin_attn (axis 1, outer 1)
  spec([1, 48, 3], 0), // cached_conv (axis 0)
  spec([1, 2, 16, 48], 0), // NeMo cache_last_channel
  spec([4, 1, 5], 1), // tiny blocks (element loop path)
  spec([1], 0, 'int64'), // processed_lens
  spec([3, 1, 40], 1, 'int64'),
  spec([2, 3, 1], 2, 'int32'),
];

describe('stackState / unstackState', () => {
  it.each(SHAPES.map((s) => [s.dims.join('x'), s.batchAxis, s] as const))('%s on axis %i matches element-wise concatenation', (_d, _a, s) => {
    for (const n of [1, 2, 5]) {
      const streams = Array.from({ length: n }, (_, i) => randomState(s, i + 1));
      const stacked = stackState(s, streams);
      const dims = [...s.dims];
      dims[s.batchAxis] = n;
      expect(stacked.dims).toEqual(dims);
      expect(Array.from(stacked.data, Number)).toEqual(naiveStack(s, streams));
      const back = unstackState(s, stacked.data, n);
      expect(back.map((b) => Array.from(b, Number))).toEqual(streams.map((b) => Array.from(b, Number)));
    }
  });

  it('gives every stream its own copy after a split', () => {
    const s = spec([1, 4, 8], 0);
    const parts = unstackState(s, stackState(s, [randomState(s, 1), randomState(s, 2)]).data, 2);
    parts[0][0] = 12345;
    expect(parts[1][0]).not.toBe(12345);
    expect(parts[0].buffer).not.toBe(parts[1].buffer);
  });

  it('rejects a state of the wrong size', () => {
    const s = spec([16, 1, 16], 1);
    expect(() => stackState(s, [zeroState(s), new Float32Array(10)])).toThrow(RangeError);
    expect(() => unstackState(s, new Float32Array(16 * 16 * 3 - 1), 3)).toThrow(RangeError);
  });
});
