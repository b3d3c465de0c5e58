import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../shared/protocol/error-codes.ts';
import { encodeSamples, parseWav, readWavFile } from './wav-reader.ts';

function wav(tag: number, channels: number, rate: number, bits: number, data: Buffer): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(tag, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE((rate * channels * bits) / 8, 8);
  fmt.writeUInt16LE((channels * bits) / 8, 12);
  fmt.writeUInt16LE(bits, 14);
  const list = Buffer.from('LIST\u0004\u0000\u0000\u0000abcd', 'latin1'); // a chunk to skip
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'ascii');
  header.write('WAVE', 8, 'ascii');
  const chunk = (id: string, body: Buffer) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'ascii');
    h.writeUInt32LE(body.length, 4);
    return Buffer.concat([h, body]);
  };
  const all = Buffer.concat([header, chunk('fmt ', fmt), list, chunk('data', data)]);
  all.writeUInt32LE(all.length - 8, 4);
  return all;
}

describe('WAV reader', () => {
  it('reads mono PCM16 losslessly and re-encodes it to the same bytes', () => {
    const pcm = Buffer.alloc(6);
    [1000, -32768, 32767].forEach((v, i) => pcm.writeInt16LE(v, i * 2));
    const audio = parseWav(wav(1, 1, 8000, 16, pcm));
    expect(audio).toMatchObject({ sampleRate: 8000, channels: 1, format: 'pcm_s16le' });
    expect(Buffer.from(encodeSamples(audio.samples, 'pcm_s16le')).equals(pcm)).toBe(true);
  });

  it('downmixes stereo float32 to mono', () => {
    const f = Buffer.alloc(16);
    [0.5, -0.5, 1, 0].forEach((v, i) => f.writeFloatLE(v, i * 4));
    const audio = parseWav(wav(3, 2, 44100, 32, f));
    expect(audio).toMatchObject({ sampleRate: 44100, channels: 2, format: 'f32le' });
    expect([...audio.samples]).toEqual([0, 0.5]);
  });

  it('rejects non-WAV data and unsupported encodings with ASR_ERR_INVALID_AUDIO', () => {
    expect(() => parseWav(Buffer.from('not a wav file at all'))).toThrow(expect.objectContaining({ code: ErrorCode.InvalidAudio }));
    expect(() => parseWav(wav(1, 1, 16000, 8, Buffer.alloc(4)))).toThrow(/unsupported sample format/);
  });

  it('reads the real jfk.wav from ../shared/data', async () => {
    const audio = await readWavFile(new URL('../../../shared/data/real-speech/jfk.wav', import.meta.url).pathname);
    expect(audio.sampleRate).toBe(16000);
    expect(audio.samples.length / audio.sampleRate).toBeCloseTo(11, 0);
  });

  it('reports a missing file as ASR_ERR_INVALID_AUDIO', async () => {
    await expect(readWavFile('/nonexistent/x.wav')).rejects.toMatchObject({ code: ErrorCode.InvalidAudio });
  });
});
