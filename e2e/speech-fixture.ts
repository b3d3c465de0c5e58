import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Speaks `text` with espeak-ng into a 16 kHz mono PCM16 WAV (sox), with silence before and
 * after so Chromium's fake microphone (`%noloop`) plays the whole sentence and then a pause.
 */
export function synthesizeSpeech(name: string, text: string, { voice = 'en-us', wpm = 140, leadS = 0.5, tailS = 1.5 } = {}): string {
  const dir = join(tmpdir(), 'earshot-e2e');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}.wav`);
  if (existsSync(out)) return out;
  const raw = join(dir, `${name}.raw.wav`);
  execFileSync('espeak-ng', ['-v', voice, '-s', String(wpm), '-w', raw, text]);
  execFileSync('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', out, 'pad', String(leadS), String(tailS)]);
  return out;
}

/** Duration of a 16 kHz mono PCM16 WAV made by synthesizeSpeech, in milliseconds. */
export function wavDurationMs(file: string): number {
  const bytes = readFileSync(file);
  // Canonical 44-byte header from sox; data size at offset 40.
  return (bytes.readUInt32LE(40) / 2 / 16000) * 1000;
}

/** The samples of such a WAV (for streaming it from Node). */
export function wavSamples(file: string): Int16Array {
  const bytes = readFileSync(file);
  const data = bytes.subarray(44, 44 + bytes.readUInt32LE(40));
  return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}
