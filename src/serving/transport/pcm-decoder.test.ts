import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { PcmDecoder } from './pcm-decoder.ts';

function s16(...values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 2);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setInt16(i * 2, x, true));
  return b;
}

describe('PcmDecoder', () => {
  it('decodes little-endian PCM16 to [-1, 1]', () => {
    const d = new PcmDecoder('pcm_s16le');
    expect([...d.decode(s16(0, 16384, -32768, 32767))]).toEqual([0, 0.5, -1, 32767 / 32768]);
  });

  it('carries a sample split across chunks instead of dropping it', () => {
    const d = new PcmDecoder('pcm_s16le');
    const bytes = s16(1000, -2000, 3000);
    const a = d.decode(bytes.subarray(0, 3));
    expect(a.length).toBe(1);
    expect(d.pendingBytes).toBe(1);
    const b = d.decode(bytes.subarray(3));
    expect([...a, ...b].map((x) => Math.round(x * 32768))).toEqual([1000, -2000, 3000]);
    expect(d.pendingBytes).toBe(0);
  });

  it('decodes float32 and handles unaligned views', () => {
    const f = new Float32Array([0.25, -0.5, 1]);
    const raw = new Uint8Array(f.byteLength + 1);
    raw.set(new Uint8Array(f.buffer), 1);
    const d = new PcmDecoder('f32le');
    expect([...d.decode(raw.subarray(1))]).toEqual([0.25, -0.5, 1]);
  });

  it('rejects non-finite float samples with ASR_ERR_INVALID_AUDIO', () => {
    const d = new PcmDecoder('f32le');
    const f = new Float32Array([0.1, Number.NaN]);
    expect(() => d.decode(new Uint8Array(f.buffer))).toThrow(expect.objectContaining({ code: ErrorCode.InvalidAudio }));
  });
});
