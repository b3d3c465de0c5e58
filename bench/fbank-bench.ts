// Fbank and resampler throughput for one stream on one core (never part of the tests).
// Run: node --import tsx bench/fbank-bench.ts [seconds-of-audio]
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { OnlineFbank } from '../src/engine/features/online-fbank.ts';
import { PARAFORMER_FBANK_OPTIONS, type FbankOptions } from '../src/engine/features/fbank-options.ts';
import { SPECTRUM_BACKENDS, loadPowerSpectrum, type PowerSpectrumKernel } from '../src/engine/features/power-spectrum.ts';
import { Resampler } from '../src/engine/features/resampler.ts';

const seconds = Number(process.argv[2] ?? 60);

function signal(rate: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * rate));
  let s = 1;
  for (let i = 0; i < x.length; i++) {
    s = (s * 16807) % 2147483647;
    x[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate) + 0.05 * (s / 2147483647 - 0.5);
  }
  return x;
}

/**
 * Best of `runs` timings in ms, as CPU time of this process (user + system), which stays
 * meaningful on a shared machine; wall time is printed beside it. The first run warms the JIT.
 */
function best(runs: number, fn: () => void): { cpu: number; wall: number } {
  let cpu = Infinity;
  let wall = Infinity;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { cpu, wall };
}

function rates(t: { cpu: number; wall: number }): string {
  return `${Math.round((seconds * 1000) / t.cpu)}× real time per CPU-second (wall ${t.wall.toFixed(1)} ms: ${Math.round((seconds * 1000) / t.wall)}×)`;
}

function benchFbank(name: string, options: Partial<FbankOptions>, audio: Float32Array, chunk: number, spectrum?: PowerSpectrumKernel): void {
  let frames = 0;
  const t = best(5, () => {
    const fbank = new OnlineFbank(options, spectrum);
    for (let i = 0; i < audio.length; i += chunk) {
      fbank.acceptWaveform(audio.subarray(i, i + chunk));
      fbank.discardFramesBefore(fbank.numFramesReady);
    }
    fbank.inputFinished();
    frames = fbank.numFramesReady;
  });
  const fps = (frames / t.cpu) * 1000;
  console.log(`fbank ${(spectrum?.name ?? 'js-float64').padEnd(17)} ${name.padEnd(28)} ${frames} frames in ${t.cpu.toFixed(1)} ms CPU: ${Math.round(fps)} frames/s, ${rates(t)}`);
}

function benchResampler(rate: number, chunk: number): void {
  const audio = signal(rate);
  const t = best(5, () => {
    const r = new Resampler(rate);
    for (let i = 0; i < audio.length; i += chunk) r.resample(audio.subarray(i, i + chunk));
    r.flush();
  });
  console.log(`resample ${String(rate).padStart(6)} → 16000 Hz, ${chunk}-sample chunks: ${t.cpu.toFixed(1)} ms CPU, ${rates(t)}`);
}

console.log(`node ${process.version}, ${seconds} s of audio per run, best of 5, ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${os.loadavg()[0].toFixed(1)}`);
const audio16k = signal(16000);
for (const backend of SPECTRUM_BACKENDS) {
  const kernel = await loadPowerSpectrum(512, backend);
  benchFbank('sherpa/povey, 100 ms chunks', {}, audio16k, 1600, kernel);
  benchFbank('sherpa/povey, 10 ms chunks', {}, audio16k, 160, kernel);
  benchFbank('paraformer/hamming, 600 ms', PARAFORMER_FBANK_OPTIONS, audio16k, 9600, kernel);
}
for (const rate of [8000, 44100, 48000]) benchResampler(rate, Math.round(rate / 10));
