import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

export function melScale(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

export function inverseMelScale(mel: number): number {
  return 700 * (Math.exp(mel / 1127) - 1);
}

export interface MelBanksConfig {
  numBins: number;
  sampleRate: number;
  fftSize: number;
  lowFreq: number;
  /** Already resolved (> 0, in Hz). */
  highFreq: number;
}

/**
 * Kaldi's triangular mel filterbank (MODEL_INTERFACES.md §1.3) over FFT bins 0..P/2−1
 * (the Nyquist bin is ignored), stored compactly: each band is its first FFT bin plus
 * its run of weights, all runs concatenated in one array.
 */
export class MelBanks {
  readonly numBins: number;
  /** First FFT bin of band m. */
  readonly firstBin: Int32Array;
  /** Start of band m's weights in `weights`; band m has `offset[m+1] − offset[m]` weights. */
  readonly offset: Int32Array;
  readonly weights: Float64Array;

  constructor(config: MelBanksConfig) {
    const { numBins, sampleRate, fftSize, lowFreq, highFreq } = config;
    const numFftBins = fftSize / 2;
    const binWidth = sampleRate / fftSize;
    const melLow = melScale(lowFreq);
    const melHigh = melScale(highFreq);
    const delta = (melHigh - melLow) / (numBins + 1);
    const binMel = new Float64Array(numFftBins);
    for (let i = 0; i < numFftBins; i++) binMel[i] = melScale(binWidth * i);

    this.numBins = numBins;
    this.firstBin = new Int32Array(numBins);
    this.offset = new Int32Array(numBins + 1);
    const runs: number[][] = [];
    for (let m = 0; m < numBins; m++) {
      const left = melLow + m * delta;
      const center = melLow + (m + 1) * delta;
      const right = melLow + (m + 2) * delta;
      let first = -1;
      const run: number[] = [];
      for (let i = 0; i < numFftBins; i++) {
        const z = binMel[i];
        if (!(z > left && z < right)) continue;
        if (first < 0) first = i;
        run.push(z <= center ? (z - left) / (center - left) : (right - z) / (right - center));
      }
      if (first < 0) {
        throw new AsrError(ErrorCode.InvalidConfig, `fbank: mel band ${m} covers no FFT bin; numBins ${numBins} is too large for ${lowFreq}–${highFreq} Hz`);
      }
      this.firstBin[m] = first;
      this.offset[m + 1] = this.offset[m] + run.length;
      runs.push(run);
    }
    this.weights = new Float64Array(runs.flat());
  }

  /** e[m] = Σ_i weight[m][i] · power[i]. */
  apply(power: Float64Array, out: Float64Array): void {
    const { numBins, firstBin, offset, weights } = this;
    for (let m = 0; m < numBins; m++) {
      let sum = 0;
      const end = offset[m + 1];
      for (let w = offset[m], i = firstBin[m]; w < end; w++, i++) sum += weights[w] * power[i];
      out[m] = sum;
    }
  }

  /** Weight of FFT bin `i` in band `m` (0 outside the band). */
  weight(m: number, i: number): number {
    const k = i - this.firstBin[m];
    return k >= 0 && k < this.offset[m + 1] - this.offset[m] ? this.weights[this.offset[m] + k] : 0;
  }
}

const cache = new Map<string, MelBanks>();

/** The shared MelBanks for this configuration (built once). */
export function melBanks(config: MelBanksConfig): MelBanks {
  const key = `${config.numBins}:${config.sampleRate}:${config.fftSize}:${config.lowFreq}:${config.highFreq}`;
  let banks = cache.get(key);
  if (!banks) {
    banks = new MelBanks(config);
    cache.set(key, banks);
  }
  return banks;
}
