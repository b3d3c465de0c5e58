import { readFile } from 'node:fs/promises';
import { AsrError } from '../shared/errors.ts';
import { ErrorCode } from '../shared/protocol/error-codes.ts';
import type { AudioFormat } from '../shared/protocol/messages.ts';

export interface WavAudio {
  sampleRate: number;
  /** Channels in the file; `samples` is always their average (mono). */
  channels: number;
  /** The lossless wire format for these samples: PCM16 files stay PCM16, float files stay float. */
  format: AudioFormat;
  /** Mono samples in [-1, 1]. */
  samples: Float32Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function bad(path: string, why: string): never {
  throw new AsrError(ErrorCode.InvalidAudio, `${path}: ${why}`);
}

/** Parses a RIFF/WAVE buffer: PCM16 or float32, any channel count (downmixed), any sample rate. */
export function parseWav(buf: Buffer, path = 'audio'): WavAudio {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') bad(path, 'not a RIFF/WAVE file');
  let pos = 12;
  let fmt: { tag: number; channels: number; sampleRate: number; bits: number } | undefined;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) bad(path, 'truncated fmt chunk');
      let tag = buf.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of its sub-format GUID.
      if (tag === WAVE_FORMAT_EXTENSIBLE && size >= 40) tag = buf.readUInt16LE(body + 24);
      fmt = { tag, channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) bad(path, 'data chunk before fmt chunk');
      return decodeData(buf.subarray(body, Math.min(body + size, buf.length)), fmt, path);
    }
    pos = body + size + (size & 1);
  }
  bad(path, 'no data chunk');
}

function decodeData(data: Buffer, fmt: { tag: number; channels: number; sampleRate: number; bits: number }, path: string): WavAudio {
  const { tag, channels, sampleRate, bits } = fmt;
  if (channels < 1) bad(path, 'no channels');
  if (sampleRate < 1) bad(path, `invalid sample rate ${sampleRate}`);
  let read: (offset: number) => number;
  let format: AudioFormat;
  if (tag === WAVE_FORMAT_PCM && bits === 16) {
    read = (o) => data.readInt16LE(o) / 32768;
    format = 'pcm_s16le';
  } else if (tag === WAVE_FORMAT_IEEE_FLOAT && bits === 32) {
    read = (o) => data.readFloatLE(o);
    format = 'f32le';
  } else {
    bad(path, `unsupported sample format (format tag ${tag}, ${bits} bits); use 16-bit PCM or 32-bit float`);
  }
  const width = bits / 8;
  const frames = Math.floor(data.length / (width * channels));
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read((i * channels + c) * width);
    samples[i] = sum / channels;
  }
  return { sampleRate, channels, format, samples };
}

export async function readWavFile(path: string): Promise<WavAudio> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    throw new AsrError(ErrorCode.InvalidAudio, `${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseWav(buf, path);
}

/** Encodes mono samples for the wire: PCM16 (clamped, rounded) or float32, little-endian. */
export function encodeSamples(samples: Float32Array, format: AudioFormat): Uint8Array {
  if (format === 'f32le') {
    const out = Buffer.alloc(samples.length * 4);
    for (let i = 0; i < samples.length; i++) out.writeFloatLE(samples[i], i * 4);
    return out;
  }
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768))), i * 2);
  return out;
}
