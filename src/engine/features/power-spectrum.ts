import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { realFft, type RealFft } from './real-fft.ts';

/** Which implementation computes the fbank's power spectrum. */
export type SpectrumBackend = 'wasm' | 'js';

export const SPECTRUM_BACKENDS: readonly SpectrumBackend[] = ['wasm', 'js'];

/**
 * |X_k|², k = 0..P/2, of a real frame of size P. The caller writes the P (zero-padded) samples
 * into `input`, then calls compute(). Writing into the kernel's own buffer saves a copy per frame
 * (for the wasm kernel, `input` is a view of the WebAssembly memory).
 */
export interface PowerSpectrumKernel {
  readonly size: number;
  /** 'js-float64' or 'wasm-simd-float32'. */
  readonly name: string;
  readonly input: Float32Array | Float64Array;
  compute(power: Float64Array): void;
}

/** The float64 JS real FFT (exact to float64 round-off); always available, synchronously. */
export class JsPowerSpectrum implements PowerSpectrumKernel {
  readonly name = 'js-float64';
  readonly input: Float64Array;
  private readonly fft: RealFft;

  constructor(readonly size: number) {
    this.fft = realFft(size);
    this.input = new Float64Array(size);
  }

  compute(power: Float64Array): void {
    this.fft.powerSpectrum(this.input, power);
  }
}

const jsKernels = new Map<number, JsPowerSpectrum>();

/** The shared JS kernel of this size (one scratch buffer per size is enough: calls are synchronous). */
export function jsPowerSpectrum(size: number): JsPowerSpectrum {
  let kernel = jsKernels.get(size);
  if (!kernel) {
    kernel = new JsPowerSpectrum(size);
    jsKernels.set(size, kernel);
  }
  return kernel;
}

/** What we use of the Emscripten module of @echogarden/pffft-wasm (PFFFT by Julien Pommier). */
interface PffftModule {
  HEAPF32: Float32Array;
  _pffft_new_setup(n: number, transform: number): number;
  _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
  _pffft_aligned_malloc(bytes: number): number;
}

const PFFFT_REAL = 0;
const PFFFT_FORWARD = 0;

/**
 * PFFFT's SIMD real FFT compiled to WebAssembly: float32 like kaldi-native-fbank's FFT, about 3.5×
 * faster than the JS one. Each kernel owns its module instance and allocates once, so the memory
 * never grows and the views never detach.
 */
export class WasmPowerSpectrum implements PowerSpectrumKernel {
  readonly name = 'wasm-simd-float32';
  readonly input: Float32Array;
  private readonly output: Float32Array;

  private constructor(
    readonly size: number,
    private readonly module: PffftModule,
    private readonly setup: number,
    private readonly inPtr: number,
    private readonly outPtr: number,
    private readonly workPtr: number,
  ) {
    const buffer = module.HEAPF32.buffer;
    this.input = new Float32Array(buffer, inPtr, size);
    this.output = new Float32Array(buffer, outPtr, size);
  }

  static async load(size: number): Promise<WasmPowerSpectrum> {
    // PFFFT's real transform needs a multiple of 32 with SIMD; the fbank's sizes are powers of two ≥ 256.
    if (!Number.isInteger(size) || size < 32 || size % 32 !== 0) {
      throw new AsrError(ErrorCode.InvalidConfig, `wasm FFT size must be a multiple of 32, got ${size}`);
    }
    const { default: factory } = await import('@echogarden/pffft-wasm/simd');
    const module = (await factory()) as PffftModule;
    const setup = module._pffft_new_setup(size, PFFFT_REAL);
    const bytes = size * 4;
    const [inPtr, outPtr, workPtr] = [0, 1, 2].map(() => module._pffft_aligned_malloc(bytes));
    if (!setup || !inPtr || !outPtr || !workPtr) {
      throw new AsrError(ErrorCode.Internal, `pffft: cannot set up a real FFT of size ${size}`);
    }
    return new WasmPowerSpectrum(size, module, setup, inPtr, outPtr, workPtr);
  }

  compute(power: Float64Array): void {
    this.module._pffft_transform_ordered(this.setup, this.inPtr, this.outPtr, this.workPtr, PFFFT_FORWARD);
    // Ordered real output: [X_0, X_{P/2}, Re X_1, Im X_1, …] (both ends are real).
    const o = this.output;
    const half = this.size >> 1;
    power[0] = o[0] * o[0];
    power[half] = o[1] * o[1];
    for (let k = 1, j = 2; k < half; k++, j += 2) {
      const re = o[j], im = o[j + 1];
      power[k] = re * re + im * im;
    }
  }
}

const loaded = new Map<string, Promise<PowerSpectrumKernel>>();

/**
 * The kernel for `backend` and FFT size, loaded once per process. 'wasm' falls back to 'js'
 * where WebAssembly SIMD is missing (the fallback is silent: both compute the same features,
 * to float32 round-off); `kernel.name` says which one runs.
 */
export function loadPowerSpectrum(size: number, backend: SpectrumBackend): Promise<PowerSpectrumKernel> {
  if (!SPECTRUM_BACKENDS.includes(backend)) {
    throw new AsrError(ErrorCode.InvalidConfig, `spectrum backend must be one of ${SPECTRUM_BACKENDS.join(', ')}, got ${String(backend)}`);
  }
  const key = `${backend}:${size}`;
  let kernel = loaded.get(key);
  if (!kernel) {
    kernel =
      backend === 'js' || size % 32 !== 0
        ? Promise.resolve(jsPowerSpectrum(size))
        : WasmPowerSpectrum.load(size).catch(() => jsPowerSpectrum(size));
    loaded.set(key, kernel);
  }
  return kernel;
}
