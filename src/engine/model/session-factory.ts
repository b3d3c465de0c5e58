import { access } from 'node:fs/promises';
import { InferenceSession } from 'onnxruntime-node';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

export interface SessionFactoryOptions {
  /** Execution providers to try, one at a time, in order; 'cpu' is always the last resort. */
  providers: readonly string[];
  /** Intra-op threads of each session. */
  numThreads: number;
  /**
   * Encoder states between calls (state-carry.ts): 'auto' carries them on the CPU provider, where
   * the oracle tests cover it, and not on a GPU provider (the one WebGPU run of it aborted, see
   * BENCHMARKS.md); 'on' carries them on any provider (on WebGPU they stay on the device), 'off'
   * splits every call's outputs at once.
   */
  carryStates?: CarryStates;
  /**
   * How the encoder calls onnxruntime (streaming-encoder-factory.ts): 'auto' uses the ort-values
   * addon on the CPU provider where it is built, else onnxruntime-node; 'native' requires the
   * addon; 'onnxruntime-node' never uses it.
   */
  encoderBinding?: EncoderBinding;
}

export type CarryStates = 'auto' | 'on' | 'off';
export const CARRY_STATES: readonly CarryStates[] = ['auto', 'on', 'off'];
export type EncoderBinding = 'auto' | 'native' | 'onnxruntime-node';
export const ENCODER_BINDINGS: readonly EncoderBinding[] = ['auto', 'native', 'onnxruntime-node'];

/** Whether an encoder on this provider carries its states. */
export function carriesStates(options: SessionFactoryOptions, provider: string): boolean {
  const mode = options.carryStates ?? 'auto';
  return mode === 'on' || (mode === 'auto' && provider === 'cpu');
}

export interface ProviderFailure {
  provider: string;
  message: string;
}

export interface CreatedSession {
  session: InferenceSession;
  /** The provider the session really runs on. */
  provider: string;
  /** Providers tried before it, and why each failed. */
  failures: ProviderFailure[];
}

/**
 * Creates an ORT session, trying each provider alone: a list such as ['webgpu','cpu'] does not
 * fall back by itself in onnxruntime-node, it throws if the first one fails.
 */
export async function createSession(
  modelPath: string,
  options: SessionFactoryOptions,
  /** 'encoder': a streaming encoder, whose outputs a WebGPU session keeps on the device. */
  role: 'encoder' | 'other' = 'other',
): Promise<CreatedSession> {
  try {
    await access(modelPath);
  } catch {
    throw new AsrError(ErrorCode.ModelNotFound, `model file not found: ${modelPath}`);
  }
  const order = [...new Set(options.providers.filter((p) => p !== 'cpu')), 'cpu'];
  const failures: ProviderFailure[] = [];
  for (const provider of order) {
    try {
      let session = await InferenceSession.create(modelPath, sessionOptions(provider, options.numThreads));
      if (role === 'encoder' && provider === 'webgpu' && carriesStates(options, provider)) {
        // A second session that keeps the float state outputs on the GPU: it needs their names.
        const onDevice = deviceOutputs(session);
        await session.release();
        session = await InferenceSession.create(modelPath, sessionOptions(provider, options.numThreads, onDevice));
      }
      return { session, provider, failures };
    } catch (err) {
      failures.push({ provider, message: err instanceof Error ? err.message : String(err) });
    }
  }
  const cpu = failures[failures.length - 1];
  throw new AsrError(ErrorCode.ModelInvalid, `cannot load ${modelPath}: ${cpu.message}`, { cause: failures });
}

function sessionOptions(provider: string, numThreads: number, onDevice: readonly string[] = []): InferenceSession.SessionOptions {
  return {
    ...(onDevice.length > 0
      ? { preferredOutputLocation: Object.fromEntries(onDevice.map((name) => [name, 'gpu-buffer' as const])) }
      : {}),
    executionProviders: [provider],
    intraOpNumThreads: numThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Warnings about unused initializers etc. are noise for users; errors still throw.
    logSeverityLevel: 3,
  };
}

/**
 * Outputs a WebGPU encoder keeps on the device: the float32 ones after the first (the states).
 * The first (log-probs / encoder_out) is read every call anyway, and int64 values (lengths,
 * counters) are tiny and may live on the CPU side of the graph.
 */
function deviceOutputs(session: InferenceSession): string[] {
  return session.outputNames.filter((name, i) => {
    const meta = session.outputMetadata?.[i];
    return i > 0 && meta?.isTensor === true && meta.type === 'float32';
  });
}
