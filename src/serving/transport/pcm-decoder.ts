import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { AudioFormat } from '../../shared/protocol/messages.ts';

const BYTES_PER_SAMPLE: Record<AudioFormat, number> = { pcm_s16le: 2, f32le: 4 };

export function bytesPerSample(format: AudioFormat): number {
  return BYTES_PER_SAMPLE[format];
}

/**
 * Turns a session's audio bytes into float samples in [-1, 1]. WebSocket frames need not be
 * sample-aligned: a split sample is carried over to the next chunk instead of being dropped.
 */
export class PcmDecoder {
  private carry = new Uint8Array(0);
  private readonly width: number;

  constructor(readonly format: AudioFormat) {
    this.width = BYTES_PER_SAMPLE[format];
  }

  /** Bytes held back because they do not make a whole sample yet. */
  get pendingBytes(): number {
    return this.carry.length;
  }

  decode(chunk: Uint8Array): Float32Array {
    let bytes = chunk;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
    }
    const count = Math.floor(bytes.length / this.width);
    const used = count * this.width;
    this.carry = bytes.slice(used);
    const view = new DataView(bytes.buffer, bytes.byteOffset, used);
    const out = new Float32Array(count);
    if (this.format === 'pcm_s16le') {
      for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true) / 32768;
    } else {
      for (let i = 0; i < count; i++) {
        const v = view.getFloat32(i * 4, true);
        // NaN or infinities would poison the model's state for the rest of the session.
        if (!Number.isFinite(v)) throw new AsrError(ErrorCode.InvalidAudio, `f32le sample ${i} is not a finite number`);
        out[i] = v;
      }
    }
    return out;
  }
}
